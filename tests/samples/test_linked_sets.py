"""A symbolic link where a set folder, page or resources folder belongs: every command that
reads or writes the set refuses it in one line (exit 2) before changing anything; `check`
reports it as a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.errors import BadInput
from corpus.samples import journal
from corpus.samples.labeling import set_label, write_label
from corpus.tree.sample import Sample, set_named

PAGE = b"<!doctype html><html><body><input type=password></body></html>"


def _linked_testing(corpus_root: Path, tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    for n in range(5):
        (outside / f"{n}.html").write_bytes(PAGE)
    for n in range(10, 16):
        (corpus_root / "samples" / "unused" / f"{n}.html").write_bytes(PAGE)
    testing = corpus_root / "samples" / "testing"
    for child in testing.iterdir():
        child.unlink()
    testing.rmdir()
    testing.symlink_to(outside)
    return outside


def _one_error_line(result, *names: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "symbolic link" in lines[0], result.stderr
    for name in names:
        assert name in lines[0]


def test_commands_refuse_a_linked_set_folder_before_changing_anything(corpus_root, tmp_path, corpus_cli):
    outside = _linked_testing(corpus_root, tmp_path)
    before = sorted(p.name for p in outside.iterdir())
    unused = sorted(p.name for p in (corpus_root / "samples" / "unused").iterdir())
    for args in (["split"], ["pick", "unused", "testing", "2"], ["pick", "testing", "unused", "1"],
                 ["status"], ["extract"]):
        _one_error_line(corpus_cli(*args, cwd=corpus_root), "samples/testing")
    assert sorted(p.name for p in outside.iterdir()) == before
    assert sorted(p.name for p in (corpus_root / "samples" / "unused").iterdir()) == unused
    result = corpus_cli("check", cwd=corpus_root)
    assert result.returncode == 1
    linked = [line for line in result.stdout.splitlines() if "symbolic link" in line]
    assert len(linked) == 1 and linked[0].startswith("samples/testing:1:"), result.stdout


def test_set_named_refuses_a_linked_set_folder_but_resolves_paths(corpus_root, tmp_path):
    assert set_named(corpus_root, "samples/unused", base=corpus_root) == "unused"
    _linked_testing(corpus_root, tmp_path)
    for text in ("testing", "samples/testing", "unused"):
        with pytest.raises(BadInput, match="symbolic link"):
            set_named(corpus_root, text, base=corpus_root)


def test_linked_pages_and_resources_folders_are_refused(corpus_root, tmp_path, corpus_cli):
    unused = corpus_root / "samples" / "unused"
    (unused / "1.html").write_bytes(PAGE)
    (tmp_path / "real.html").write_bytes(PAGE)
    (unused / "2.html").symlink_to(tmp_path / "real.html")
    result = corpus_cli("split", cwd=corpus_root)
    assert result.returncode == 2 and "2.html" in result.stderr and "link" in result.stderr
    (unused / "2.html").unlink()
    (unused / "resources").symlink_to(tmp_path)
    _one_error_line(corpus_cli("status", cwd=corpus_root), "samples/unused/resources")
    assert (unused / "1.html").exists()


def test_a_label_write_in_a_linked_set_is_refused_before_the_journal(corpus_root, tmp_path):
    outside = _linked_testing(corpus_root, tmp_path)
    sample = Sample(corpus_root, "testing", "0.html")
    edit = set_label(PAGE, 2, "new")
    with pytest.raises(BadInput, match="symbolic link"):
        write_label(corpus_root, sample, edit)
    assert not journal.journal_path(corpus_root).exists()
    assert (outside / "0.html").read_bytes() == PAGE
