"""Wherever a command takes a set, its name or any path to its folder works, resolved in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.errors import BadInput
from corpus.tree.sample import set_named
from tests.vectors.test_vectorize import make_corpus, page


def test_a_set_is_its_name_or_any_path_to_its_folder(tmp_path: Path) -> None:
    root = tmp_path / "c"
    (root / "samples" / "training").mkdir(parents=True)
    (root / "samples" / "testing").mkdir()
    elsewhere = tmp_path / "kept-elsewhere"
    elsewhere.mkdir()
    assert set_named(root, "training", Path("/")) == "training"
    assert set_named(root, "../c/samples/./training/", root) == "training"
    assert set_named(root, root / "samples" / "testing") == "testing"
    (tmp_path / "to-training").symlink_to(root / "samples" / "training")  # a link to a set folder names it
    assert set_named(root, tmp_path / "to-training") == "training"
    with pytest.raises(BadInput, match="not a set"):
        set_named(root, elsewhere / "..")
    # A set folder that is itself a link would take the corpus out of its tree: refused.
    (root / "samples" / "testing").rmdir()
    (root / "samples" / "testing").symlink_to(elsewhere)
    with pytest.raises(BadInput, match="symbolic link"):
        set_named(root, "testing")


def test_vectorize_takes_sets_as_every_command_does(tmp_path: Path, git, corpus_cli) -> None:
    root = make_corpus(tmp_path / "c", {"1.html": page(1)})
    git(root, "init", "-q")
    (root / "vectors").mkdir()
    done = corpus_cli("vectorize", "../samples/./training", "-t", "new-password", cwd=root / "vectors")
    assert done.returncode == 0, done.stderr
    assert "1 vectorized" in done.stdout
    refused = corpus_cli("vectorize", "nosuch", "-t", "new-password", cwd=root)
    assert refused.returncode == 2 and "'nosuch' is not a set" in refused.stderr
