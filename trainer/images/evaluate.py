"""Measuring a trained image classifier on a folder-per-class tree it has not seen."""

from __future__ import annotations

from pathlib import Path

from corpus.errors import BadInput
from trainer.images.metrics import Report, report
from trainer.images.modeldir import LoadedModel
from trainer.images.predict import predict_probabilities
from trainer.images.split import list_images


def test_images(loaded: LoadedModel, data_dir: Path, on_batch=None) -> Report:
    """Accuracy, per-class precision and recall and the confusion matrix on `data_dir`.

    Its subfolders must be classes the model knows; a class the model knows may be missing.
    `on_batch(images)` is called as batches are scored.
    """
    tree = list_images(data_dir)
    unknown = [name for name in tree.classes if name not in loaded.classes]
    if unknown:
        raise BadInput(
            f"{data_dir}: class folder(s) {', '.join(unknown)} unknown to the model "
            f"(it knows {', '.join(loaded.classes)})"
        )
    paths = [tree.root / image.path for image in tree.images]
    true = [loaded.classes.index(tree.classes[image.label]) for image in tree.images]
    probabilities = predict_probabilities(loaded, paths, on_batch=on_batch)
    predicted = probabilities.argmax(1).tolist() if len(paths) else []
    return report(true, predicted, loaded.classes)
