"""`corpus import`: a real-shaped Fathom corpus comes in whole, names and sets kept."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.tree.sample import SETS, all_samples
from tests.samples.trees import REAL_NAMES, REAL_RUBRIC, fathom_tree


def real_corpus(corpus_root: Path, git) -> Path:
    (corpus_root / "samples" / "rubric.md").write_text(REAL_RUBRIC)
    git(corpus_root, "add", "samples/rubric.md")
    return corpus_root


LAYOUT = {"training": REAL_NAMES[:12], "validation": REAL_NAMES[12:18], "testing": REAL_NAMES[18:]}


def test_a_fathom_extracted_tree_comes_in_whole_and_inlines(corpus_root: Path, tmp_path: Path, git, corpus_cli):
    root = real_corpus(corpus_root, git)
    placed = fathom_tree(tmp_path / "src", LAYOUT)
    result = corpus_cli("import", str(tmp_path / "src"), "--json", cwd=root)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["per_set"] == {"training": 12, "validation": 6, "testing": 6}
    # Every page once, in its set, under its own name; originals/ brought nothing in.
    assert {s.name: s.set_name for s in all_samples(root)} == placed
    assert not list((root / "samples").rglob("originals"))
    # fathom-extract's pages now refer to our content-addressed files, with a manifest.
    page = (root / "samples" / "training" / "EN_1.html").read_bytes()
    assert b"resources/EN_1/1.png" not in page and b"resources/EN_1/" in page
    assert (root / "samples" / "training" / "resources" / "EN_1" / "manifest.json").is_file()
    # Everything is staged, resources as LFS pointers, and check finds every reference.
    assert not git(root, "status", "--porcelain", "--untracked-files=all").count("??")
    check = corpus_cli("check", "--json", cwd=root)
    findings = json.loads(check.stdout) if check.stdout.strip() else []
    assert not [f for f in findings if "resource" in json.dumps(f)], findings
    # inline gives back a self-contained page holding the image fathom-extract took out.
    inline = corpus_cli("inline", "samples/training/EN_1.html", cwd=root)
    assert inline.returncode == 0, inline.stderr
    page = (root / "samples" / "training" / "EN_1.html").read_bytes()
    assert b"resources/" not in page and b"data:image/png;base64," in page and b"data:text/css;base64," in page


def test_importing_again_skips_what_is_in_and_to_puts_all_in_one_set(corpus_root: Path, tmp_path: Path, git,
                                                                     corpus_cli):
    root = real_corpus(corpus_root, git)
    fathom_tree(tmp_path / "src", {"training": REAL_NAMES[:4]})
    fathom_tree(tmp_path / "more", {"validation": REAL_NAMES[4:8]})
    assert corpus_cli("import", str(tmp_path / "src"), cwd=root).returncode == 0
    again = corpus_cli("import", str(tmp_path / "src"), cwd=root)
    assert again.returncode == 0 and "imported 0 pages" in again.stdout
    assert again.stderr.count("already in the corpus as samples/training/") == 4
    into = corpus_cli("import", str(tmp_path / "more"), "--to", "unused", cwd=root)
    assert into.returncode == 0, into.stderr
    assert sorted(s.name for s in all_samples(root, ["unused"])) == sorted(REAL_NAMES[4:8])


def test_names_breaking_the_rule_are_imported_and_reported(corpus_root: Path, tmp_path: Path, git, corpus_cli):
    root = real_corpus(corpus_root, git)
    src = tmp_path / "plain"
    fathom_tree(src / "x", {"a": ["EN_5.html", "111 2.html", "weird-name.htm"]}, extracted_every=1)
    result = corpus_cli("import", str(src), cwd=root)
    assert result.returncode == 1
    assert "samples/unused/111 2.html: imported, but its name breaks the naming rule" in result.stderr
    assert "weird-name.htm: imported" in result.stderr
    assert sorted(s.name for s in all_samples(root)) == ["111 2.html", "EN_5.html", "weird-name.htm"]
    assert (root / "samples" / "unused" / "resources" / "111 2" / "manifest.json").is_file()


def test_bad_input_changes_nothing(corpus_root: Path, tmp_path: Path, git, corpus_cli):
    root = real_corpus(corpus_root, git)
    fathom_tree(tmp_path / "src", {"training": REAL_NAMES[:3]})
    (tmp_path / "src" / "training" / "EN_9.html").write_bytes(b"\x89PNG\r\n\x1a\n\0\0binary")
    before = git(root, "ls-files", "-s")
    result = corpus_cli("import", str(tmp_path / "src"), cwd=root)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith("EN_9.html: binary content, not an HTML page")
    assert git(root, "ls-files", "-s") == before and not all_samples(root, SETS)
