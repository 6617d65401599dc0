"""`training.yaml`: the committed hyperparameters of each trainee, which `retrain` and
`status` compare model files against. It sits at the corpus root:

    # corpus retrain: one block per type; every key is optional.
    trainees:
      login:
        iterations: 1000
        learning_rate: 1.0
        pos_weight: null
        layers: []          # hidden layer sizes
        stop_early: true    # fathom 3.7's default
        patience: 100
        seed: 0
        exclude: []         # rules left out
        cutoff: null        # null: the best-MCC cutoff on validation
        validation: true    # also vectorize samples/validation and measure on it
        ruleset: rulesets.py
        ship: false         # true: write each model retrain keeps into the ruleset (corpus ship)
        ship_verify: true   # with ship: check the shipped rulesets.js in the browser, as corpus ship does

Reading it never imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corpus.errors import CorpusError
from corpus.textformats import yaml_value
from trainer.hyperparameters import Hyperparameters

CONFIG_NAME = "training.yaml"
EXTRA_KEYS = ("cutoff", "validation", "ruleset", "ship", "ship_verify")


@dataclass
class TraineeConfig:
    trainee: str
    hyperparameters: Hyperparameters = field(default_factory=Hyperparameters)
    cutoff: float | None = None  # None: chosen on validation
    validation: bool = True
    ruleset: Path | None = None  # None: the vectorizer's default (rulesets.py at the root)
    ship: bool = False  # retrain writes a model it keeps into the ruleset
    ship_verify: bool = True  # and checks the shipped JavaScript ruleset in the browser

    def recorded(self) -> dict[str, Any]:
        """The hyperparameters as a model file records them."""
        data = self.hyperparameters.to_json()
        data["cutoff"] = self.cutoff
        return data


def load_training_config(root: Path) -> dict[str, TraineeConfig]:
    """The trainees of `training.yaml`; an empty dict when there is no such file."""
    path = root / CONFIG_NAME
    if not path.exists():
        return {}
    try:
        data = yaml_value(path.read_text()) or {}
        trainees = data.get("trainees") or {}
        if not isinstance(trainees, dict):
            raise ValueError("`trainees` must map each type to its settings")
        return {str(name): _trainee_config(root, str(name), settings or {}) for name, settings in trainees.items()}
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as e:
        raise CorpusError(f"{path}: {' '.join(str(e).split())}") from None


def _trainee_config(root: Path, name: str, settings: dict[str, Any]) -> TraineeConfig:
    if not isinstance(settings, dict):
        raise ValueError(f"{name}: expected settings such as `iterations: 1000`")
    hp = Hyperparameters.from_json({k: v for k, v in settings.items() if k not in EXTRA_KEYS})
    ruleset = settings.get("ruleset")
    return TraineeConfig(
        trainee=name,
        hyperparameters=hp,
        cutoff=None if settings.get("cutoff") is None else float(settings["cutoff"]),
        validation=bool(settings.get("validation", True)),
        ruleset=root / ruleset if ruleset else None,
        ship=bool(settings.get("ship", False)),
        ship_verify=bool(settings.get("ship_verify", True)),
    )
