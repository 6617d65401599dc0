"""The journal: an interrupted plan is finished by the next command; stale locks of ours go."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from corpus.samples import journal
from corpus.samples.moves import Move, path_pairs
from corpus.store import gitcli
from corpus.store.lock import writer_lock
from corpus.tree.sample import Sample, all_samples
from tests.extract.pages import rich_page
from tests.samples.test_add import NEGATIVE, POSITIVE, write


def populated(corpus_root: Path, tmp_path: Path, corpus_cli, git) -> Path:
    write(tmp_path / "in" / "a.html", rich_page())
    write(tmp_path / "in" / "b.html", POSITIVE)
    write(tmp_path / "in" / "c.html", NEGATIVE)
    assert corpus_cli("add", str(tmp_path / "in"), cwd=corpus_root).returncode in (0, 1)
    git(corpus_root, "commit", "-qm", "pages", "--no-verify")
    return corpus_root


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_half_done_move_is_finished_by_status(corpus_root: Path, tmp_path: Path, corpus_cli, git):
    root = populated(corpus_root, tmp_path, corpus_cli, git)
    moves = [Move(s, "testing") for s in all_samples(root)]
    pairs = path_pairs(root, moves)
    journal.write_plan(root, journal.Plan("move", pairs, pid=dead_pid()))
    first = pairs[0]  # what a killed `split` had done: one rename, no index update
    (root / first["to"]).parent.mkdir(parents=True, exist_ok=True)
    (root / first["from"]).rename(root / first["to"])
    status = corpus_cli("status", cwd=root)
    assert status.returncode == 0, status.stderr
    assert status.stderr.count("\n") == 1 and "finished an interrupted move" in status.stderr
    assert {s.set_name for s in all_samples(root)} == {"testing"}
    assert git(root, "diff", "--name-only") == "" and git(root, "ls-files", "--others", "--exclude-standard") == ""
    assert not journal.journal_path(root).exists()
    assert corpus_cli("status", cwd=root).stderr == ""  # said once


def test_an_index_lock_of_a_dead_git_of_ours_is_removed_and_no_other(corpus_root: Path, tmp_path: Path,
                                                                      corpus_cli, git):
    root = populated(corpus_root, tmp_path, corpus_cli, git)
    lock = root / ".git" / "index.lock"
    lock.write_text("")
    with pytest.raises(CorpusError, match="another git process is using this repository"):
        gitcli.clear_stale_index_lock(root, wait_seconds=0.2)  # not ours: never touched
    assert lock.exists()
    (root / ".git" / gitcli.GIT_PID_NAME).write_text(str(dead_pid()))
    journal.write_plan(root, journal.Plan("move", [], pid=dead_pid()))
    status = corpus_cli("status", cwd=root)
    assert status.returncode == 0, status.stderr
    assert not lock.exists() and not journal.journal_path(root).exists()


def test_hooks_wait_for_the_lock_and_refuse_a_half_done_tree(corpus_root: Path, tmp_path: Path, corpus_cli, git,
                                                             monkeypatch):
    root = populated(corpus_root, tmp_path, corpus_cli, git)
    monkeypatch.setenv("CORPUS_HOOK_WAIT_SECONDS", "0.3")
    page = "samples/unused/1.html"
    with writer_lock(root):  # a `pick` in progress
        busy = corpus_cli("hooks", "run", "check", page, cwd=root)
    assert busy.returncode == 1 and "is changing this corpus" in busy.stderr
    assert corpus_cli("hooks", "run", "check", page, cwd=root).returncode == 0
    journal.write_plan(root, journal.Plan("move", [], pid=dead_pid()))
    refused = corpus_cli("hooks", "run", "check", page, cwd=root)
    assert refused.returncode == 1 and "run `corpus status` to finish it" in refused.stderr


def test_a_page_comes_in_once_even_after_extraction(corpus_root: Path, tmp_path: Path, corpus_cli, git):
    root = populated(corpus_root, tmp_path, corpus_cli, git)
    extracted = Sample(root, "unused", "n1.html")  # no labels: a negative page
    assert extracted.resources_dir.is_dir() and extracted.path.read_bytes() != rich_page()
    again = corpus_cli("add", str(write(tmp_path / "again" / "copy.html", rich_page())), cwd=root)
    assert again.returncode == 2
    assert again.stderr.strip() == f"corpus: error: {tmp_path}/again/copy.html: already in the corpus as samples/unused/n1.html"
    # A folder holding known and new pages: the known ones are skipped with a note.
    write(tmp_path / "again" / "new.html", POSITIVE.replace(b"<body>", b"<body><p>new</p>"))
    mixed = corpus_cli("add", str(tmp_path / "again"), cwd=root)
    assert mixed.returncode == 0, mixed.stderr
    assert "already in the corpus as samples/unused/n1.html; skipped" in mixed.stderr
    assert len(all_samples(root)) == 4
