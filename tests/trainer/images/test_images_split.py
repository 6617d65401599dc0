"""The train/validation split of an image folder: Keras's exactly, or by sample without leaks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.errors import BadInput
from trainer.images.split import group_key, list_images, split_images

# A tree as a Keras user might have it: odd case, nested folders, files Keras ignores.
FIXTURE_FILES = [
    "links/b.png", "links/a.jpg", "links/A.PNG", "links/notes.txt", "links/sub/c.gif",
    "links/sub/deeper/d.bmp", "links/a2.jpeg", "links/z.webp",
    "buttons/x.png", "buttons/x.jpg", "buttons/y.png", "buttons/w.bmp",
    "buttons/aa/q.png", "buttons/ab.png",
    "empty/readme.md",
]

# What Keras lists, by the rules in FACTS.md: classes sorted; per class os.walk entries
# sorted by folder path, each folder's files sorted; only .bmp .gif .jpeg .jpg .png (any case).
EXPECTED_ORDER = [
    ("buttons/ab.png", 0), ("buttons/w.bmp", 0), ("buttons/x.jpg", 0), ("buttons/x.png", 0), ("buttons/y.png", 0),
    ("buttons/aa/q.png", 0),
    ("links/A.PNG", 2), ("links/a.jpg", 2), ("links/a2.jpeg", 2), ("links/b.png", 2),
    ("links/sub/c.gif", 2), ("links/sub/deeper/d.bmp", 2),
]


def make_tree(root: Path, files: list[str]) -> Path:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rel.encode())  # the split never decodes images
    return root


@pytest.mark.parametrize("seed,fraction", [(123, 0.4), (7, 0.25), (2024, 0.5)])
def test_group_by_file_reproduces_the_keras_split(tmp_path: Path, seed: int, fraction: float) -> None:
    tree = list_images(make_tree(tmp_path / "data", FIXTURE_FILES))
    assert tree.classes == ("buttons", "empty", "links")

    order = np.random.RandomState(seed).permutation(len(EXPECTED_ORDER))
    shuffled = [EXPECTED_ORDER[i] for i in order]
    n_val = int(fraction * len(shuffled))
    expected_training, expected_validation = shuffled[:-n_val], shuffled[-n_val:]

    split = split_images(tree.images, fraction, seed, "file")
    assert [(i.path, i.label) for i in split.training] == expected_training
    assert [(i.path, i.label) for i in split.validation] == expected_validation


def crop_style_tree(root: Path, samples: int) -> Path:
    """Crops of many samples: each sample has elements in both classes, some as PNG and JPEG."""
    files = []
    for s in range(samples):
        set_name = ("training", "validation")[s % 2]
        for element in range(s % 4 + 1):
            cls = "button" if element % 2 == 0 else "link"
            files.append(f"{cls}/{set_name}__{s}__{element}.png")
        files.append(f"link/shot{s}.png")
        files.append(f"link/shot{s}.jpg")  # the same screenshot re-encoded
    return make_tree(root, files)


@pytest.mark.parametrize("seed", [123, 1, 99])
def test_default_split_never_puts_one_sample_on_both_sides(tmp_path: Path, seed: int) -> None:
    tree = list_images(crop_style_tree(tmp_path / "crops", samples=40))
    split = split_images(tree.images, 0.4, seed, "sample")

    training_groups = {group_key(i.path) for i in split.training}
    validation_groups = {group_key(i.path) for i in split.validation}
    assert training_groups and validation_groups
    assert not training_groups & validation_groups
    assert len(split.training) + len(split.validation) == len(tree.images)
    # Whole groups move, so the share is near, not exactly, 40%.
    assert 0.3 <= len(split.validation) / len(tree.images) <= 0.5


def test_the_keras_split_leaks_where_the_default_does_not(tmp_path: Path) -> None:
    tree = list_images(crop_style_tree(tmp_path / "crops", samples=40))
    by_file = split_images(tree.images, 0.4, 123, "file")
    leaked = {group_key(i.path) for i in by_file.training} & {group_key(i.path) for i in by_file.validation}
    assert leaked  # why the default exists: copies of one element on both sides


def test_group_keys_tie_a_sample_and_its_encodings_together() -> None:
    assert group_key("button/training__12__0.png") == group_key("link/training__12__7.png") == "training__12"
    assert group_key("link/shot1.png") == group_key("link/shot1.jpg") != group_key("link/shot11.png")
    assert group_key("button/testing__my__page__3.png") == "testing__my__page"


def test_bad_inputs_are_refused_with_the_folder_named(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no images"):
        list_images(make_tree(tmp_path / "none", ["a/readme.txt"]))
    tree = list_images(make_tree(tmp_path / "data", FIXTURE_FILES))
    with pytest.raises(BadInput, match="between 0 and 1"):
        split_images(tree.images, 1.0, 123, "sample")
