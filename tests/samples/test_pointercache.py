"""Whether resources are LFS pointers, remembered by blob id: the same answers as reading
every blob, through renormalizing; blobs seen before are not read again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from corpus.samples.lfs import content_blobs, staged_blobs
from corpus.samples.pointercache import content_blobs_remembered
from corpus.store.cachedb import CACHE_NAME

RESOURCES = ["samples/training/resources/"]


def test_remembered_answers_equal_reading_every_blob(corpus_root: Path, git) -> None:
    res = corpus_root / "samples" / "training" / "resources" / "1"
    res.mkdir(parents=True)
    (res / "a.css").write_text("body{color:red}")
    (res / "empty.txt").write_text("")  # git-lfs never makes a pointer of an empty file
    git(corpus_root, "add", "samples")
    (corpus_root / ".gitattributes").write_text("")  # the next one is staged as content
    (res / "b.css").write_text("p{}")
    git(corpus_root, "add", str(res / "b.css"))
    blobs = staged_blobs(corpus_root, RESOURCES)
    expected = ["samples/training/resources/1/b.css", "samples/training/resources/1/empty.txt"]
    assert content_blobs(corpus_root, blobs) == expected
    assert content_blobs_remembered(corpus_root, blobs) == expected
    assert content_blobs_remembered(corpus_root, blobs) == expected  # from the cache this time

    git(corpus_root, "checkout", "--", ".gitattributes")
    git(corpus_root, "add", "--renormalize", "samples")  # b.css becomes a pointer: a new blob id
    blobs = staged_blobs(corpus_root, RESOURCES)
    assert content_blobs_remembered(corpus_root, blobs) == content_blobs(corpus_root, blobs) == [expected[1]]


def test_a_blob_seen_before_is_answered_from_the_cache(corpus_root: Path, git) -> None:
    res = corpus_root / "samples" / "training" / "resources" / "1"
    res.mkdir(parents=True)
    (res / "a.css").write_text("body{color:red}")
    git(corpus_root, "add", "samples")
    blobs = staged_blobs(corpus_root, RESOURCES)
    assert content_blobs_remembered(corpus_root, blobs) == []
    with sqlite3.connect(corpus_root / ".git" / CACHE_NAME) as db:  # make the remembered answer wrong
        db.execute("UPDATE lfs_pointers SET pointer = 0")
    assert content_blobs_remembered(corpus_root, blobs) == ["samples/training/resources/1/a.css"]
