"""Resources travel through a local bare repo as Git LFS objects, every branch of a push included."""

from __future__ import annotations

import os
from pathlib import Path


def add_sample(git, root: Path, name: str, resource: bytes) -> None:
    page = root / "samples" / "training" / f"{name}.html"
    page.write_text(f'<html><body><img src="resources/{name}/a.png">'
                    '<input type="password" data-fathom="new-password"></body></html>')
    res = page.parent / "resources" / name / "a.png"
    res.parent.mkdir(parents=True, exist_ok=True)
    res.write_bytes(resource)
    git(root, "add", "samples")


def test_resources_round_trip_through_lfs(corpus_root: Path, tmp_path: Path, git):
    payload = os.urandom(300_000)
    add_sample(git, corpus_root, "1", payload)
    git(corpus_root, "commit", "-qm", "first sample")
    # Stored as a pointer, not as content.
    blob = git(corpus_root, "show", "HEAD:samples/training/resources/1/a.png")
    assert blob.startswith("version https://git-lfs.github.com/spec/v1") and len(blob) < 200

    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(corpus_root, "remote", "add", "origin", str(bare))
    git(corpus_root, "push", "-q", "origin", "main")

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(bare), str(clone))
    assert (clone / "samples/training/resources/1/a.png").read_bytes() == payload
    assert "samples/training/resources/1/a.png" in git(clone, "lfs", "ls-files", "--name-only")


def test_multi_branch_push_keeps_every_lfs_object(corpus_root: Path, tmp_path: Path, git):
    add_sample(git, corpus_root, "1", b"main resource " * 100)
    git(corpus_root, "commit", "-qm", "main")
    branches = {}
    for number, branch in ((2, "labels-a"), (3, "labels-b")):
        git(corpus_root, "checkout", "-q", "-b", branch, "main")
        payload = os.urandom(50_000)
        add_sample(git, corpus_root, str(number), payload)
        git(corpus_root, "commit", "-qm", branch)
        branches[branch] = (number, payload)
    git(corpus_root, "checkout", "-q", "main")

    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(corpus_root, "remote", "add", "origin", str(bare))
    # One push, three refs: the pre-push chain must hand LFS every ref, not just the first.
    git(corpus_root, "push", "-q", "origin", "main", "labels-a", "labels-b")

    for branch, (number, payload) in branches.items():
        clone = tmp_path / f"clone-{branch}"
        git(tmp_path, "clone", "-q", "--branch", branch, str(bare), str(clone))
        assert (clone / f"samples/training/resources/{number}/a.png").read_bytes() == payload
        git(clone, "lfs", "fsck")
