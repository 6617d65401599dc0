"""Images to tensors with Pillow: decode, optional JPEG re-encoding, grayscale, resize, scale.

Keras decodes every image to RGB, resizes it bilinearly to a square without keeping the
aspect ratio and feeds values 0..255. We do the same, except that values are scaled to
0..1 (x / 255): the seed's Adam at 1e-3 is steadier on inputs near unit scale, and the
Gaussian noise sits after the first convolution, so its 0.01 acts on activations either way.
Pillow's bilinear resize also smooths when it shrinks, where TensorFlow's does not.
"""

from __future__ import annotations

import io
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from corpus.errors import BadInput


@dataclass(frozen=True)
class Preprocessing:
    size: int = 256  # images become size x size
    grayscale: bool = True  # one channel (ITU-R 601 luma, as Keras's rgb_to_grayscale) or RGB
    resize: str = "bilinear"
    scale: str = "x/255"

    @property
    def channels(self) -> int:
        return 1 if self.grayscale else 3

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Preprocessing:
        prep = cls(size=int(data["size"]), grayscale=bool(data["grayscale"]),
                   resize=str(data["resize"]), scale=str(data["scale"]))
        if (prep.resize, prep.scale) != (cls.resize, cls.scale):
            raise ValueError(f"preprocessing {prep.resize}, {prep.scale} is not known here")
        return prep


def parse_quality_range(text: str | None) -> tuple[int, int] | None:
    """`LO-HI` (JPEG qualities 1..95) for the augmentation; None leaves it off."""
    if text is None or text.lower() in ("", "off", "none"):
        return None
    parts = text.split("-")
    try:
        low, high = (int(parts[0]), int(parts[-1])) if len(parts) in (1, 2) else (0, -1)
    except ValueError:
        low, high = 0, -1
    if not 1 <= low <= high <= 95:
        raise BadInput(f"--jpeg-quality {text}: expected LO-HI with 1 <= LO <= HI <= 95, e.g. 25-90")
    return low, high


# Element crops are a few hundred pixels a side; a 20000 x 20000 PNG would take 1.6 GB
# as RGB before being shrunk to 256 x 256. The size is in the header, checked before decoding.
MAX_PIXELS = 25_000_000


def open_rgb(path: Path) -> Image.Image:
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise BadInput(
                    f"{path}: {width} x {height} pixels is more than an element image may have "
                    f"({MAX_PIXELS:,}); crop it first"
                )
            return image.convert("RGB")
    except Image.DecompressionBombError:
        # Pillow refuses to even open images past twice its own limit, before we see the size.
        raise BadInput(f"{path}: far more pixels than an element image may have ({MAX_PIXELS:,}); crop it first") from None
    except (UnidentifiedImageError, OSError) as e:
        raise BadInput(f"{path}: not a readable image ({e})") from None


def jpeg_roundtrip(image: Image.Image, quality: int) -> Image.Image:
    """The image as it looks after saving it as a JPEG of the given quality."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")


def to_tensor(image: Image.Image, prep: Preprocessing) -> torch.Tensor:
    """A C x size x size float tensor in 0..1."""
    image = image.convert("L" if prep.grayscale else "RGB")
    image = image.resize((prep.size, prep.size), Image.Resampling.BILINEAR)
    array = np.asarray(image, dtype=np.float32) / 255.0
    if array.ndim == 2:
        array = array[None, :, :]
    else:
        array = array.transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(array))


def load_tensor(path: Path, prep: Preprocessing) -> torch.Tensor:
    return to_tensor(open_rgb(path), prep)


class ImageDataset(torch.utils.data.Dataset):
    """(tensor, label) pairs; with `jpeg_quality`, half the images are JPEG re-encoded.

    Indexed by `index` or by `(epoch, index)` (what `EpochShuffle` yields): the
    augmentation draws from a generator seeded by (seed, epoch, index), so an image gets
    the same treatment whatever worker loads it and however many workers there are.
    """

    def __init__(self, paths: list[Path], labels: list[int], prep: Preprocessing,
                 jpeg_quality: tuple[int, int] | None = None, seed: int = 0) -> None:
        self.paths = paths
        self.labels = labels
        self.prep = prep
        self.jpeg_quality = jpeg_quality
        self.seed = seed

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, key: int | tuple[int, int]) -> tuple[torch.Tensor, int]:
        epoch, index = key if isinstance(key, tuple) else (0, key)
        image = open_rgb(self.paths[index])
        if self.jpeg_quality is not None:
            rng = random.Random(f"{self.seed}:{epoch}:{index}")
            # The seed kept a clean PNG and a compressed JPEG of each element: half and half.
            if rng.random() < 0.5:
                image = jpeg_roundtrip(image, rng.randint(*self.jpeg_quality))
        return to_tensor(image, self.prep), self.labels[index]


class EpochShuffle(torch.utils.data.Sampler):
    """A seeded shuffle per epoch, yielding `(epoch, index)` so workers need no shared state."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.size

    def __iter__(self):
        generator = torch.Generator().manual_seed(self.seed * 100_003 + self.epoch)
        for index in torch.randperm(self.size, generator=generator).tolist():
            yield (self.epoch, index)
