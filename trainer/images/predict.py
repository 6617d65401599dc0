"""The class of new images, with the softmax probability of each class."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from trainer.images.dataset import load_tensor
from trainer.images.modeldir import LoadedModel


@dataclass(frozen=True)
class Prediction:
    image: str
    label: str
    probability: float
    probabilities: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return {"image": self.image, "class": self.label, "probability": self.probability,
                "probabilities": self.probabilities}


def predict_probabilities(loaded: LoadedModel, paths: list[Path], batch_size: int = 32,
                          on_batch: Callable[[int], None] | None = None) -> torch.Tensor:
    """An N x classes tensor of probabilities, images in the given order; `on_batch(n)` after each batch."""
    rows = []
    with torch.no_grad():
        for start in range(0, len(paths), batch_size):
            batch = torch.stack([load_tensor(p, loaded.preprocessing) for p in paths[start:start + batch_size]])
            rows.append(torch.softmax(loaded.model(batch), dim=1))
            if on_batch is not None:
                on_batch(len(batch))
    return torch.cat(rows) if rows else torch.empty(0, len(loaded.classes))


def predict(loaded: LoadedModel, paths: list[Path], batch_size: int = 32) -> list[Prediction]:
    probabilities = predict_probabilities(loaded, paths, batch_size)
    predictions = []
    for path, row in zip(paths, probabilities.tolist(), strict=True):
        best = max(range(len(row)), key=row.__getitem__)
        predictions.append(Prediction(
            image=str(path),
            label=loaded.classes[best],
            probability=row[best],
            probabilities=dict(zip(loaded.classes, row, strict=True)),
        ))
    return predictions
