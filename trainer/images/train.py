"""Training the image classifier: split, load, fit with Adam, report on validation.

Everything that makes a run differ is in `TrainConfig`; the same config on the same
data and device gives the same weights (seeded model init, shuffle, noise and
augmentation; the augmentation does not depend on the number of loader workers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn

from corpus.errors import BadInput
from corpus.parallel import usable_cpus
from trainer.images.dataset import EpochShuffle, ImageDataset, Preprocessing
from trainer.images.metrics import Report, report
from trainer.images.model import ButtonNet
from trainer.images.split import (
    ImageTree,
    Split,
    dataset_hash,
    list_images,
    split_images,
)


def default_workers() -> int:
    """Loader processes: leave one core to the model, use at most four."""
    return min(4, max(1, usable_cpus() - 1))


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass(frozen=True)
class TrainConfig:
    data_dir: Path
    validation_split: float = 0.4
    seed: int = 123
    size: int = 256
    epochs: int = 10
    batch_size: int = 32
    grayscale: bool = True
    noise: float = 0.01
    jpeg_quality: tuple[int, int] | None = None
    group_by: str = "sample"
    learning_rate: float = 1e-3
    workers: int = field(default_factory=default_workers)
    device: str = field(default_factory=default_device)

    @property
    def preprocessing(self) -> Preprocessing:
        return Preprocessing(size=self.size, grayscale=self.grayscale)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["data_dir"] = str(self.data_dir)
        data["jpeg_quality"] = list(self.jpeg_quality) if self.jpeg_quality else None
        return data


@dataclass(frozen=True)
class EpochStats:
    epoch: int  # 1-based
    loss: float  # mean cross-entropy over the training images
    accuracy: float  # on the training images as augmented
    validation_accuracy: float | None


@dataclass
class TrainResult:
    model: ButtonNet
    classes: tuple[str, ...]
    preprocessing: Preprocessing
    config: TrainConfig
    split: Split
    history: list[EpochStats]
    validation: Report  # of the kept epoch
    dataset_hash: str
    best_epoch: int  # 1-based: the epoch whose weights were kept (best validation accuracy)


def build_model(classes: int, prep: Preprocessing, noise: float) -> ButtonNet:
    return ButtonNet(prep.channels, classes, prep.size, noise)


def train(config: TrainConfig,
          on_batch: Callable[[int, int, int], None] | None = None,
          on_epoch: Callable[[EpochStats], None] | None = None) -> TrainResult:
    """Fit the model.

    Calls `on_batch(epoch, images_in_batch, images_per_epoch)` after each batch and
    `on_epoch(stats)` after each epoch (epochs count from 1).
    """
    tree, split = _split(config)
    prep = config.preprocessing
    device = _device(config.device)
    torch.manual_seed(config.seed)
    model = build_model(len(tree.classes), prep, config.noise).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    loaders = _loaders(tree, split, config, device)
    history: list[EpochStats] = []
    kept: _Kept | None = None
    for epoch in range(1, config.epochs + 1):
        loss, accuracy = _fit_epoch(model, optimizer, loaders, device, epoch, on_batch)
        true, predicted = _predict_labels(model, loaders.validation, device)
        validation_accuracy = sum(t == p for t, p in zip(true, predicted)) / len(true) if true else None
        stats = EpochStats(epoch=epoch, loss=loss, accuracy=accuracy, validation_accuracy=validation_accuracy)
        history.append(stats)
        if on_epoch:
            on_epoch(stats)
        kept = _keep_best(kept, stats, model, predicted)
    assert kept is not None  # at least one epoch ran
    model.load_state_dict(kept.state)
    return TrainResult(
        model=model.cpu().eval(),
        classes=tree.classes,
        preprocessing=prep,
        config=config,
        split=split,
        history=history,
        validation=report(list(loaders.validation.dataset.labels), kept.predicted, tree.classes),
        dataset_hash=dataset_hash(tree),
        best_epoch=kept.epoch,
    )


def _split(config: TrainConfig) -> tuple[ImageTree, Split]:
    """The images under the data folder, split into training and validation as the config says."""
    if config.epochs < 1 or config.batch_size < 1:
        raise BadInput("--epochs and --batch-size must be at least 1")
    tree = list_images(config.data_dir)
    split = split_images(tree.images, config.validation_split, config.seed, config.group_by)
    if not split.training:
        raise BadInput(f"{config.data_dir}: no training images left after the split")
    return tree, split


@dataclass(frozen=True)
class _Loaders:
    training: torch.utils.data.DataLoader
    sampler: EpochShuffle  # the training loader's, reseeded each epoch
    images: int  # training images per epoch
    validation: torch.utils.data.DataLoader


def _loaders(tree: ImageTree, split: Split, config: TrainConfig, device: torch.device) -> _Loaders:
    prep = config.preprocessing
    training = _dataset(tree, split.training, prep, config.jpeg_quality, config.seed)
    sampler = EpochShuffle(len(training), config.seed)
    validation = _dataset(tree, split.validation, prep, None, config.seed)
    return _Loaders(training=_loader(training, config, device, sampler=sampler), sampler=sampler,
                    images=len(training), validation=_loader(validation, config, device))


def _fit_epoch(model: ButtonNet, optimizer: torch.optim.Optimizer, loaders: _Loaders, device: torch.device,
               epoch: int, on_batch: Callable[[int, int, int], None] | None) -> tuple[float, float]:
    """Epoch `epoch` (from 1): one pass over the training images; their mean loss and accuracy
    (as augmented)."""
    loaders.sampler.set_epoch(epoch - 1)
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loaders.training:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(1) == labels).sum().item()
        seen += len(labels)
        if on_batch:
            on_batch(epoch, len(labels), loaders.images)
    return total_loss / seen, correct / seen


@dataclass(frozen=True)
class _Kept:
    """The epoch whose weights are kept so far, and its predictions on the validation images."""

    score: float
    epoch: int
    state: dict[str, torch.Tensor]
    predicted: list[int]


def _keep_best(kept: _Kept | None, stats: EpochStats, model: ButtonNet, predicted: list[int]) -> _Kept:
    """The weights of the best validation epoch are kept, not the last: later epochs may
    overfit. Ties keep the earlier epoch; with no validation images, the last is kept."""
    score = stats.validation_accuracy if stats.validation_accuracy is not None else float(stats.epoch)
    if kept is not None and score <= kept.score and stats.validation_accuracy is not None:
        return kept
    state = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
    return _Kept(score, stats.epoch, state, predicted)


def _device(name: str) -> torch.device:
    try:
        device = torch.device(name)
    except RuntimeError:
        raise BadInput(f"--device {name}: not a torch device (cpu, cuda, cuda:1, ...)") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise BadInput(f"--device {name}: CUDA is not available here")
    return device


def _dataset(tree: ImageTree, images, prep: Preprocessing,
             jpeg_quality: tuple[int, int] | None, seed: int) -> ImageDataset:
    return ImageDataset([tree.root / i.path for i in images], [i.label for i in images],
                        prep, jpeg_quality, seed)


def _loader(data: ImageDataset, config: TrainConfig, device: torch.device,
            sampler: EpochShuffle | None = None) -> torch.utils.data.DataLoader:
    workers = config.workers if len(data) > config.batch_size else 0  # a worker costs more than a tiny set
    return torch.utils.data.DataLoader(
        data,
        batch_size=config.batch_size,
        sampler=sampler,
        num_workers=workers,
        persistent_workers=workers > 0,
        pin_memory=device.type == "cuda",
        # Its own generator: a loader draws a worker seed from it on every new iterator,
        # which would otherwise shift the global stream the noise draws from, and make
        # the weights depend on the number of workers.
        generator=torch.Generator().manual_seed(config.seed),
    )


def _predict_labels(model: ButtonNet, loader: torch.utils.data.DataLoader,
                    device: torch.device) -> tuple[list[int], list[int]]:
    """True and predicted labels of a loader's images (in its order: it does not shuffle)."""
    model.eval()
    predicted: list[int] = []
    with torch.no_grad():
        for images, _labels in loader:
            predicted += model(images.to(device)).argmax(1).tolist()
    return list(loader.dataset.labels), predicted

