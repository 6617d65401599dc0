"""The index: counts per sample (its findings one click away, on its sample view), and
each page's findings read from a cache keyed by what they depend on, not `check`ed at every load."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from corpus.serve.app import Request, ViewerApp
from corpus.serve.browser_thread import CROPS_KIND
from corpus.serve.findingcache import page_findings
from corpus.store.cachedb import cache_path
from corpus.store.filecache import FileCache
from corpus.tree.rubric import load_rubric, rubric_path
from corpus.tree.sample import all_samples
from tests.serve.support import make_corpus

HOST = {"host": "127.0.0.1:8000"}
# A page with many findings: each label the rubric's selector refuses is one, and its
# missing resource another (one finding per page, however many files are missing).
MANY = "<p data-fathom=new-password>x</p>\n" * 40 + '<img src="resources/{stem}/0.png">'


def _many_findings(root: Path, pages: int) -> None:
    for i in range(1, pages + 1):
        page = f"<html><body>{MANY.format(stem=i)}</body></html>"
        (root / f"samples/training/{i}.html").write_text(page)


def _get(app: ViewerApp, target: str) -> bytes:
    answer = app.handle(Request("GET", target, HOST))
    assert answer.status == 200, answer.body[:300]
    return answer.body


def test_the_index_shows_counts_and_stays_small(corpus_root: Path, commit):
    _many_findings(corpus_root, 60)
    commit(corpus_root, "pages with many findings")
    app = ViewerApp(corpus_root, {HOST["host"]})
    try:
        index = _get(app, "/")
        listed = json.loads(_get(app, "/api/index"))
        sample = json.loads(_get(app, "/api/sample/training/7.html"))
    finally:
        app.close()
    training = next(s for s in listed if s["set"] == "training")["samples"]
    assert len(training) == 60 and all(len(s["findings"]) >= 41 for s in training)
    assert len(index) / 60 < 700  # bytes per sample: the findings (60 x 41 lines) are not in it
    assert b"missing resource" not in index
    # Each count links to the sample view, which lists the findings.
    assert b'<a href="/sample/training/7.html#findings">' in index
    assert sum("does not match the type's selector" in f for f in sample["findings"]) == 40


def test_a_second_load_reads_unchanged_pages_from_the_cache(corpus_root: Path, commit):
    _many_findings(corpus_root, 3)
    commit(corpus_root, "three pages")
    samples = all_samples(corpus_root)
    rubric = load_rubric(corpus_root)
    first = page_findings(corpus_root, rubric, samples)
    assert sorted(first.checked) == sorted(s.relpath for s in samples)
    again = page_findings(corpus_root, rubric, samples)
    assert again.checked == [] and again.by_page == first.by_page

    # What a page's findings depend on changes: that page alone is checked again.
    (corpus_root / "samples/training/resources/2").mkdir(parents=True)
    (corpus_root / "samples/training/resources/2/0.png").write_bytes(b"\x89PNG")
    (corpus_root / "samples/training/3.html").write_text("<html><body>fixed</body></html>")
    changed = page_findings(corpus_root, rubric, samples)
    assert sorted(changed.checked) == ["samples/training/2.html", "samples/training/3.html"]
    assert len(changed.by_page["samples/training/2.html"]) == len(first.by_page["samples/training/2.html"]) - 1
    assert not any("missing resource" in f for f in changed.by_page["samples/training/3.html"])

    # A page elsewhere takes the id of 1.html: 1.html is checked again, and says so.
    (corpus_root / "samples/validation/1.html").write_text("<html><body></body></html>")
    samples = all_samples(corpus_root)
    shared = page_findings(corpus_root, rubric, samples)
    assert sorted(shared.checked) == ["samples/training/1.html", "samples/validation/1.html"]
    assert any("also used by samples/validation/1.html" in f for f in shared.by_page["samples/training/1.html"])


def test_the_index_answers_from_the_cache(corpus_root: Path, commit):
    _many_findings(corpus_root, 3)
    commit(corpus_root, "three pages")
    app = ViewerApp(corpus_root, {HOST["host"]})
    try:
        _get(app, "/")
        # Had the second load checked the pages, it would not say what the cache says.
        with closing(sqlite3.connect(cache_path(corpus_root))) as db, db:
            db.execute("UPDATE check_findings SET findings = ?", (json.dumps(["1: from the cache"]),))
        listed = json.loads(_get(app, "/api/index"))
    finally:
        app.close()
    training = next(s for s in listed if s["set"] == "training")["samples"]
    assert [s["findings"] for s in training] == [["1: from the cache"]] * 3


def _logged_git(tmp_path: Path, monkeypatch) -> Path:
    """Real git behind a script on PATH that logs each command's arguments, one line each."""
    log, shim = tmp_path / "git.log", tmp_path / "shim"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{shutil.which("git")}" "$@"\n')
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    return log


def test_a_load_names_the_blobs_once_and_the_gallery_builds_one_set(corpus_root: Path, commit, tmp_path, monkeypatch):
    make_corpus(corpus_root, commit)
    log = _logged_git(tmp_path, monkeypatch)
    app = ViewerApp(corpus_root, {HOST["host"]})
    try:
        _get(app, "/")
        log.write_text("")
        _get(app, "/")
        assert log.read_text().count("ls-files -s") == 1, log.read_text()
        log.write_text("")
        gallery = _get(app, "/gallery?set=training&trainee=new-password")
        assert b"/crop/training/1.html/" in gallery  # its false positive
        assert "ls-files" not in log.read_text()  # no labels or findings of any page: only results
    finally:
        app.close()


def test_a_static_file_or_a_frame_resource_reads_no_rubric(corpus_root: Path, commit):
    make_corpus(corpus_root, commit)
    (corpus_root / "samples/training/resources/1").mkdir(parents=True)
    (corpus_root / "samples/training/resources/1/a.css").write_text("p {}")
    app = ViewerApp(corpus_root, {HOST["host"]})
    try:
        rubric_path(corpus_root).write_text("types: [")  # broken while the viewer runs
        assert app.handle(Request("GET", "/", HOST)).status == 400
        for target in ("/static/viewer.js", "/frame/training/1/resources/1/a.css", "/favicon.ico"):
            assert app.handle(Request("GET", target, HOST)).status in (200, 204), target
    finally:
        app.close()


def test_the_cache_keeps_one_row_per_page_however_often_the_rubric_changes(corpus_root: Path, commit):
    _many_findings(corpus_root, 3)
    commit(corpus_root, "three pages")
    samples = all_samples(corpus_root)
    for edit in range(3):
        rubric = rubric_path(corpus_root)
        rubric.write_text(rubric.read_text() + f"\n# edit {edit}\n")
        assert len(page_findings(corpus_root, load_rubric(corpus_root), samples).checked) == 3
    with closing(sqlite3.connect(cache_path(corpus_root))) as db:
        assert db.execute("SELECT count(*) FROM check_findings").fetchone() == (3,)


def test_a_cached_crop_is_answered_before_the_page_is_parsed(corpus_root: Path, commit):
    page = corpus_root / "samples/training/1.html"
    page.write_bytes(b"<html><body><p>x</p></body></html>")
    commit(corpus_root, "one page")
    app = ViewerApp(corpus_root, {HOST["host"]})
    try:
        width, height = app.viewport
        cache = FileCache(corpus_root, f"{CROPS_KIND}/{width}x{height}", ".png")
        # Kept under a number past the page's start tags: only a lookup before counting them finds it.
        cache.put(f"{hashlib.sha256(page.read_bytes()).hexdigest()}-99", b"\x89PNG kept")
        assert _get(app, "/crop/training/1.html/99.png") == b"\x89PNG kept"
        assert app.handle(Request("GET", "/crop/training/1.html/98.png", HOST)).status == 404
    finally:
        app.close()
