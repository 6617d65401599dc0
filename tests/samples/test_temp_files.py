"""Temporary files never stay in a set: writers beside a page stage under `.git/`, every
command's recovery removes what older runs left, and `check` reports what it finds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.extract.extract import extract_sample
from corpus.samples.nameindex import RACY_NS
from corpus.tree.sample import Sample
from tests.extract.pages import rich_page

# Runs a corpus writer in a child that SIGKILLs itself at the rename that would put the new
# page in place: its temporary file is written and synced, the worst moment for a kill.
KILLED_AT_RENAME = """
import os, signal, sys
from pathlib import Path
real_replace = os.replace
def replace(src, dst, **kwargs):
    if str(dst).endswith(".html"):
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst, **kwargs)
os.replace = replace
root, what = Path(sys.argv[1]), sys.argv[2]
page = root / "samples" / "unused" / "1.html"
if what == "label":
    from corpus.samples.label import label_pages
    label_pages([page], "new-password")
elif what == "inline":
    from corpus.extract.inline import inline_sample
    from corpus.tree.sample import Sample
    inline_sample(Sample(root, "unused", "1.html"))
else:
    from corpus.samples.labeling import LabelEdit, write_label
    from corpus.tree.sample import Sample
    before = page.read_bytes()
    write_label(root, Sample(root, "unused", "1.html"), LabelEdit(before, before.replace(b"<body", b"<body data-fathom=\\"x\\"", 1), 1, None, "x"))
"""


@pytest.mark.parametrize("writer", ["label", "inline", "viewer-label"])
def test_a_writer_killed_mid_write_leaves_no_temp_in_the_set(corpus_root: Path, writer: str) -> None:
    page = corpus_root / "samples" / "unused" / "1.html"
    page.write_bytes(rich_page())
    if writer == "inline":
        extract_sample(Sample(corpus_root, "unused", "1.html"))
    before = page.read_bytes()
    child = subprocess.run([sys.executable, "-c", KILLED_AT_RENAME, str(corpus_root), writer], capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert page.read_bytes() == before
    assert not list((corpus_root / "samples").rglob(".corpus-*")), "a temporary file in the set"


def test_any_command_removes_leftover_temps_and_says_so(corpus_root: Path, corpus_cli) -> None:
    unused = corpus_root / "samples" / "unused"
    ours = [unused / ".corpus-ab12cd_9.tmp", unused / ".corpus-0123456789abcdef.tmp"]
    deep = unused / "resources" / "1" / ".corpus-0123456789abcdee.tmp"  # not where pages are written
    others = [unused / ".corpus-notes.txt", unused / "x.tmp", unused / ".corpus-toolongname1.tmp"]
    for path in [*ours, deep, *others]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a page")
    status = corpus_cli("status", cwd=corpus_root)
    assert status.returncode == 0, status.stderr
    said = [line for line in status.stderr.splitlines() if "temporary file" in line]
    assert said == ["corpus: removed 2 temporary file(s) a killed command left in samples/ "
                    "(samples/unused/.corpus-0123456789abcdef.tmp, ...)"]
    assert not any(p.exists() for p in ours) and all(p.exists() for p in others)
    again = corpus_cli("status", cwd=corpus_root)
    assert "temporary file" not in again.stderr
    # Every command lists the set folders only (its cost must not grow with the corpus);
    # a full check walks the resources too, and names what it finds there.
    checked = corpus_cli("check", "--json", cwd=corpus_root)
    assert any(f["kind"] == "temp-file" and f["path"].endswith(deep.name) for f in json.loads(checked.stdout))


def test_check_reports_a_staged_temp_and_a_folder_named_like_a_page(corpus_root: Path, corpus_cli, git) -> None:
    unused = corpus_root / "samples" / "unused"
    temp = unused / ".corpus-ab12cd34.tmp"
    temp.write_bytes(b"half a page")
    (unused / "9001.html").mkdir()
    (unused / "9001.html" / "index.txt").write_text("not a page")
    git(corpus_root, "add", "samples/unused/.corpus-ab12cd34.tmp")
    # the commit hook sees the staged file as it is (no recovery runs inside a commit)
    hook = corpus_cli("hooks", "run", "check", "samples/unused/.corpus-ab12cd34.tmp", cwd=corpus_root)
    assert hook.returncode == 1
    assert "samples/unused/.corpus-ab12cd34.tmp:1: temporary file a killed corpus command left" in hook.stdout
    # `check` runs recovery first (the file goes), and still finds it in git's index
    checked = corpus_cli("check", "--json", cwd=corpus_root)
    assert checked.returncode == 1
    kinds = {f["path"]: f["kind"] for f in __import__("json").loads(checked.stdout)}
    assert kinds["samples/unused/.corpus-ab12cd34.tmp"] == "temp-file"
    assert kinds["samples/unused/9001.html"] == "not-a-file"
    assert not temp.exists()
    named = corpus_cli("check", "samples/unused/9001.html", cwd=corpus_root)
    assert named.returncode == 1 and "samples/unused/9001.html:1: a folder named like a page" in named.stdout
    listed = corpus_cli("list", "samples/unused", cwd=corpus_root)
    assert listed.returncode == 0 and "9001" not in listed.stdout


def test_a_corpus_made_after_a_first_look_stages_under_git(tmp_path: Path) -> None:
    """A long-lived process that looked at a folder before `init` made it a corpus stages its
    writes under `.git/` afterwards, not beside the pages ("not a corpus" is not remembered)."""
    from corpus.extract.pagefile import stage_folder
    from corpus.samples.init import init_corpus

    root = tmp_path / "later"
    root.mkdir()
    assert stage_folder(root) is None
    init_corpus(root)
    assert stage_folder(root) == root / ".git" / "corpus-work" / "extract"


def test_original_url_of_an_empty_and_a_linked_page(tmp_path: Path) -> None:
    from corpus.samples.listing import original_url

    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    assert original_url(empty) is None
    page = tmp_path / "1.html"
    page.write_bytes(b'<html><head><link rel="original" href="https://a.example/?x=1&amp;y=2"></head></html>')
    assert original_url(page) == "https://a.example/?x=1&amp;y=2"


def _age(folder: Path) -> None:
    past = (time.time_ns() - 10 * RACY_NS) // 1_000_000_000
    os.utime(folder, (past, past))


def test_recovery_skips_set_folders_unchanged_since_found_clean(corpus_root: Path, corpus_cli) -> None:
    """A folder found clean is not looked in again while its stat is unchanged; a leftover
    that appears later changes the folder's stat, so the next command still finds it."""
    from contextlib import closing

    from corpus.samples.recovery import CLEAN_SCHEMA, cache_file, recover, stale_folders
    from corpus.store.cachedb import open_cache

    folders = [corpus_root / "samples", *(corpus_root / "samples" / s for s in ("training", "validation",
                                                                                 "testing", "unused"))]
    for folder in folders:
        _age(folder)
    assert recover(corpus_root) is None  # looks in all five, and remembers them clean
    with closing(open_cache(cache_file(corpus_root), CLEAN_SCHEMA)) as db:
        assert stale_folders(db, corpus_root) == []
    leftover = corpus_root / "samples" / "training" / ".corpus-0123456789abcdef.tmp"
    leftover.write_bytes(b"half a page")
    with closing(open_cache(cache_file(corpus_root), CLEAN_SCHEMA)) as db:
        assert [folder for folder, _ in stale_folders(db, corpus_root)] == [corpus_root / "samples" / "training"]
    status = corpus_cli("status", cwd=corpus_root)
    assert "removed 1 temporary file(s) a killed command left in samples/" in status.stderr
    assert not leftover.exists()
