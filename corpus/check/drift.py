"""Pages labeled under an older rubric: unchanged since before the last `version` bump.

The bump is the oldest commit in the unbroken run of rubric commits (newest first)
that carry today's version. A page counts as relabeled when a commit from the bump
on changed its content; a pure rename (`corpus split` moving it between sets)
carries the page's state along but is no relabeling.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from corpus.store.gitcli import run_bytes, try_run
from corpus.textformats import yaml_value
from corpus.tree.rubric import rubric_path, split_front_matter
from corpus.tree.sample import SAMPLES_DIR


@dataclass(frozen=True)
class Bump:
    version: int | None
    commit: str | None  # None: the working rubric changed version and is not committed yet

    @property
    def short(self) -> str:
        return self.commit[:10] if self.commit else "not committed"


def rubric_version(text: str) -> int | None:
    """The front matter's version, or None when the rubric does not parse."""
    block = split_front_matter(text)
    if block is None:
        return None
    try:
        data = yaml_value(block[0])
    except yaml.YAMLError:
        return None
    version = data.get("version", 1) if isinstance(data, dict) else None
    return version if isinstance(version, int) else None


def last_bump(root: Path) -> Bump | None:
    """The commit that set the rubric's current version; None when it was never committed."""
    relpath = rubric_path(root).relative_to(root).as_posix()
    if not _has_head(root):
        return None
    commits = run_bytes(root, "log", "--format=%H", "HEAD", "--", relpath).decode().split()
    if not commits:
        return None
    versions = [_version_at(root, commit, relpath) for commit in commits[:1]]
    working = rubric_path(root)
    if working.exists():
        current = rubric_version(working.read_text(encoding="utf-8", errors="replace"))
        if current != versions[0]:
            return Bump(current, None)
    bump = commits[0]
    for commit in commits[1:]:
        if _version_at(root, commit, relpath) != versions[0]:
            break
        bump = commit
    return Bump(versions[0], bump)


def drifted_pages(root: Path, pages: list[str]) -> tuple[Bump | None, list[str]]:
    """Which of `pages` (root-relative, committed) were last changed before the bump."""
    bump = last_bump(root)
    if bump is None:
        return None, []
    committed = _committed(root)
    candidates = [page for page in pages if page in committed]
    if bump.commit is None:
        return bump, candidates
    fresh = _changed_since(root, bump.commit)
    return bump, [page for page in candidates if page not in fresh]


def _has_head(root: Path) -> bool:
    return try_run(root, "rev-parse", "--verify", "--quiet", "HEAD") is not None


def _version_at(root: Path, commit: str, relpath: str) -> int | None:
    text = try_run(root, "show", f"{commit}:{relpath}")
    return None if text is None else rubric_version(text.decode("utf-8", errors="replace"))


def _committed(root: Path) -> set[str]:
    out = run_bytes(root, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", SAMPLES_DIR)
    return {os.fsdecode(p) for p in out.split(b"\0") if p}


def _changed_since(root: Path, bump: str) -> set[str]:
    """Paths under samples/ whose content some commit from `bump` on (inclusive) changed."""
    parents = run_bytes(root, "rev-parse", f"{bump}^@").decode().split()
    out = run_bytes(root, "log", "--reverse", "-M", "--name-status", "-z", "--format=%x01%H",
                    "HEAD", "--not", *parents, "--", SAMPLES_DIR)
    fresh: set[str] = set()
    for chunk in out.split(b"\x01")[1:]:
        tokens = chunk.split(b"\0")[1:]  # after `<hash>\0`: `\n<status>\0<path>\0...`
        if tokens:
            tokens[0] = tokens[0].lstrip(b"\n")
        tokens = [t for t in tokens if t]
        i = 0
        while i < len(tokens):
            status = tokens[i].decode()
            if status[0] in "RC":
                old, new = os.fsdecode(tokens[i + 1]), os.fsdecode(tokens[i + 2])
                if status[1:] != "100" or old in fresh:
                    fresh.add(new)
                if status[0] == "R":
                    fresh.discard(old)
                i += 3
            else:
                path = os.fsdecode(tokens[i + 1])
                if status[0] == "D":
                    fresh.discard(path)
                else:
                    fresh.add(path)
                i += 2
    return fresh
