"""`corpus check` on a generated real-shaped corpus (issue 23): one line per page for absent
resources, one per site group spanning sets, and kinds the rubric makes warnings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.realshape import RealCorpus, rubric_text, write_corpus

REAL_FINDINGS = 5  # label on a <label>, name off the rule, the same name twice, the srcset data URL


def real_corpus(root: Path, checks: dict[str, str] | None = None, **options) -> RealCorpus:
    corpus = write_corpus(root / "samples", **options)
    (root / "samples" / "rubric.md").write_text(rubric_text(checks))
    return corpus


def test_absent_resources_are_one_line_per_page_and_groups_across_sets_one_each(corpus_root: Path, corpus_cli):
    corpus = real_corpus(corpus_root, size=60)
    result = corpus_cli("check", cwd=corpus_root)
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    missing = [line for line in lines if "missing resource" in line]
    assert len(missing) == sum(corpus.pages_missing.values())  # one per page, not one per file
    assert len(lines) <= len(corpus.placed) + len(corpus.spanning) + 1 + REAL_FINDINGS  # +1: FR_1 spans too
    assert not [line for line in lines if "git add" in line]  # never for a file that does not exist
    assert all("never committed" in line for line in missing)
    assert any("resources: 3 files (`1.css`, `2.png`, `3.png`)" in line for line in missing)
    spanning = corpus.spanning[0]
    leak = [line for line in lines if f"site `{spanning}` spans" in line]
    assert leak == [f"samples/training/{spanning}.html:1: site `{spanning}` spans training ({spanning}.html) and "
                    f"testing ({spanning}a_change.html): keep a group's pages in one set, or they leak between "
                    "training and evaluation"]
    # The real findings are not buried: each is there once.
    assert any(line.startswith(f"samples/{corpus.label_on_label}:") and "<label> labeled" in line for line in lines)
    assert any(line.startswith(f"samples/{corpus.off_rule}:1: name") for line in lines)
    assert sum("is also used by" in line for line in lines) == 2


def test_a_partial_check_reports_the_groups_of_its_pages(corpus_root: Path, corpus_cli):
    corpus = real_corpus(corpus_root)
    testing_page = f"samples/testing/{corpus.spanning[0]}a_change.html"
    result = corpus_cli("check", testing_page, "--json", cwd=corpus_root)
    kinds = sorted(f["kind"] for f in json.loads(result.stdout))
    assert kinds == ["leakage", "missing-resource"]


def test_missing_resources_as_warnings_print_and_do_not_fail(corpus_root: Path, corpus_cli):
    real_corpus(corpus_root, {"missing-resource": "warning"}, defects=False)
    result = corpus_cli("check", cwd=corpus_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout and all(": warning: refers to missing resource" in line for line in result.stdout.splitlines())
    assert "0 problem(s) and" in result.stderr
    found = json.loads(corpus_cli("check", "--json", cwd=corpus_root).stdout)
    assert {(f["kind"], f["severity"]) for f in found} == {("missing-resource", "warning")}


def test_tracked_but_absent_resources_advise_checkout_and_pointers_lfs_pull(corpus_root: Path, git, corpus_cli):
    real_corpus(corpus_root, defects=False, with_files_every=1, size=6)
    git(corpus_root, "add", "-A")
    git(corpus_root, "commit", "-qm", "corpus", "--no-verify")
    pages = sorted((corpus_root / "samples" / "training").glob("*.html"))
    stem = pages[0].stem
    folder = corpus_root / "samples" / "training" / "resources" / stem
    (folder / "1.css").unlink()  # in git, not on disk
    pointer = git(corpus_root, "cat-file", "-p", f"HEAD:samples/training/resources/{stem}/2.png")
    (folder / "2.png").write_text(pointer)  # never smudged: the pointer itself
    lines = corpus_cli("check", cwd=corpus_root).stdout.splitlines()
    assert len(lines) == 1, lines
    assert "refers to missing resources: 2 files (`1.css`, `2.png`)" in lines[0]
    assert f"1 in git but not in the working tree: `git checkout -- samples/training/resources/{stem}`" in lines[0]
    assert "1 Git LFS pointers whose content this clone never fetched: `git lfs pull`" in lines[0]


def test_unknown_kind_in_the_rubric_is_a_rubric_error(corpus_root: Path, corpus_cli):
    real_corpus(corpus_root, {"missing-resources": "warning"}, defects=False, size=3)
    result = corpus_cli("check", "--json", cwd=corpus_root)
    found = [f for f in json.loads(result.stdout) if f["kind"] == "rubric-error"]
    assert len(found) == 1 and "unknown finding kind `missing-resources`" in found[0]["message"]


def test_every_finding_has_a_documented_kind(corpus_root: Path, corpus_cli):
    from corpus.findings import KINDS

    real_corpus(corpus_root)
    found = json.loads(corpus_cli("check", "--json", cwd=corpus_root).stdout)
    assert found and all(f["kind"] in KINDS for f in found)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "hooks.md").read_text()
    assert [kind for kind in KINDS if f"| `{kind}` |" not in docs] == []
