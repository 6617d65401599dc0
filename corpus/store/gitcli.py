"""The few git operations the corpus needs: one way to run git, GitPython to find repositories."""

from __future__ import annotations

import shutil
import subprocess
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


def run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """`git ARGS` in `root`, stdin and stdout as bytes (paths may not be UTF-8).

    Pathspecs are literal: sample names may hold `*`, `?` or `[`, which git would
    otherwise treat as globs. CorpusError with git's last stderr line on failure.
    """
    result = subprocess.run(["git", "--literal-pathspecs", *args], cwd=root, input=stdin, capture_output=True)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise CorpusError(f"git {args[0]} failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


def run(root: Path, *args: str) -> str:
    """`git ARGS` in `root`, stdout as text."""
    return run_bytes(root, *args).decode("utf-8", errors="surrogateescape")


def try_run(root: Path, *args: str) -> bytes | None:
    """`git ARGS`, or None where git says no (a missing HEAD or revision, say)."""
    try:
        return run_bytes(root, *args)
    except CorpusError:
        return None


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
