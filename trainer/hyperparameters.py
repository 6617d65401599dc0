"""What a training run is asked to do: the numbers a model file records and `training.yaml` sets.

Kept apart from the training loop so that reading them (`corpus status`, `retrain`'s
comparison) never imports torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Hyperparameters:
    learning_rate: float = 1.0
    iterations: int = 1000
    pos_weight: float | None = None
    layers: tuple[int, ...] = ()  # hidden layer sizes, in order
    # fathom-train 3.7's default: stop when validation loss rises and keep the weights
    # of its lowest point. Without a validation set there is no signal, and every
    # iteration runs (as fathom does).
    stop_early: bool = True
    # Iterations without a new lowest validation loss before stopping. fathom stops at
    # the first rise (patience 1); but Adam at learning rate 1 overshoots in its first
    # steps, so on real-shaped vectors validation loss often rises at iteration 2 and
    # the model kept there recalls nothing (trainer/synthetic.py: median testing MCC
    # 0.00 with patience 1, 0.77 with 100, over 6 seeds). 100 rides through the
    # overshoot and still keeps the lowest point's weights; --patience 1 is fathom's.
    patience: int = 100
    seed: int = 0
    exclude: tuple[str, ...] = ()  # rules left out (ablation)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["layers"] = list(self.layers)
        data["exclude"] = list(self.exclude)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Hyperparameters:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown hyperparameter {', '.join(unknown)}")
        values = dict(data)
        if "layers" in values:
            values["layers"] = tuple(int(n) for n in values["layers"] or ())
        if "exclude" in values:
            values["exclude"] = tuple(str(r) for r in values["exclude"] or ())
        return cls(**values)
