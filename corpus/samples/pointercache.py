"""Whether resource blobs are Git LFS pointers, remembered by blob id.

A blob id names its bytes forever, so whether that blob is a pointer never changes.
`status` checks every staged resource; at 100,000 pages that is thousands of blobs
read with `git cat-file` on each run. The answers are kept in
`.git/corpus/facts.sqlite` (next to the page facts), and git is asked only about
blob ids not seen before.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from corpus.errors import CorpusError
from corpus.samples.lfs import content_blobs
from corpus.store.cachedb import cache_path, open_cache, rows_by_oid

SCHEMA = ("CREATE TABLE IF NOT EXISTS lfs_pointers (oid TEXT PRIMARY KEY, pointer INTEGER)",)


def content_blobs_remembered(root: Path, blobs: dict[str, str]) -> list[str]:
    """What `lfs.content_blobs` says (the paths whose blob is not an LFS pointer), asking
    git only about blob ids the cache has not seen."""
    try:
        path = cache_path(root)
    except CorpusError:  # not a repository: nothing to remember it in
        return content_blobs(root, blobs)
    oids = set(blobs.values())
    with closing(open_cache(path, SCHEMA)) as db:
        pointer = {oid: bool(flag) for oid, flag in rows_by_oid(db, "SELECT oid, pointer FROM lfs_pointers WHERE 1",
                                                                (), oids)}
        unseen = sorted(oids - set(pointer))
        content = set(content_blobs(root, {oid: oid for oid in unseen}))
        with db:
            db.executemany("INSERT OR REPLACE INTO lfs_pointers VALUES (?, ?)",
                           ((oid, int(oid not in content)) for oid in unseen))
        pointer.update((oid, oid not in content) for oid in unseen)
    return sorted(path for path, oid in blobs.items() if not pointer[oid])
