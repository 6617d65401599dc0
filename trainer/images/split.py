"""The images of a folder-per-class tree, and how they are split for validation.

Two ways to split:

- by file (`keras_split`): exactly the split of Keras's `image_dataset_from_directory`
  with `validation_split` and `seed`, which the seed notebook used. It shuffles file by
  file, so copies of one element (PNG, JPEG, hovered) land on both sides: a leak.
- by group (`group_split`, the default): the same kind of seeded shuffle, but of groups
  of files that come from one source, so a source sits wholly on one side.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.errors import BadInput

# What Keras accepts as an image, compared with the lowercased file name.
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")

# Crops are named `<set>__<sample stem>__<element index>.png` (see corpus/crops.py).
_ELEMENT_SUFFIX = re.compile(r"__\d+$")


@dataclass(frozen=True)
class LabeledImage:
    path: str  # relative to the dataset folder, with forward slashes
    label: int  # index into the class names


@dataclass(frozen=True)
class ImageTree:
    root: Path
    classes: tuple[str, ...]
    images: tuple[LabeledImage, ...]  # in Keras's order: class by class, files sorted


@dataclass(frozen=True)
class Split:
    training: tuple[LabeledImage, ...]
    validation: tuple[LabeledImage, ...]


def list_images(root: Path) -> ImageTree:
    """Classes are the sorted subfolders; each one's images are walked as Keras walks them."""
    if not root.is_dir():
        raise BadInput(f"{root}: no such folder")
    classes = tuple(sorted(entry.name for entry in os.scandir(root) if entry.is_dir()))
    images = []
    for label, name in enumerate(classes):
        for path in _walk_images(root / name):
            images.append(LabeledImage(path.relative_to(root).as_posix(), label))
    if not images:
        raise BadInput(f"{root}: no images (expected one subfolder per class holding {', '.join(IMAGE_EXTENSIONS)} files)")
    return ImageTree(root, classes, tuple(images))


def _walk_images(folder: Path) -> list[Path]:
    # Keras sorts the os.walk entries by their folder path, then the files of each.
    found = []
    for dirpath, _dirnames, filenames in sorted(os.walk(folder), key=lambda entry: entry[0]):
        for name in sorted(filenames):
            if name.lower().endswith(IMAGE_EXTENSIONS):
                found.append(Path(dirpath) / name)
    return found


def keras_split(images: tuple[LabeledImage, ...], fraction: float, seed: int) -> Split:
    """One seeded permutation of all files; the last int(fraction * N) are validation."""
    _check_fraction(fraction)
    order = np.random.RandomState(seed).permutation(len(images))
    shuffled = tuple(images[i] for i in order)
    cut = len(shuffled) - int(fraction * len(shuffled))
    return Split(shuffled[:cut], shuffled[cut:])


def group_key(path: str) -> str:
    """The source an image comes from: its file name without extension and element index.

    `training__12__3.png` -> `training__12` (every element of one sample);
    `abc.png` and `abc.jpg` -> `abc` (two encodings of one screenshot).
    """
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _ELEMENT_SUFFIX.sub("", stem)


def group_split(images: tuple[LabeledImage, ...], fraction: float, seed: int) -> Split:
    """Shuffle groups (not files) with a seeded permutation; the tail goes to validation.

    Groups are laid out in shuffled order; a group is validation when its middle lies
    past the point where the last `int(fraction * N)` files would start, so the
    validation share stays close to `fraction` of the files.
    """
    _check_fraction(fraction)
    groups: dict[str, list[LabeledImage]] = {}
    for image in images:
        groups.setdefault(group_key(image.path), []).append(image)
    keys = sorted(groups)
    order = np.random.RandomState(seed).permutation(len(keys))
    cut = len(images) - int(fraction * len(images))
    training: list[LabeledImage] = []
    validation: list[LabeledImage] = []
    start = 0
    for i in order:
        members = groups[keys[i]]
        middle = start + len(members) / 2
        (validation if middle >= cut else training).extend(members)
        start += len(members)
    return Split(tuple(training), tuple(validation))


def split_images(images: tuple[LabeledImage, ...], fraction: float, seed: int, group_by: str) -> Split:
    if group_by == "file":
        return keras_split(images, fraction, seed)
    if group_by == "sample":
        return group_split(images, fraction, seed)
    raise BadInput(f"--group-by {group_by}: expected `sample` or `file`")


def dataset_hash(tree: ImageTree) -> str:
    """sha256 over the class of each image, its path and its bytes: what the model saw."""
    digest = hashlib.sha256()
    for image in tree.images:
        content = hashlib.sha256((tree.root / image.path).read_bytes()).hexdigest()
        digest.update(f"{tree.classes[image.label]}\t{image.path}\t{content}\n".encode())
    return digest.hexdigest()


def _check_fraction(fraction: float) -> None:
    if not 0 < fraction < 1:
        raise BadInput(f"validation split {fraction}: must be between 0 and 1 (exclusive)")
