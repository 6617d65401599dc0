"""`corpus import` and `corpus add` on a generated real-shaped corpus (issue 23): every file
and folder passed over is reported, absent resources are summarized per set, and pages
already in the corpus (extracted or not) never come in twice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from corpus.tree.sample import all_samples
from tests.realshape import NON_SET, rubric_text, write_corpus


def with_real_rubric(root: Path, git) -> Path:
    (root / "samples" / "rubric.md").write_text(rubric_text())
    git(root, "add", "samples/rubric.md")
    return root


def test_import_reports_a_folder_that_is_not_a_set_and_absent_resources_per_set(corpus_root: Path, tmp_path: Path,
                                                                                git, corpus_cli):
    root = with_real_rubric(corpus_root, git)
    corpus = write_corpus(tmp_path / "team" / "samples", defects=False)
    (corpus.src / "notes.txt").write_text("who labeled what")
    result = corpus_cli("import", str(tmp_path / "team"), cwd=root)
    assert result.returncode == 0, result.stderr
    assert f"{corpus.src / NON_SET}/: not a set (unused, training, validation, testing): skipped, " \
           f"{corpus.non_set_pages} page(s)" in result.stderr
    assert f"{corpus.src / 'notes.txt'}: not in a set" in result.stderr
    for set_name, files in corpus.absent.items():
        pages = corpus.pages_missing[set_name]
        assert f"{set_name}: {pages} page(s) point at {files} resource file(s) that are not in the source" \
               in result.stderr
    assert len(all_samples(root)) == len(corpus.placed)


def test_import_json_carries_what_was_passed_over_and_missing(corpus_root: Path, tmp_path: Path, git, corpus_cli):
    root = with_real_rubric(corpus_root, git)
    corpus = write_corpus(tmp_path / "team", defects=False, size=12)
    report = json.loads(corpus_cli("import", str(tmp_path / "team"), "--json", cwd=root).stdout)
    assert any(NON_SET in line and f"skipped, {corpus.non_set_pages} page(s)" in line
               for line in report["passed_over"])
    assert report["missing_resources"] == {s: {"pages": corpus.pages_missing[s], "files": n}
                                           for s, n in corpus.absent.items()}


def test_pages_already_in_never_come_in_again_extracted_or_not(corpus_root: Path, tmp_path: Path, git, commit,
                                                               corpus_cli):
    root = with_real_rubric(corpus_root, git)
    write_corpus(tmp_path / "team", defects=False, size=12, with_files_every=2)
    assert corpus_cli("import", str(tmp_path / "team"), cwd=root).returncode == 0
    commit(root, "the team's corpus")
    before = {s.relpath for s in all_samples(root)}
    training = root / "samples" / "training"
    page = sorted(p for p in training.glob("*.html") if (training / "resources" / p.stem).is_dir())[0]
    # A page of the corpus itself: extracted by import, it points at resources/<stem>/.
    added = corpus_cli("add", str(page), cwd=root)
    assert added.returncode != 0 and f"already in the corpus as samples/training/{page.name}" in added.stderr
    again = corpus_cli("import", "samples/training", cwd=root)
    assert again.returncode == 0 and "imported 0 pages" in again.stdout, again.stdout + again.stderr
    # A copy elsewhere (the extracted pages with their manifests, or fathom-extract's originals).
    shutil.copytree(training, tmp_path / "copy")
    copied = corpus_cli("import", str(tmp_path / "copy"), cwd=root)
    assert "imported 0 pages" in copied.stdout, copied.stdout + copied.stderr
    assert f"already in the corpus as samples/training/{page.name}" in copied.stderr
    fathom = corpus_cli("import", str(tmp_path / "team"), "--to", "unused", cwd=root)
    assert "imported 0 pages" in fathom.stdout, fathom.stdout + fathom.stderr
    assert {s.relpath for s in all_samples(root)} == before
