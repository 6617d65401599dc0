"""Per-page facts keyed by git blob id: equal to reading every page, whatever state
git's index and the working tree are in, and computed once per blob id."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from corpus.extract.factcache import blob_id, compute_facts, page_facts
from corpus.store.cachedb import CACHE_NAME


def page(label: str | None, extra: bytes = b"") -> bytes:
    attr = f' data-fathom="{label}"'.encode() if label else b""
    return b"<!doctype html>\r\n<form><input type=password" + attr + b"></form>\xff" + extra + b"\n"


def pages_on_disk(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "samples").rglob("*.html"))


def rows(root: Path) -> int:
    with sqlite3.connect(root / ".git" / CACHE_NAME) as db:
        return db.execute("SELECT count(*) FROM page_facts").fetchone()[0]


def assert_fresh(root: Path) -> None:
    relpaths = pages_on_disk(root)
    assert page_facts(root, relpaths) == {p: compute_facts((root / p).read_bytes()) for p in relpaths}


def test_facts_follow_index_and_working_tree(corpus_root: Path, git, commit) -> None:
    training = corpus_root / "samples" / "training"
    for n in range(1, 6):
        (training / f"{n}.html").write_bytes(page("new-password"))  # same bytes: one blob id
    (training / "111 2.html").write_bytes(page(None, b"data:image/png;base64,iVBORw0KGgo="))
    (training / "n7.html").write_bytes(page(None))
    commit(corpus_root, "pages")
    assert_fresh(corpus_root)
    assert rows(corpus_root) == 3  # one per distinct blob, not per page

    (training / "1.html").write_bytes(page("login"))  # unstaged edit
    (training / "2.html").write_bytes(page("signup"))
    git(corpus_root, "add", "samples/training/2.html")  # staged edit
    (training / "3.html").write_bytes(page("third"))
    git(corpus_root, "add", "samples/training/3.html")
    (training / "3.html").write_bytes(page("fourth"))  # staged, then edited again
    git(corpus_root, "mv", "samples/training/4.html", "samples/training/44 x.html")  # staged rename
    (training / "5.html").unlink()  # deleted, not staged
    (training / "8.html").write_bytes(page("untracked"))  # never added
    assert_fresh(corpus_root)

    before = rows(corpus_root)
    assert_fresh(corpus_root)
    assert rows(corpus_root) == before  # nothing new: nothing read again


def test_a_damaged_cache_is_rebuilt(corpus_root: Path, commit) -> None:
    training = corpus_root / "samples" / "training"
    (training / "1.html").write_bytes(page("new-password"))
    commit(corpus_root, "page")
    assert_fresh(corpus_root)
    (corpus_root / ".git" / CACHE_NAME).write_bytes(b"not a database at all")
    assert_fresh(corpus_root)
    assert rows(corpus_root) == 1


def test_opening_the_cache_migrates_nothing(corpus_root: Path, commit) -> None:
    """Opening only creates what is missing: no table of the database is dropped or
    rewritten on each open (a changed meaning is a new FACTS_VERSION in the rows)."""
    (corpus_root / "samples" / "training" / "1.html").write_bytes(page("a"))
    commit(corpus_root, "page")
    (corpus_root / ".git" / CACHE_NAME).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(corpus_root / ".git" / CACHE_NAME) as db:
        db.execute("CREATE TABLE facts (oid TEXT)")  # the first version's table
    assert_fresh(corpus_root)
    with sqlite3.connect(corpus_root / ".git" / CACHE_NAME) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"facts", "page_facts"} <= tables


def test_a_cache_that_cannot_be_opened_leaves_every_command_working(corpus_root: Path, corpus_cli, commit) -> None:
    # Where the caches can't be files (here: their names are taken by folders; in
    # life: a read-only clone), commands answer from memory instead of failing.
    training = corpus_root / "samples" / "training"
    (training / "1.html").write_bytes(page("new-password"))
    (training / "n1.html").write_bytes(page(None))
    commit(corpus_root, "pages")
    (corpus_root / ".git" / CACHE_NAME).unlink(missing_ok=True)
    (corpus_root / ".git" / CACHE_NAME).mkdir(parents=True)
    assert_fresh(corpus_root)
    status = corpus_cli("status", "--json", cwd=corpus_root)
    assert status.returncode == 0, status.stderr
    check = corpus_cli("check", cwd=corpus_root)
    assert check.returncode == 1 and "id `1` is also used" in check.stdout and "Traceback" not in check.stderr, check.stderr


def test_blob_id_is_gits(tmp_path: Path) -> None:
    data = page("x", b"\x00\x01 binary")
    (tmp_path / "f").write_bytes(data)
    out = subprocess.run(["git", "hash-object", str(tmp_path / "f")], capture_output=True, text=True, check=True)
    assert blob_id(data) == out.stdout.strip()


def test_status_counts_come_from_the_facts(corpus_root: Path, corpus_cli, commit) -> None:
    import json

    training = corpus_root / "samples" / "training"
    (training / "1.html").write_bytes(page("new-password"))
    (training / "n2.html").write_bytes(page(None, b"<img src='data:image/png;base64,iVBORw0KGgo='>"))
    commit(corpus_root, "pages")
    (training / "3.html").write_bytes(page("new-password"))  # untracked
    status = json.loads(corpus_cli("status", "--json", cwd=corpus_root).stdout)["sets"]["training"]
    assert (status["positive"], status["negative"]) == (2, 1)
    assert status["targets"] == {"new-password": 2}
    assert status["inline_data_pages"] == ["samples/training/n2.html"]


def test_a_corpus_in_a_subfolder_of_a_repository(tmp_path: Path, git) -> None:
    git(tmp_path, "init", "-q")
    root = tmp_path / "data" / "corpus"
    root.mkdir(parents=True)
    (root / "samples" / "training").mkdir(parents=True)
    (root / "samples" / "training" / "1.html").write_bytes(page("a"))
    (root / "samples" / "training" / "2.html").write_bytes(page("b"))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "pages", "--no-verify")
    (root / "samples" / "training" / "2.html").write_bytes(page("c"))  # unstaged
    (root / "samples" / "training" / "3.html").write_bytes(page("d"))  # untracked
    assert_fresh(root)


def test_few_pages_by_id_and_many_by_scan_give_the_same_facts(corpus_root: Path, commit, monkeypatch) -> None:
    """The cache keeps every older version of every page; both ways of reading it pick
    exactly the blobs asked for."""
    from corpus.store import cachedb

    training = corpus_root / "samples" / "training"
    for n in range(1, 8):
        (training / f"{n}.html").write_bytes(page(f"type{n}"))
    commit(corpus_root, "pages")
    assert_fresh(corpus_root)
    for n in range(1, 4):  # new versions: the old rows stay in the table
        (training / f"{n}.html").write_bytes(page(f"edited{n}"))
    by_id = page_facts(corpus_root, pages_on_disk(corpus_root))
    monkeypatch.setattr(cachedb, "LOOKUP_MAX", 0)
    by_scan = page_facts(corpus_root, pages_on_disk(corpus_root))
    assert by_id == by_scan == {p: compute_facts((corpus_root / p).read_bytes()) for p in pages_on_disk(corpus_root)}
    assert rows(corpus_root) == 10
    few = ["samples/training/5.html"]
    monkeypatch.setattr(cachedb, "BATCH", 2)  # lookups in several batches
    monkeypatch.setattr(cachedb, "LOOKUP_MAX", 100)
    assert page_facts(corpus_root, pages_on_disk(corpus_root)) == by_id
    assert page_facts(corpus_root, few) == {few[0]: by_id[few[0]]}
