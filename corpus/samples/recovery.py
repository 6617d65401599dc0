"""Finishing what a killed command left: every corpus command calls `recover` first.

A plan in the journal with no live writer holding the corpus lock was
interrupted (the lock is an flock: it dies with its holder). Its steps are
re-run to the end (moves.py, landing.py skip what is done), and the one line
returned says what was finished. Temporary files that older versions (or a
`.git/` on another file system) left beside pages are removed too, and so are the
pages and manifests a killed `corpus extract` staged in `.git/corpus-work/extract/`
(up to a page's size each; no plan's journal covers them).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import astuple, fields
from pathlib import Path

from corpus.errors import CorpusError
from corpus.extract.pagefile import STAGE_DIR
from corpus.samples import journal, labeling, landing, moves
from corpus.samples.nameindex import RACY_NS, FolderStamp
from corpus.store import gitcli
from corpus.store.atomic import leftover_temps
from corpus.store.cachedb import CACHE_NAME, open_cache
from corpus.store.lock import CorpusBusy, writer_lock
from corpus.tree.sample import SAMPLES_DIR, SETS


def recover(root: Path) -> str | None:
    """Finish an interrupted plan and remove leftover temporary files; a one-line report,
    or None when there was nothing to do."""
    done = [message for message in (_finish_plan(root), _clear_extract_stage(root), _remove_temps(root)) if message]
    return "; ".join(done) or None


def _clear_extract_stage(root: Path) -> str | None:
    """Empty extraction's staging folder when no command is running (the lock is free) and
    no interrupted plan is waiting: what is there, a killed extraction left. Only that
    folder; it stays, as writers keep its path."""
    try:
        folder = journal.journal_path(root).parent / gitcli.WORK_NAME / STAGE_DIR
    except CorpusError:
        return None
    if not _entries(folder):  # the common case: one listing, no lock
        return None
    try:
        with writer_lock(root):
            if journal.journal_path(root).exists():
                return None  # an unfinished plan's work files wait for it
            found = _entries(folder)
            for path in found:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
    except CorpusBusy:
        return None
    if not found:
        return None
    return f"removed {len(found)} file(s) a killed `corpus extract` left staged in .git/{gitcli.WORK_NAME}/{STAGE_DIR}/"


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []


def _remove_temps(root: Path) -> str | None:
    """Remove our writers' temporary files from the set folders, where pages are written
    (a killed run's: a live writer holds the lock, and is left alone). Only `samples/` and
    the sets themselves are looked in, not every resources folder, and only those whose
    stat changed since they were last found clean: every command runs this, and its cost
    must not grow with the corpus (an unchanged corpus costs five stats). `check` walks
    the whole tree."""
    with closing(open_cache(cache_file(root), CLEAN_SCHEMA)) as db:
        stale = stale_folders(db, root)
        if not any(leftover_temps(folder, depth=0) for folder, _ in stale):  # the common case: no lock
            _mark_clean(db, stale)
            return None
    try:
        with writer_lock(root):
            found = [path for folder, _ in stale for path in leftover_temps(folder, depth=0)]
            for path in found:
                path.unlink(missing_ok=True)  # the folder's stat changes: it is looked in next time too
    except CorpusBusy:
        return None
    if not found:
        return None
    example = found[0].relative_to(root).as_posix() + (", ..." if len(found) > 1 else "")
    return f"removed {len(found)} temporary file(s) a killed command left in {SAMPLES_DIR}/ ({example})"


CLEAN_SCHEMA = ("CREATE TABLE IF NOT EXISTS clean_folders (path TEXT PRIMARY KEY, dev INTEGER, ino INTEGER, "
                "mtime_ns INTEGER, ctime_ns INTEGER, listed_ns INTEGER)",)

Listing = tuple[Path, tuple[FolderStamp, int]]  # a folder, its stat and when it was taken (ns)


def stale_folders(db: sqlite3.Connection, root: Path) -> list[Listing]:
    """`samples/` and the set folders whose stat changed since they were last found clean
    (or too soon after it to tell: racy, as in the name index), with their stat now."""
    stale = []
    for folder in [root / SAMPLES_DIR, *(root / SAMPLES_DIR / s for s in SETS)]:
        taken_ns = time.time_ns()  # before the stat: a change after it leaves a later mtime
        stamp = FolderStamp.of(folder)
        if stamp is None:
            continue
        row = db.execute("SELECT dev, ino, mtime_ns, ctime_ns, listed_ns FROM clean_folders WHERE path = ?",
                         (str(folder),)).fetchone()
        if row is None or FolderStamp(*row[:4]) != stamp or stamp.mtime_ns >= row[4] - RACY_NS:
            stale.append((folder, (stamp, taken_ns)))
    return stale


def _mark_clean(db: sqlite3.Connection, listed: list[Listing]) -> None:
    """Remember folders found clean; not those changed too recently to be trusted (racy):
    they would be looked in again anyway."""
    trusted = [(str(folder), *astuple(stamp), taken_ns) for folder, (stamp, taken_ns) in listed
               if stamp.mtime_ns < taken_ns - RACY_NS]
    if trusted:
        with db:
            db.executemany("INSERT OR REPLACE INTO clean_folders VALUES (?, ?, ?, ?, ?, ?)", trusted)


def cache_file(root: Path) -> Path | None:
    """The cache database (cachedb.cache_path), found without starting git: every command runs this."""
    try:
        return journal.journal_path(root).parent / CACHE_NAME
    except CorpusError:
        return None  # not a repository: an in-memory cache, so every folder is looked in


def _finish_plan(root: Path) -> str | None:
    """Finish an interrupted plan; a one-line report, or None when there was none."""
    try:
        if not journal.journal_path(root).exists():
            return None
    except CorpusError:
        return None  # not a repository (yet): nothing of ours to finish
    try:
        with writer_lock(root):
            plan = journal.read_plan(root)
            if plan is None:
                return None
            gitcli.clear_stale_index_lock(root)
            message = _finish(root, plan)
            journal.close_plan(root)
            return message
    except CorpusBusy:
        return None  # its writer is alive and still at it


def _finish(root: Path, plan: journal.Plan) -> str:
    who = f"left by pid {plan.pid}"
    if plan.kind == moves.KIND:
        renamed = moves.finish_moves(root, plan.entries)
        return (f"finished an interrupted move of {len(plan.entries)} paths {who} "
                f"({renamed} still to rename)")
    if plan.kind == landing.KIND:
        names = {f.name for f in fields(landing.Arrival)}
        arrivals = [landing.Arrival(**{k: v for k, v in e.items() if k in names}) for e in plan.entries]
        problems = landing.finish_landing(root, arrivals)
        tail = f"; {len(problems)} problem(s): {problems[0]}" if problems else ""
        return f"finished an interrupted add of {len(arrivals)} pages {who}{tail}"
    if plan.kind == labeling.KIND:
        staged = labeling.finish_labels(root, plan.entries)
        return f"finished an interrupted label change {who} ({staged} page(s) staged, the rest unchanged)"
    raise CorpusError(f"{journal.journal_path(root)}: unknown plan kind {plan.kind!r}; remove the file")


HOOK_WAIT_SECONDS = 120.0
HOOK_WAIT_VARIABLE = "CORPUS_HOOK_WAIT_SECONDS"


@contextmanager
def settled_tree(root: Path, wait_seconds: float | None = None) -> Iterator[None]:
    """For hooks: wait (bounded; HOOK_WAIT_VARIABLE overrides) for a running corpus
    command, so a commit never checks a half-done move; refuse while an interrupted
    plan is unfinished (it cannot be finished from inside a commit, which holds
    git's index lock)."""
    if wait_seconds is None:
        wait_seconds = float(os.environ.get(HOOK_WAIT_VARIABLE, HOOK_WAIT_SECONDS))
    with writer_lock(root, wait_seconds):
        if journal.journal_path(root).exists():
            raise CorpusError("an interrupted corpus command left the samples tree half changed; "
                              "run `corpus status` to finish it, then commit again")
        yield
