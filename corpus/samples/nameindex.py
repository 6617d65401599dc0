"""Every page name in the corpus with its id, kept current from what changed.

Which pages share an id is a question about every name in the corpus. Answering it
by listing and matching 100,000 names on each commit made the check hook grow with
the corpus, so the names and their ids (under the rubric's naming rule) are kept in
`.git/corpus/facts.sqlite`, next to the page facts, indexed by id.

A set folder is listed again only when its stat changed: adding, removing or
renaming a page changes the folder's mtime and ctime (git's untracked cache relies
on the same). Editing a page's bytes changes neither, and needs nothing here, since
a name is all the index keeps. A folder whose mtime is too close to the moment it
was listed is "racy" (a page added in the same clock tick would leave the same
mtime), so it is listed again next time, as git does with racily clean index
entries. A folder listed again is compared with its stored names, and only the
names that came or went are matched against the rule. A changed rule re-matches
every name. Each name's naming group (the rubric's `naming.group`, a site) is
stored beside its id, indexed too, so the leakage check of one page reads only
the pages of its group.

What the index answers equals listing every set folder (see
`tests/check/test_name_index.py`): pages git ignores or has not seen count, as
they do on disk.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.store.cachedb import batches, cache_path, open_cache
from corpus.tree.sample import SAMPLES_DIR, SETS, NamingRule, page_names

# How far (ns) a folder's mtime must lie before the moment it was listed for the
# listing to be trusted later; covers file systems with coarse timestamps (FAT: 2 s).
RACY_NS = 3_000_000_000

SCHEMA = (
    # Earlier tables: before groups were stored, and before names were kept as bytes.
    "DROP TABLE IF EXISTS name_folders",
    "DROP TABLE IF EXISTS sample_names",
    "DROP TABLE IF EXISTS name_listings",
    "DROP TABLE IF EXISTS page_names",
    "CREATE TABLE IF NOT EXISTS set_listings (set_name TEXT PRIMARY KEY, rule TEXT, "
    "dev INTEGER, ino INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, listed_ns INTEGER)",
    # Names, ids and groups as the file system's bytes (os.fsencode): a name that is
    # not UTF-8 (held as a surrogate-escaped str) is a name like any other.
    "CREATE TABLE IF NOT EXISTS listed_names (set_name TEXT, name BLOB, identity BLOB, grp BLOB, "
    "PRIMARY KEY (set_name, name))",
    "CREATE INDEX IF NOT EXISTS listed_names_by_identity ON listed_names (identity)",
    "CREATE INDEX IF NOT EXISTS listed_names_by_group ON listed_names (grp)",
)


@dataclass(frozen=True)
class FolderStamp:
    """What a set folder's stat says about its entries (they change together with it)."""

    dev: int
    ino: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, folder: Path) -> FolderStamp | None:
        try:
            st = os.stat(folder)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return cls(st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


class NameIndex:
    """Page names per set and their ids; `refresh()` first, then ask `sharing(id)`."""

    def __init__(self, root: Path, rule: NamingRule, db: sqlite3.Connection) -> None:
        self.root = root
        self.rule = rule
        self.db = db

    def refresh(self) -> list[str]:
        """Bring each set's names up to date; returns the sets that were listed again."""
        listed = []
        for set_name in SETS:
            with self.db:  # one transaction per set: a killed run leaves whole sets or none
                self.db.execute("BEGIN IMMEDIATE")  # parallel hook processes: one lister at a time
                if self._relist_if_changed(set_name):
                    listed.append(set_name)
        return listed

    def sharing(self, identity: str) -> list[str]:
        """Root-relative paths of the pages whose id is `identity`, in `all_samples` order."""
        rows = self.db.execute("SELECT set_name, name FROM listed_names WHERE identity = ?",
                               (_stored(identity),))
        return [f"{SAMPLES_DIR}/{set_name}/{os.fsdecode(name)}" for set_name, name in
                sorted(rows, key=lambda row: (SETS.index(row[0]), row[1]))]

    def grouped(self, sets: tuple[str, ...], groups: set[str] | None = None) -> Iterator[tuple[str, str, str]]:
        """(set, name, group) of the pages in `sets` whose name has a group: those of
        `groups` only (looked up by group, a batch at a time), or all of them (None)."""
        in_sets = f"set_name IN ({', '.join('?' * len(sets))})"
        select = f"SELECT set_name, name, grp FROM listed_names WHERE {in_sets} AND grp IS NOT NULL"
        if groups is None:
            rows = self.db.execute(select, sets)
        else:
            rows = (row for batch in batches(sorted(map(_stored, groups))) for row in
                    self.db.execute(f"{select} AND grp IN ({', '.join('?' * len(batch))})", (*sets, *batch)))
        for set_name, name, group in rows:
            yield set_name, os.fsdecode(name), os.fsdecode(group)

    def _relist_if_changed(self, set_name: str) -> bool:
        folder = self.root / SAMPLES_DIR / set_name
        listed_ns = time.time_ns()  # before the stat: a change after it leaves a later mtime
        stamp = FolderStamp.of(folder)
        row = self.db.execute("SELECT rule, dev, ino, mtime_ns, ctime_ns, listed_ns FROM set_listings "
                              "WHERE set_name = ?", (set_name,)).fetchone()
        rule_key = _rule_key(self.rule)
        if row is not None and stamp is not None and row[0] == rule_key \
                and FolderStamp(*row[1:5]) == stamp and stamp.mtime_ns < row[5] - RACY_NS:
            return False
        same_rule = row is not None and row[0] == rule_key
        rows = self.db.execute("SELECT name FROM listed_names WHERE set_name = ?", (set_name,)) if same_rule else []
        stored = {os.fsdecode(name) for (name,) in rows}
        if not same_rule:
            self.db.execute("DELETE FROM listed_names WHERE set_name = ?", (set_name,))
        names = page_names(folder) if stamp else set()
        self.db.executemany("DELETE FROM listed_names WHERE set_name = ? AND name = ?",
                            ((set_name, _stored(name)) for name in stored - names))
        self.db.executemany("INSERT INTO listed_names VALUES (?, ?, ?, ?)",
                            ((set_name, _stored(name), *map(_stored, self._keys(name))) for name in names - stored))
        if stamp is None:
            self.db.execute("DELETE FROM set_listings WHERE set_name = ?", (set_name,))
        else:
            self.db.execute("INSERT OR REPLACE INTO set_listings VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (set_name, rule_key, *astuple(stamp), listed_ns))
        return True

    def _keys(self, name: str) -> tuple[str, str | None]:
        """A name's id and its naming group's value (None: the rule has no group, or the name none)."""
        parts = self.rule.match(name) if self.rule.group else None
        return self.rule.identity(name), (parts.get(self.rule.group) or None) if parts and self.rule.group else None


def _rule_key(rule: NamingRule) -> str:
    """What the stored rows were matched under: a change of pattern or group re-matches every name."""
    return f"{rule.pattern}\n{rule.group or ''}"


@contextmanager
def name_index(root: Path, rule: NamingRule) -> Iterator[NameIndex]:
    """The corpus's name index, refreshed (kept in memory where there is no git repository)."""
    try:
        path: Path | None = cache_path(root)
    except CorpusError:
        path = None
    db = open_cache(path, SCHEMA)
    try:
        index = NameIndex(root, rule, db)
        index.refresh()
        yield index
    finally:
        db.close()


def _stored(text: str | None) -> bytes | None:
    """A name (or id, or group) as the database keeps it: the file system's bytes."""
    return None if text is None else os.fsencode(text)
