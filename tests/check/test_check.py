"""`corpus check`: the rubric's rules on real pages in a real corpus repository."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.check.check import check_paths

RUBRIC = """---
version: 1
naming:
  pattern: '^(?P<negative>n)?(?P<id>\\d+)\\.html$'
types:
  new-password:
    description: a new password field
    selector: input
    min: 1
    max: 2
---
Prose for people.
"""


@pytest.fixture
def root(corpus_root: Path) -> Path:
    """A fresh corpus with this file's rubric (the template's may change)."""
    (corpus_root / "samples/rubric.md").write_text(RUBRIC)
    return corpus_root


def page(root: Path, relpath: str, body: str) -> Path:
    path = root / "samples" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html>\n<html><head><title>t</title></head>\n<body>\n{body}\n</body></html>\n")
    return path


def resource(root: Path, relpath: str, data: bytes = b"\x89PNG fake") -> Path:
    path = root / "samples" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def messages(root: Path, paths: list[Path] | None = None, **kw) -> list[str]:
    return [str(f) for f in check_paths(root, paths or [], **kw)]


def test_clean_corpus_has_no_findings(root: Path, corpus_cli):
    page(root, "training/1.html", '<input type="password" data-fathom="new-password">\n'
                                         '<img src="resources/1/logo.png">')
    resource(root, "training/resources/1/logo.png")
    page(root, "testing/n2.html", "<p>no form here</p>")
    assert messages(root) == []
    result = corpus_cli("check", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_label_mistakes_name_file_line_and_closest_type(root: Path):
    page(root, "training/1.html",
         '<input data-fathom="new-pasword">\n'  # line 4: typo
         '<input data-fathom="new-password">\n'
         '<div data-fathom="new-password">not an input</div>\n'  # line 6: selector
         '<input data-fathom="BAD new-password">')  # line 7: evaluator leftover
    found = messages(root)
    assert found == [
        "samples/training/1.html:4: label type `new-pasword` is not declared in the rubric; "
        "closest declared type: `new-password`",
        "samples/training/1.html:6: <div> labeled `new-password` does not match the type's selector `input`",
        "samples/training/1.html:7: evaluator leftover `data-fathom=\"BAD new-password\"`: "
        "fix or remove the label before committing",
    ]


def test_polarity_and_target_counts(root: Path):
    page(root, "training/1.html", "<p>nothing labeled</p>")
    page(root, "training/n2.html", '<p>x</p>\n<input data-fathom="new-password">')
    page(root, "training/3.html", "\n".join('<input data-fathom="new-password">' for _ in range(3)))
    page(root, "training/4.html", '<input data-fathom="new-password">\n<input data-fathom="new-password">')
    assert messages(root) == [
        "samples/training/1.html:1: positive page has no `data-fathom` target: "
        "label it, or rename it as a negative page",
        "samples/training/3.html:4: 3 `new-password` target(s) on a positive page; the rubric wants 1..2",
        "samples/training/n2.html:5: negative page (by its name) has 1 target(s): "
        "remove the labels or rename it as a positive page",
    ]


def test_naming_rule_and_ids_shared_across_sets(root: Path):
    page(root, "training/5.html", '<input data-fathom="new-password">')
    page(root, "testing/n5.html", "<p>negative</p>")
    page(root, "validation/login page.html", '<input data-fathom="new-password">')
    found = messages(root)
    assert found == [
        "samples/testing/n5.html:1: id `5` is also used by samples/training/5.html (ids are shared across sets)",
        "samples/training/5.html:1: id `5` is also used by samples/testing/n5.html (ids are shared across sets)",
        "samples/validation/login page.html:1: name `login page.html` breaks the naming rule "
        "`^(?P<negative>n)?(?P<id>\\d+)\\.html$`",
    ]
    # Checking one page still sees the id its twin in another set uses.
    assert messages(root, [root / "samples/testing/n5.html"]) == found[:1]


def test_resource_folders_and_references(root: Path):
    page(root, "training/1.html",
         '<input data-fathom="new-password">\n'
         '<img src="resources/1/here.png" srcset="resources/1/gone%20too.png 2x">\n'  # line 5
         '<div style="background: url(\'resources/1/gone.png\')"></div>\n'  # line 6
         '<img src="resources/7/other.png">\n'  # line 7: another sample's folder
         '<a href="https://example.com/resources/x.png">remote</a>')
    resource(root, "training/resources/1/here.png")
    resource(root, "training/resources/9/orphan.png")
    found = messages(root)
    assert found == [
        # One finding per page for all its absent files, with the remedy (issue 23).
        "samples/training/1.html:5: refers to missing resources: 2 files (`gone too.png`, `gone.png`), never "
        "committed (neither in git nor on disk): bring the page's resources in from where it came from, or "
        "make this kind a warning in the rubric (`checks: {missing-resource: warning}`)",
        "samples/training/1.html:7: refers to `resources/7/other.png` outside its own resources folder "
        "`resources/1/` (a sample is served only its own resources)",
        "samples/training/resources/9:1: resources folder has no page (no 9.html in samples/training/)",
    ]


def test_page_still_holding_data_urls(root: Path):
    page(root, "training/n1.html", '<img src="data:image/png;base64,iVBORw0KGgo=">')
    assert messages(root) == [
        "samples/training/n1.html:1: page still holds inline data: URLs (extract not run): "
        "run `corpus extract samples/training/n1.html`",
    ]


def test_resources_stored_as_content_instead_of_lfs_pointers(root: Path, git):
    page(root, "training/1.html", '<input data-fathom="new-password"><img src="resources/1/a.png">')
    resource(root, "training/resources/1/a.png", b"x" * 5000)
    # A rule missing from .gitattributes: the resource would go in as content...
    (root / ".gitattributes").write_text("*.txt text\n")
    assert messages(root) == [
        "samples/training/resources/1/a.png:1: resource not covered by the Git LFS rule in .gitattributes: "
        "it would be committed as content (`samples/**/resources/** filter=lfs diff=lfs merge=lfs -text`)",
    ]
    # ...and once staged so, the stored blob is content even after the rule comes back.
    git(root, "add", "samples")
    (root / ".gitattributes").write_text("samples/**/resources/** filter=lfs diff=lfs merge=lfs -text\n")
    assert messages(root) == [
        "samples/training/resources/1/a.png:1: committed or staged as file content, not as a Git LFS pointer: "
        "fix .gitattributes if needed, then `git add --renormalize samples/training/resources/1/a.png`",
    ]
    git(root, "add", "--renormalize", "samples")
    assert messages(root) == []


def test_rubric_schema_error_is_reported_with_its_line(root: Path, corpus_cli):
    rubric = root / "samples/rubric.md"
    rubric.write_text(RUBRIC.replace("min: 1", "min: -1"))
    page(root, "training/1.html", '<input data-fathom="new-password">')
    result = corpus_cli("check", cwd=root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["samples/rubric.md:9: `types.new-password.min` must be an integer >= 0"]

    rubric.write_text("---\nversion: " + "[" * 100_000 + "\n---\n")  # PyYAML recurses: was a traceback
    result = corpus_cli("check", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stdout.splitlines() if "rubric" in line] == [
        "samples/rubric.md:2: YAML error: nested thousands deep"]


def test_cli_json_exit_codes_and_paths(root: Path, corpus_cli):
    page(root, "training/1.html", '<input data-fathom="nwe-password">')
    page(root, "testing/2.html", '<input data-fathom="new-password">')
    result = corpus_cli("check", "--json", cwd=root)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [{
        "path": "samples/training/1.html", "line": 4,
        "message": "label type `nwe-password` is not declared in the rubric; closest declared type: `new-password`",
        "kind": "unknown-type", "severity": "error",  # issue 23: kinds a rubric can make warnings
    }]
    # Only the paths given are checked, relative to where the user stands.
    assert corpus_cli("check", "2.html", cwd=root / "samples/testing").returncode == 0
    assert corpus_cli("check", "samples/testing", cwd=root).returncode == 0
    missing = corpus_cli("check", "samples/training/7.html", cwd=root)
    assert missing.returncode == 2 and "samples/training/7.html: no such file" in missing.stderr



def drifted(root: Path, corpus_cli) -> list[str]:
    result = corpus_cli("check", "--drift", "--json", cwd=root)
    return sorted(f["path"] for f in json.loads(result.stdout) if "older rubric" in f["message"])


def test_drift_lists_exactly_the_pages_labeled_before_the_bump(root: Path, git, commit, corpus_cli):
    rubric = root / "samples/rubric.md"
    for name in ("1", "2", "3"):
        page(root, f"training/{name}.html", '<input data-fathom="new-password">')
    commit(root, "labeled under version 1")
    assert drifted(root, corpus_cli) == []

    rubric.write_text(RUBRIC.replace("version: 1", "version: 2"))
    # Bumped but not committed yet: everything committed was labeled before it.
    assert drifted(root, corpus_cli) == ["samples/training/1.html", "samples/training/2.html", "samples/training/3.html"]
    commit(root, "rubric version 2")
    rubric.write_text(RUBRIC.replace("version: 1", "version: 2") + "More prose, same version.\n")
    commit(root, "rubric prose")

    page(root, "training/1.html", '<input type="password" data-fathom="new-password">')  # relabeled
    page(root, "training/4.html", '<input data-fathom="new-password">')  # labeled after
    commit(root, "relabel 1, add 4")
    git(root, "mv", "samples/training/2.html", "samples/testing/2.html")  # moved, not relabeled
    commit(root, "split")
    assert drifted(root, corpus_cli) == ["samples/testing/2.html", "samples/training/3.html"]


@settings(max_examples=60, deadline=None)
@given(
    before=st.text(max_size=40),
    scheme=st.sampled_from(["data", "DATA", "Data", " data"]),
    colon=st.sampled_from([":", "&#58;", "&#x3a;", "&#X3A;", "&colon;", "&#0058;"]),
    quote=st.sampled_from(['"', "'", ""]),
    payload=st.binary(min_size=1, max_size=30),
)
def test_fast_data_url_filter_never_hides_what_extract_would_find(before, scheme, colon, quote, payload):
    """The check skips extract's full scan only for pages that cannot hold a data URL."""
    from corpus.check.pagecheck import may_hold_data_urls
    from corpus.extract.survey import has_inline_data

    url = f"{scheme}{colon}image/png;base64,{base64.b64encode(payload).decode()}"
    page = f"<html><body>{before}<img src={quote}{url}{quote}></body></html>".encode("utf-8", "surrogatepass")
    if has_inline_data(page):
        assert may_hold_data_urls(page)


def test_checking_one_page_lists_only_its_resources_in_git(root: Path, git):
    """An absent file is looked up in git's index: for one page, under its own folder only;
    for a set checked whole, the set's `resources/` once."""
    from corpus.check.missing import TrackedResources

    for n in (1, 2):
        resource(root, f"training/resources/{n}/here.png")
    git(root, "add", "-A")
    (root / "samples/training/resources/1/here.png").unlink()
    one = TrackedResources(root)
    assert "samples/training/resources/1/here.png" in one
    assert "samples/training/resources/1/gone.png" not in one
    assert list(one.listed) == ["samples/training/resources/1"]
    whole = TrackedResources(root, ["training"])
    assert "samples/training/resources/1/here.png" in whole
    assert list(whole.listed) == ["samples/training/resources"]
