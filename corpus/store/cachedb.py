"""The SQLite cache database: `.git/corpus/facts.sqlite`, shared by every cache keyed by git blob id.

The page facts (extract/factcache.py), the LFS pointer answers (samples/pointercache.py)
and the name index (samples/nameindex.py) keep their tables here. It is a cache: a damaged
file is deleted and started over, a changed meaning is a new version number in the rows
(old rows stop matching), and where no file can be had the database lives in memory.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from corpus.store import gitcli

CACHE_NAME = "corpus/facts.sqlite"
BATCH = 500  # rows per insert or lookup: bounded memory however many pages change
LOOKUP_MAX = 10_000  # ids; more than this are found by one scan of the table, not by id

T = TypeVar("T")


def cache_path(root: Path) -> Path:
    """`.git/corpus/facts.sqlite` of the repository holding `root` (CorpusError outside one)."""
    return Path(root, gitcli.run(root, "rev-parse", "--absolute-git-dir").strip()) / CACHE_NAME


def open_cache(path: Path | None, schema: Iterable[str]) -> sqlite3.Connection:
    """The cache database at `path` with `schema` (CREATE ... IF NOT EXISTS
    statements) applied. A damaged file is a cache, so it is deleted and started
    over once; where no file can be had (None: a folder outside git; a `.git` that
    can't be written), the cache lives in memory: answers stay right, only slower."""
    schema = list(schema)
    if path is not None and _can_write(path):
        for _ in range(2):
            try:
                return _connect(str(path), schema)
            except sqlite3.DatabaseError:  # not a database (damaged), or can't be opened
                try:
                    path.unlink(missing_ok=True)
                except OSError:
                    break
    return _connect(":memory:", schema)


def _can_write(path: Path) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _connect(where: str, schema: list[str]) -> sqlite3.Connection:
    # Hooks may run in parallel processes (pre-commit splits long file lists): wait for a writer.
    db = sqlite3.connect(where, timeout=60)
    try:
        for statement in schema:
            db.execute(statement)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def rows_by_oid(db: sqlite3.Connection, select: str, params: tuple[object, ...], oids: set[str]) -> Iterator[tuple]:
    """The rows of `select` (first column the blob id; ends in a WHERE clause) for `oids`.

    A cache holds every older version of every page, so a few ids are looked up one
    batch at a time; for many, one scan is faster, and only the rows wanted come out."""
    if len(oids) > LOOKUP_MAX:
        yield from (row for row in db.execute(select, params) if row[0] in oids)
        return
    wanted = sorted(oids)
    for batch in batches(wanted):
        yield from db.execute(f"{select} AND oid IN ({','.join('?' * len(batch))})", (*params, *batch))


def batches(items: list[T], size: int | None = None) -> Iterator[list[T]]:
    """`items` in slices of `size` (BATCH by default): one insert or lookup each."""
    size = size or BATCH
    for start in range(0, len(items), size):
        yield items[start:start + size]
