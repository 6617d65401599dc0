"""The journal: what a command will do to the tree, written before it touches a file.

`add`, `import`, `pick` and `split` write their whole plan to `.git/corpus-journal.json`
(atomically, synced) and then apply it with steps that can run again: a step already
done is skipped. A `kill -9` at any moment therefore leaves a plan that the next
corpus command finishes (see recovery.py) before doing its own work.

Work files (staged copies of incoming pages, the input git reads) live in
`.git/corpus-work/`, never in the working tree, so `git add -A` cannot pick them up.
git runs in a child whose pid is recorded before git starts: an `index.lock` left
by a git process of ours that died is provably stale and is removed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.store.atomic import atomic_write, fsync_dir
from corpus.store.gitcli import git_dir

JOURNAL_NAME = "corpus-journal.json"
GIT_PID_NAME = "corpus-journal.git-pid"
WORK_NAME = "corpus-work"
INDEX_LOCK_WAIT_SECONDS = 30.0
# The child waits for a line on stdin until its pid is recorded (EOF: we died first, so
# don't run), then becomes git with its real input.
GATED_EXEC = 'read -r go || exit 111; input=$1; shift; exec "$@" <"$input"'


@dataclass
class Plan:
    """A change to the tree: `kind` says which module applies `entries`."""

    kind: str  # "move" or "add"
    entries: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)
    pid: int = field(default_factory=os.getpid)


def journal_path(root: Path) -> Path:
    return git_dir(root) / JOURNAL_NAME


def work_dir(root: Path) -> Path:
    path = git_dir(root) / WORK_NAME
    path.mkdir(exist_ok=True)
    return path


def write_plan(root: Path, plan: Plan) -> None:
    """Record the plan durably; only then may the caller touch the tree."""
    atomic_write(journal_path(root), json.dumps(asdict(plan)).encode())


def read_plan(root: Path) -> Plan | None:
    path = journal_path(root)
    try:
        data = json.loads(path.read_bytes())
        return Plan(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as e:
        raise CorpusError(f"{path}: unreadable journal of an interrupted corpus command: {e}") from None


def close_plan(root: Path) -> None:
    """The plan is done (or undone): drop it and every work file."""
    gdir = git_dir(root)
    shutil.rmtree(gdir / WORK_NAME, ignore_errors=True)
    (gdir / GIT_PID_NAME).unlink(missing_ok=True)
    journal_path(root).unlink(missing_ok=True)
    fsync_dir(gdir)


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


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """`git ARGS` with its pid recorded before it starts; stdin comes from a file, so
    a writer killed halfway can never hand git half a list."""
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
    if proc.returncode != 0:
        detail = err.decode(errors="replace").strip().splitlines()
        raise CorpusError(f"git {args[0]} failed: {detail[-1] if detail else proc.returncode}")
    return out
