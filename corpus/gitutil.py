"""The few git operations the corpus needs, through GitPython's command wrapper."""

from __future__ import annotations

import shutil
from pathlib import Path

import git

from corpus.errors import CorpusError


def require_tools() -> None:
    """Fail with an install hint when git or git-lfs is missing."""
    if shutil.which("git") is None:
        raise CorpusError("git is not installed (Debian: apt-get install git)")
    try:
        git.Git().execute(["git", "lfs", "version"])
    except git.GitCommandError:
        raise CorpusError("git-lfs is not installed (Debian: apt-get install git-lfs)") from None


def run(root: Path, *args: str) -> str:
    """Run `git ARGS` in `root` and return its stdout; raise CorpusError on failure."""
    try:
        return git.Git(root).execute(["git", *args], strip_newline_in_stdout=False)
    except git.GitCommandError as e:
        detail = (e.stderr or "").strip().strip("'").strip() or str(e)
        raise CorpusError(f"git {args[0]} failed: {detail.splitlines()[-1]}") from None


def is_repo(path: Path) -> bool:
    try:
        git.Repo(path, search_parent_directories=False)
        return True
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False


def toplevel(path: Path) -> Path | None:
    try:
        return Path(git.Repo(path, search_parent_directories=True).working_tree_dir)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def git_dir(root: Path) -> Path:
    return Path(git.Repo(root).git_dir)


def tracked_files(root: Path, *paths: str) -> list[str]:
    """Tracked paths (relative to root) at or under `paths`."""
    out = run(root, "ls-files", "-z", "--", *paths)
    return [p for p in out.split("\0") if p]


def is_tracked(root: Path, path: str) -> bool:
    return bool(tracked_files(root, path))
