"""Work that exists only here: samples not yet committed, LFS objects not yet pushed.

`corpus status` shows both, so a labeler knows what a lost laptop would cost.
Unpushed LFS objects are those git-lfs itself would upload on `git push` to the
branch's remote (`git lfs push --dry-run`), which needs no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.store import gitcli
from corpus.tree.sample import RESOURCES_DIR, SAMPLES_DIR


@dataclass
class Unsaved:
    uncommitted: list[str] = field(default_factory=list)  # "?? samples/training/7.html", git status's codes
    uncommitted_resources: int = 0  # files under resources/ folders, counted, not listed
    remote: str | None = None  # where unpushed objects are measured against; None: no remote
    unpushed_lfs: list[str] = field(default_factory=list)  # paths of LFS objects the remote lacks


def uncommitted_samples(root: Path) -> tuple[list[str], int]:
    """Pages (with git's two-letter status) and the number of resource files that differ from HEAD."""
    out = gitcli.run(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", f"{SAMPLES_DIR}/")
    pages, resources = [], 0
    entries = iter(out.split("\0"))
    for entry in entries:
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":
            next(entries, None)  # a rename's second field is its old path
        if f"/{RESOURCES_DIR}/" in path:
            resources += 1
        else:
            pages.append(f"{code} {path}")
    return pages, resources


def push_remote(root: Path) -> str | None:
    """The current branch's upstream remote, else `origin`, else the only remote."""
    upstream = gitcli.try_run(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    if upstream and b"/" in upstream:
        return upstream.decode().strip().split("/", 1)[0]
    remotes = (gitcli.try_run(root, "remote") or b"").decode().split()
    if "origin" in remotes:
        return "origin"
    return remotes[0] if len(remotes) == 1 else None


def unpushed_lfs_objects(root: Path, remote: str) -> list[str]:
    """Paths of LFS objects in HEAD's history that `remote` has not received."""
    out = gitcli.try_run(root, "lfs", "push", "--dry-run", remote, "HEAD")
    if out is None:
        return []  # no commit yet, or LFS cannot tell: nothing known to be missing
    paths = []
    for line in out.decode("utf-8", errors="surrogateescape").splitlines():
        if line.startswith("push ") and " => " in line:
            paths.append(line.split(" => ", 1)[1])
    return sorted(set(paths))


def unsaved_work(root: Path) -> Unsaved:
    pages, resources = uncommitted_samples(root)
    remote = push_remote(root)
    unpushed = unpushed_lfs_objects(root, remote) if remote is not None else []
    return Unsaved(pages, resources, remote, unpushed)
