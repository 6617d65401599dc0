"""Per-page facts keyed by git blob id, so everyday commands cost what changed.

A page's facts (its labels per type, whether it still inlines `data:` URLs, its
sha256) depend only on its bytes, and git already names bytes: the blob id. One
`git ls-files -s` gives the index's blob id of every page; `git status
--porcelain=v2` names the few pages whose working file differs from the index
(git compares stat info, as it does for its own status), and only those are read
and hashed here. Facts are computed once per blob id and kept in the cache
database `.git/corpus/facts.sqlite` (store/cachedb.py: outside the working tree;
sqlite commits atomically, so an interrupted run loses nothing and a damaged file
is rebuilt).

Bump FACTS_VERSION when what a fact means changes: old rows then stop matching.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.store import cachedb, gitcli
from corpus.tree.pages import label_types

FACTS_VERSION = 2


@dataclass(frozen=True)
class SourceFacts:
    """What a page's bytes say without rendering it, as the facts cache keeps it.

    (What the browser measures of a rendered page is `corpus.render.facts.PageFacts`.)
    """

    types: tuple[str, ...]  # data-fathom values, in document order
    inline_data: bool  # still holds a data: URL that `extract` would move out
    leftovers: int  # data URLs extraction cannot move out (see corpus.extract.survey)
    sha256: str  # the vector files' pageHashes

    def to_row(self) -> tuple[str, int, int, str]:
        return json.dumps(self.types), int(self.inline_data), self.leftovers, self.sha256

    @classmethod
    def from_row(cls, types: str, inline: int, leftovers: int, sha256: str,
                 parsed: dict[str, tuple[str, ...]]) -> SourceFacts:
        # Most pages share a few label lists: parse each distinct one once (100,000 rows a status).
        if types not in parsed:
            parsed[types] = tuple(json.loads(types))
        return cls(parsed[types], bool(inline), leftovers, sha256)


def compute_facts(data: bytes) -> SourceFacts:
    from corpus.extract.survey import survey

    found = survey(data)
    return SourceFacts(tuple(label_types(data)), found.extractable > 0, len(found.leftovers),
                     hashlib.sha256(data).hexdigest())


def blob_id(data: bytes) -> str:
    """What `git hash-object` says (SHA-1 repositories)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def worktree_blob_ids(root: Path, prefix: str) -> dict[str, str]:
    """Root-relative path -> blob id of the working file, for every file under `prefix`
    that git tracks or would add. Only files that differ from the index are read."""
    ids: dict[str, str] = {}
    for record in gitcli.run(root, "ls-files", "-s", "-z", "--", prefix).split("\0"):
        if record:
            meta, path = record.split("\t", 1)
            ids[path] = meta.split()[1]
    # status names paths from the repository's top; the corpus may sit in a subfolder of it
    top = gitcli.run(root, "rev-parse", "--show-prefix").strip()
    status = gitcli.run(root, "status", "--porcelain=v2", "-z", "--untracked-files=all", "--", prefix)
    fields = iter(status.split("\0"))
    for record in fields:
        path = None
        if record.startswith("? "):
            path = record[2:]
        elif record.startswith(("1 ", "2 ", "u ")):
            parts = record.split(" ")
            changed_in_worktree = parts[1][1] != "."
            path = " ".join(parts[{"1": 8, "2": 9, "u": 10}[record[0]]:])
            if record.startswith("2 "):
                next(fields, None)  # the rename's original path
            if not changed_in_worktree:
                continue
        if path is None or not path.startswith(top):
            continue
        path = path[len(top):]
        try:
            ids[path] = blob_id((root / path).read_bytes())
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            ids.pop(path, None)  # deleted in the working tree
    return ids


FACTS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS page_facts (oid TEXT, version INTEGER, types TEXT, "
    "inline INTEGER, leftovers INTEGER, sha256 TEXT, PRIMARY KEY (oid, version))",
)


class FactCache:
    """Facts per blob id in `.git/corpus/facts.sqlite`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = cachedb.cache_path(root)

    def _connect(self) -> sqlite3.Connection:
        return cachedb.open_cache(self.path, FACTS_SCHEMA)

    def facts(self, pages: dict[str, str]) -> dict[str, SourceFacts]:
        """Facts of each page, given {root-relative path: blob id}; new blob ids are read from disk."""
        with closing(self._connect()) as db:
            known = _known_facts(db, set(pages.values()))
            missing = [(path, oid) for path, oid in pages.items() if oid not in known]
            for batch in cachedb.batches(missing):
                rows = []
                for path, oid in batch:
                    try:
                        facts = compute_facts((self.root / path).read_bytes())
                    except FileNotFoundError:
                        continue  # gone since git listed it
                    known[oid] = facts
                    rows.append((oid, FACTS_VERSION, *facts.to_row()))
                with db:
                    db.executemany("INSERT OR REPLACE INTO page_facts VALUES (?, ?, ?, ?, ?, ?)", rows)
        return {path: known[oid] for path, oid in pages.items() if oid in known}


def _known_facts(db: sqlite3.Connection, oids: set[str]) -> dict[str, SourceFacts]:
    """The cached facts of those of `oids` the cache has."""
    parsed: dict[str, tuple[str, ...]] = {}
    select = "SELECT oid, types, inline, leftovers, sha256 FROM page_facts WHERE version = ?"
    rows = cachedb.rows_by_oid(db, select, (FACTS_VERSION,), oids)
    return {oid: SourceFacts.from_row(t, i, n, s, parsed) for oid, t, i, n, s in rows}


def page_facts(root: Path, relpaths: Iterable[str], prefix: str = "samples/",
               ids: dict[str, str] | None = None) -> dict[str, SourceFacts]:
    """Facts of the pages at `relpaths` (root-relative), from the cache where git says
    their bytes are known; pages git cannot name (outside a repository) are read.
    `ids`: worktree_blob_ids of `prefix`, when the caller has them already."""
    wanted = list(relpaths)
    try:
        ids = worktree_blob_ids(root, prefix) if ids is None else ids
    except CorpusError:  # not a git repository: read every page
        return {p: compute_facts((root / p).read_bytes()) for p in wanted}
    known = {p: ids[p] for p in wanted if p in ids}
    found = FactCache(root).facts(known)
    for path in wanted:
        if path not in found:
            found[path] = compute_facts((root / path).read_bytes())
    return found
