"""Retraining driven by git: train again only when something a model depends on changed.

A model depends on its vector files (which depend on the samples and the
ruleset), on the ruleset, and on its hyperparameters. The hyperparameters live in
a committed `training.yaml` at the corpus root:

    # corpus retrain: one block per type; every key is optional.
    trainees:
      login:
        iterations: 1000
        learning_rate: 1.0
        pos_weight: null
        layers: []          # hidden layer sizes
        stop_early: false
        patience: 1
        seed: 0
        exclude: []         # rules left out
        cutoff: 0.5
        validation: true    # also vectorize samples/validation and measure on it
        ruleset: rulesets.py

The model file records what it was trained from (trainer/modelfile.py), so
"up to date" is a comparison, not a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corpus.errors import CorpusError
from corpus.samples.lock import writer_lock
from corpus.samples.tree import set_samples
from corpus.vectors.vectorfile import load_vectors, sha256_file
from trainer.modelfile import ModelFile, load_model, model_path, save_model
from trainer.train import Hyperparameters

CONFIG_NAME = "training.yaml"
EXTRA_KEYS = ("cutoff", "validation", "ruleset")


@dataclass
class TraineeConfig:
    trainee: str
    hyperparameters: Hyperparameters = field(default_factory=Hyperparameters)
    cutoff: float = 0.5
    validation: bool = True
    ruleset: Path | None = None  # None: the vectorizer's default (rulesets.py at the root)

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
        data = yaml.safe_load(path.read_text()) or {}
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
        cutoff=float(settings.get("cutoff", 0.5)),
        validation=bool(settings.get("validation", True)),
        ruleset=root / ruleset if ruleset else None,
    )


@dataclass
class RetrainResult:
    trainee: str
    model_file: Path
    retrained: bool
    reasons: list[str]  # what differed from the model file; empty when up to date
    model: ModelFile | None = None


def retrain(root: Path, trainees: list[str] | None = None, force: bool = False,
            scheduler: str | None = None) -> list[RetrainResult]:
    """Vectorize what changed, then train each trainee whose inputs differ from its model file's.
    `scheduler` (else CORPUS_SCHEDULER or training.yaml's `scheduler:`) renders on a Dask cluster."""
    from corpus.cluster.address import scheduler_for

    address = scheduler_for(root, scheduler)
    configs = load_training_config(root)
    if trainees:
        configs = {name: configs.get(name, TraineeConfig(name)) for name in trainees}
    if not configs:
        raise CorpusError(
            f"{root / CONFIG_NAME}: no trainees to retrain (list them under `trainees:`, or give --trainee)"
        )
    results = []
    with writer_lock(root):
        for config in configs.values():
            results.append(_retrain_one(root, config, force, address))
    return results


def _retrain_one(root: Path, config: TraineeConfig, force: bool, scheduler: str | None = None) -> RetrainResult:
    from corpus.vectors.vectorize import vectorize_set
    from trainer.pipeline import train_model

    files = {"training": vectorize_set(root, "training", config.trainee, config.ruleset, scheduler=scheduler)}
    if config.validation and set_samples(root, "validation"):
        files["validation"] = vectorize_set(root, "validation", config.trainee, config.ruleset, scheduler=scheduler)
    ruleset_hash = load_vectors(files["training"]).ruleset_hash

    out = model_path(root, config.trainee)
    reasons = ["forced"] if force else _differences(out, files, ruleset_hash, config)
    if not reasons:
        return RetrainResult(config.trainee, out, False, [])
    trained = train_model(
        files["training"], config.hyperparameters, files.get("validation"), config.cutoff, config.trainee, root
    )
    save_model(trained.model, out)
    return RetrainResult(config.trainee, out, True, reasons, trained.model)


def _differences(out: Path, files: dict[str, Path], ruleset_hash: str | None, config: TraineeConfig) -> list[str]:
    """Why the model file at `out` does not match the current inputs (nothing: up to date)."""
    if not out.exists():
        return ["no model file yet"]
    try:
        model = load_model(out)
    except CorpusError:
        return ["the model file is unreadable"]
    recorded = model.provenance.get("vectors") or {}
    reasons = []
    for set_name in sorted(set(files) | set(recorded)):
        if set_name not in files or set_name not in recorded:
            reasons.append(f"{set_name} vectors added or dropped")
        elif recorded[set_name].get("sha256") != sha256_file(files[set_name]):
            reasons.append(f"{set_name} vectors changed")
    if model.provenance.get("rulesetHash") != ruleset_hash:
        reasons.append("ruleset changed")
    if model.hyperparameters != config.recorded():
        reasons.append("hyperparameters changed")
    return reasons
