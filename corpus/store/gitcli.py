"""The one way to run git, and GitPython to find repositories.

Two runners: `run_bytes` (with `run` and `try_run` on top) for reads and plain writes,
and `run_gated` for the index writes of a journaled command. The gated runner records
git's pid before git starts, so an `index.lock` left by a git process of ours that died
is provably stale and `clear_stale_index_lock` removes it; and git reads its stdin from
a file written whole beforehand, so a writer killed halfway can never hand git half a list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import git

from corpus.errors import CorpusError
from corpus.store.atomic import atomic_write

GIT_PID_NAME = "corpus-journal.git-pid"
WORK_NAME = "corpus-work"
INDEX_LOCK_WAIT_SECONDS = 30.0
# The child waits for a line on stdin until its pid is recorded (EOF: we died first, so
# don't run), then becomes git with its real input.
GATED_EXEC = 'read -r go || exit 111; input=$1; shift; exec "$@" <"$input"'


def require_tools() -> None:
    """Fail with an install hint when git or git-lfs is missing."""
    if shutil.which("git") is None:
        raise CorpusError("git is not installed (Debian: apt-get install git)")
    try:
        git.Git().execute(["git", "lfs", "version"])
    except git.GitCommandError:
        raise CorpusError("git-lfs is not installed (Debian: apt-get install git-lfs)") from None


def _checked(args: tuple[str, ...], returncode: int, out: bytes, err: bytes) -> bytes:
    """git's stdout, or CorpusError with git's last stderr line."""
    if returncode != 0:
        detail = err.decode(errors="replace").strip().splitlines()
        raise CorpusError(f"git {args[0]} failed: {detail[-1] if detail else returncode}")
    return out


def run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """`git ARGS` in `root`, stdin and stdout as bytes (paths may not be UTF-8).

    Pathspecs are literal: sample names may hold `*`, `?` or `[`, which git would
    otherwise treat as globs. CorpusError with git's last stderr line on failure.
    """
    result = subprocess.run(["git", "--literal-pathspecs", *args], cwd=root, input=stdin, capture_output=True)
    return _checked(args, result.returncode, result.stdout, result.stderr)


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


def work_dir(root: Path) -> Path:
    """`.git/corpus-work/`: work files of a command in progress (staged pages, git's input).

    Under `.git/`, never in the working tree, so `git add -A` cannot pick them up;
    the journal removes the folder when its plan is closed.
    """
    path = git_dir(root) / WORK_NAME
    path.mkdir(exist_ok=True)
    return path


def _alive(pid: int) -> bool:
    """Whether pid runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def recorded_git_pid(root: Path) -> int | None:
    """The pid of the gated git that ran last, while its record is there."""
    try:
        return int((git_dir(root) / GIT_PID_NAME).read_text().strip())
    except (OSError, ValueError):
        return None


def clear_stale_index_lock(root: Path, wait_seconds: float = INDEX_LOCK_WAIT_SECONDS) -> bool:
    """Let a git of ours that outlived its corpus process finish; then remove an
    `index.lock` it left when it died, and wait (bounded) for anyone else's.

    True when a stale lock was removed. A lock of a git process we did not start is
    never touched: after `wait_seconds` the caller gets a CorpusError naming it.
    """
    gdir = git_dir(root)
    lock = gdir / "index.lock"
    deadline = time.monotonic() + wait_seconds
    pid = recorded_git_pid(root)
    while pid is not None and _alive(pid):
        if time.monotonic() >= deadline:
            raise CorpusError(f"git (pid {pid}) started by an interrupted corpus command is still running; "
                              "try again when it ends")
        time.sleep(0.05)
    removed = False
    if pid is not None:
        if lock.exists():
            lock.unlink(missing_ok=True)
            removed = True
        (gdir / GIT_PID_NAME).unlink(missing_ok=True)
    while lock.exists():
        if time.monotonic() >= deadline:
            raise CorpusError(f"{lock}: another git process is using this repository; "
                              "try again when it ends (remove the file if no git is running)")
        time.sleep(0.05)
    return removed


def run_gated(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """`git ARGS` with its pid recorded before it starts; stdin comes from a file in
    `work_dir`, so a writer killed halfway can never hand git half a list."""
    clear_stale_index_lock(root)
    gdir = git_dir(root)
    stdin_path = os.devnull
    if stdin is not None:
        stdin_path = str(work_dir(root) / f"git-stdin-{os.getpid()}")
        Path(stdin_path).write_bytes(stdin)
    proc = subprocess.Popen(
        ["sh", "-c", GATED_EXEC, "corpus-git", stdin_path, "git", "--literal-pathspecs", *args],
        cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    atomic_write(gdir / GIT_PID_NAME, str(proc.pid).encode())
    out, err = proc.communicate(b"go\n")
    (gdir / GIT_PID_NAME).unlink(missing_ok=True)
    return _checked(args, proc.returncode, out, err)
