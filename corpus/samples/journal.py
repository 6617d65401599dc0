"""The journal: what a command will do to the tree, written before it touches a file.

`add`, `import`, `pick` and `split` write their whole plan to `.git/corpus-journal.json`
(atomically, synced) and then apply it with steps that can run again: a step already
done is skipped. A `kill -9` at any moment therefore leaves a plan that the next
corpus command finishes (see recovery.py) before doing its own work.

Work files (staged copies of incoming pages, the input git reads) live in
`.git/corpus-work/` (`gitcli.work_dir`), never in the working tree, so `git add -A`
cannot pick them up. The steps run git through `gitcli.run_gated`, which records git's
pid: an `index.lock` left by a git process of ours that died is provably stale.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.store.atomic import atomic_write, fsync_dir
from corpus.store.gitcli import GIT_PID_NAME, WORK_NAME, git_dir

JOURNAL_NAME = "corpus-journal.json"


@dataclass
class Plan:
    """A change to the tree: `kind` says which module applies `entries`."""

    kind: str  # "move" or "add"
    entries: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)
    pid: int = field(default_factory=os.getpid)


def journal_path(root: Path) -> Path:
    return git_dir(root) / JOURNAL_NAME


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
