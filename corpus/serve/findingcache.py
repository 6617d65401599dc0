"""Each page's `check` findings for the index, kept in the cache database so that a
load of the index checks only the pages that changed, not the whole corpus.

A page's findings depend on more than its own bytes, so its key is the sha256 of
everything `check` reads for it: the page's git blob id, the paths and blob ids of
its resources (a missing resource is a finding), the rubric's bytes, rulesets.py's
bytes (its trainees' target labels), and the pages that share its id or its site
group (a name used twice, a group across sets). Git names every blob of `samples/`
in one `git ls-files` (extract/factcache.py reads only files that differ from the
index), so an unchanged corpus is answered from the database without reading a page.

Bump FINDINGS_VERSION when `check` changes what it says of a page: old rows then stop
matching. Rows are named by that key (the `oid` column, as the cache database's other
tables name theirs); a write drops the rows no current page has, so the table holds one
row per page however often the rubric or the ruleset changes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from corpus.check.check import check_paths
from corpus.errors import CorpusError
from corpus.extract.factcache import worktree_blob_ids
from corpus.store import cachedb
from corpus.store.digest import sha256_file
from corpus.tree.rubric import Rubric, rubric_path
from corpus.tree.sample import RESOURCES_DIR, SAMPLES_DIR, Sample
from corpus.vectors.ruleset import RULESET_NAME

FINDINGS_VERSION = 2
FINDINGS_SCHEMA = (
    "DROP TABLE IF EXISTS page_findings",  # version 1's, keyed by a column named `key`
    "CREATE TABLE IF NOT EXISTS check_findings (oid TEXT PRIMARY KEY, findings TEXT)",
)


@dataclass
class PageFindings:
    """The findings of each page (`line: message`, by root-relative path), and which
    pages had to be checked for them (the rest came from the cache)."""

    by_page: dict[str, list[str]]
    checked: list[str]


def page_findings(root: Path, rubric: Rubric, samples: list[Sample],
                  ids: dict[str, str] | None = None) -> PageFindings:
    """The `check` findings of each of `samples`, from the cache where nothing they
    depend on changed; the other pages are checked (together) and remembered.
    `samples`: every page of the corpus (a write drops the rows of any other).
    `ids`: worktree_blob_ids of `samples/`, when the caller has them already."""
    try:
        ids = worktree_blob_ids(root, f"{SAMPLES_DIR}/") if ids is None else ids
        db_path = cachedb.cache_path(root)
    except CorpusError:  # not in git: nothing names the pages' bytes, check them all
        return PageFindings(_check(root, samples), [s.relpath for s in samples])
    keys = _page_keys(root, rubric, samples, ids)
    with closing(cachedb.open_cache(db_path, FINDINGS_SCHEMA)) as db:
        current = set(keys.values())
        known = {oid: json.loads(found) for oid, found in
                 cachedb.rows_by_oid(db, "SELECT oid, findings FROM check_findings WHERE 1", (), current)}
        todo = [s for s in samples if keys.get(s.relpath) not in known]
        fresh = _check(root, todo)
        if todo:
            _write(db, current, [(keys[s.relpath], json.dumps(fresh[s.relpath])) for s in todo if s.relpath in keys])
    by_page = {s.relpath: fresh[s.relpath] if s.relpath in fresh else known[keys[s.relpath]] for s in samples}
    return PageFindings(by_page, [s.relpath for s in todo])


def _write(db: sqlite3.Connection, current: set[str], rows: list[tuple[str, str]]) -> None:
    """Keep `rows` (oid, findings) and drop every row no key of `current` names: each
    edit of the rubric or the ruleset would otherwise leave a row per page behind."""
    stale = [(oid,) for (oid,) in db.execute("SELECT oid FROM check_findings") if oid not in current]
    with db:
        db.executemany("DELETE FROM check_findings WHERE oid = ?", stale)
        db.executemany("INSERT OR REPLACE INTO check_findings VALUES (?, ?)", rows)


def _check(root: Path, samples: list[Sample]) -> dict[str, list[str]]:
    """`check` of these pages (without the Git LFS storage of resources, whose findings
    name resource files, not pages): each page's own findings."""
    found: dict[str, list[str]] = {s.relpath: [] for s in samples}
    if samples:
        for finding in check_paths(root, [s.path for s in samples], storage=False):
            page = found.get(finding.path.as_posix())
            if page is not None:
                page.append(f"{finding.line}: {finding.message}")
    return found


def _page_keys(root: Path, rubric: Rubric, samples: list[Sample], ids: dict[str, str]) -> dict[str, str]:
    """Root-relative page path -> the key of what its findings depend on (pages git
    cannot name have none: they are checked every time)."""
    shared = _file_digest(rubric_path(root)) + _file_digest(root / RULESET_NAME)
    resources = _resources_by_page(ids)
    ties = _ties(rubric, samples)
    keys = {}
    for sample in samples:
        if sample.relpath not in ids:
            continue
        parts = [str(FINDINGS_VERSION), shared, ids[sample.relpath], ties[sample.relpath],
                 *resources.get((sample.set_name, sample.stem), [])]
        keys[sample.relpath] = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return keys


def _resources_by_page(ids: dict[str, str]) -> dict[tuple[str, str], list[str]]:
    """(set, page stem) -> `path blob-id` of each file in the page's resources folder."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path, oid in ids.items():
        parts = path.split("/", 4)
        if len(parts) == 5 and parts[2] == RESOURCES_DIR:
            found[(parts[1], parts[3])].append(f"{path} {oid}")
    return found


def _ties(rubric: Rubric, samples: Iterable[Sample]) -> dict[str, str]:
    """Page -> a digest of the pages that share its id and its group (itself included)."""
    naming = rubric.naming
    members: dict[str, list[str]] = defaultdict(list)
    tied: dict[str, tuple[str, str]] = {}
    for sample in samples:
        id_key = "id " + naming.identity(sample.name)
        group_key = "group " + naming.group_of(sample.name) if naming.group else id_key
        tied[sample.relpath] = (id_key, group_key)
        members[id_key].append(sample.relpath)
        if group_key != id_key:
            members[group_key].append(sample.relpath)
    digests = {key: hashlib.sha256("\n".join(sorted(pages)).encode("utf-8", "surrogateescape")).hexdigest() for key, pages in members.items()}
    return {page: digests[a] + digests[b] for page, (a, b) in tied.items()}


def _file_digest(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError:  # no such file: a key of its own
        return "-"
