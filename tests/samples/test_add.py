from pathlib import Path

import pytest

from corpus.errors import BadInput
from corpus.samples.add import add_pages
from corpus.tree.rubric import load_rubric, parse_rubric

POSITIVE = b'<html><body><input type="password" data-fathom="new-password"></body></html>'
NEGATIVE = b"<!doctype html><html><body><p>no form here</p></body></html>"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "samples").rglob("*")) if p.is_file()}


def test_add_numbers_pages_across_sets_and_stages_them(corpus_root: Path, tmp_path: Path, git, corpus_cli):
    write(corpus_root / "samples" / "testing" / "n7.html", b"<html>old</html>")
    pos = write(tmp_path / "in" / "a.html", POSITIVE)
    neg = write(tmp_path / "in" / "sub" / "b.html", NEGATIVE)
    result = corpus_cli("add", "--no-extract", str(pos.parent), cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert (corpus_root / "samples" / "unused" / "8.html").read_bytes() == POSITIVE
    assert (corpus_root / "samples" / "unused" / "n9.html").read_bytes() == NEGATIVE
    staged = git(corpus_root, "diff", "--cached", "--name-only").split()
    assert "samples/unused/8.html" in staged and "samples/unused/n9.html" in staged
    assert neg.exists() and pos.exists()  # add copies; the inputs stay


def test_add_refuses_duplicates_and_contradictions_without_change(corpus_root: Path, tmp_path: Path):
    rubric = load_rubric(corpus_root)
    page = write(tmp_path / "a.html", POSITIVE)
    add_pages(corpus_root, rubric, [page], None, "unused", None, extract=False)
    before = snapshot(corpus_root)
    copy = write(tmp_path / "copy.html", POSITIVE)
    with pytest.raises(BadInput, match="already in the corpus as samples/unused/1.html"):
        add_pages(corpus_root, rubric, [copy], None, "training", None, extract=False)
    with pytest.raises(BadInput, match="marked negative but it holds data-fathom labels"):
        add_pages(corpus_root, rubric, [write(tmp_path / "p2.html", POSITIVE + b" ")], True, "unused", None, extract=False)
    # One bad page among good ones: nothing is added.
    good = write(tmp_path / "batch" / "good.html", NEGATIVE)
    write(tmp_path / "batch" / "empty.html", b"")
    with pytest.raises(BadInput, match="empty.html: empty file"):
        add_pages(corpus_root, rubric, [good.parent], None, "unused", None, extract=False)
    assert snapshot(corpus_root) == before


@pytest.mark.parametrize("name, shown", [("bad.html", "bad.html"), ("bad\nname.html", "bad\\nname.html")])
@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"\x89PNG\r\n\x1a\n\0\0\0", "binary content"),
    (b"just some text", "does not look like an HTML page"),
])
def test_bad_pages_get_one_line_and_exit_2(corpus_root: Path, tmp_path: Path, data: bytes, message: str, corpus_cli,
                                           name: str, shown: str):
    page = write(tmp_path / name, data)  # a newline in a file name is shown escaped: still one line
    result = corpus_cli("add", str(page), cwd=corpus_root)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and shown in result.stderr and message in result.stderr
    assert not list((corpus_root / "samples" / "unused").glob("*.html"))


def test_custom_naming_rule_needs_and_checks_names(corpus_root: Path, tmp_path: Path):
    rubric = parse_rubric(Path("rubric.md"), "---\nnaming:\n  pattern: '^(?P<lang>[A-Z]{2})_(?P<id>\\d+)(?P<negative>n)?\\.html$'\n---\n")
    page = write(tmp_path / "x.html", NEGATIVE)
    with pytest.raises(BadInput, match="--name"):
        add_pages(corpus_root, rubric, [page], None, "unused", None, extract=False)
    with pytest.raises(BadInput, match="breaks the naming rule"):
        add_pages(corpus_root, rubric, [page], None, "unused", "en-1.html", extract=False)
    with pytest.raises(BadInput, match="the name says positive, the page is negative"):
        add_pages(corpus_root, rubric, [page], None, "unused", "EN_1.html", extract=False)
    add_pages(corpus_root, rubric, [page], None, "unused", "EN_1n.html", extract=False)
    assert (corpus_root / "samples" / "unused" / "EN_1n.html").exists()
    with pytest.raises(BadInput, match="id 1 is already used"):
        add_pages(corpus_root, rubric, [write(tmp_path / "y.html", POSITIVE)], None, "unused", "DE_1.html", extract=False)


def test_an_extracted_page_brings_its_resources(corpus_root: Path, tmp_path: Path, git):
    page = write(tmp_path / "saved" / "p.html", b'<html><body><img src="resources/p/a.png"></body></html>')
    write(tmp_path / "saved" / "resources" / "p" / "a.png", b"\x89PNG fake")
    add_pages(corpus_root, load_rubric(corpus_root), [page], None, "unused", None, extract=False)
    assert (corpus_root / "samples" / "unused" / "resources" / "n1" / "a.png").read_bytes() == b"\x89PNG fake"
    assert "samples/unused/resources/n1/a.png" in git(corpus_root, "lfs", "ls-files", "--name-only")


def test_a_second_writer_is_told_the_corpus_is_busy(corpus_root: Path, tmp_path: Path, corpus_cli):
    from corpus.store.lock import writer_lock

    page = write(tmp_path / "a.html", NEGATIVE)
    with writer_lock(corpus_root):
        result = corpus_cli("add", "--no-extract", str(page), cwd=corpus_root)
    assert result.returncode == 1 and "another corpus command" in result.stderr
    assert corpus_cli("add", "--no-extract", str(page), cwd=corpus_root).returncode == 0


def test_a_1_gib_page_is_refused_without_reading_it(corpus_root: Path, tmp_path: Path, corpus_cli):
    huge = tmp_path / "huge.html"
    with open(huge, "wb") as f:
        f.truncate(1 << 30)  # sparse: costs no disk
    result = corpus_cli("-C", str(corpus_root), "add", str(huge), cwd=tmp_path)
    assert result.returncode == 2
    assert "huge.html" in result.stderr and "larger than" in result.stderr


def test_a_folder_add_under_a_custom_rule_keeps_the_names(corpus_root: Path, tmp_path: Path, corpus_cli):
    (corpus_root / "samples" / "rubric.md").write_text(
        "---\nnaming:\n  pattern: '^(?P<lang>[A-Z]{2})_(?P<n>\\d+)(?P<negative>n)?\\.html$'\n---\n")
    write(tmp_path / "in" / "EN_7.html", POSITIVE)
    write(tmp_path / "in" / "EN_7n.html", NEGATIVE)  # shares the number: no `id` group, so allowed
    result = corpus_cli("add", str(tmp_path / "in"), "--no-extract", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (corpus_root / "samples" / "unused").glob("*.html")) == ["EN_7.html", "EN_7n.html"]


def test_pages_added_on_two_branches_merge_and_stay_known(corpus_root: Path, tmp_path: Path, git, commit, corpus_cli):
    # Two people add pages on their own branches: the fingerprint record must merge
    # without a conflict and still refuse a copy of either page afterwards.
    commit(corpus_root, "init")
    git(corpus_root, "checkout", "-qb", "theirs")
    theirs = write(tmp_path / "theirs" / "login.html", POSITIVE)
    assert corpus_cli("add", "--no-extract", str(theirs), cwd=corpus_root).returncode == 0
    commit(corpus_root, "their page")
    git(corpus_root, "checkout", "-q", "main")
    ours = write(tmp_path / "ours" / "news.html", NEGATIVE)
    assert corpus_cli("add", "--no-extract", "--negative", str(ours), cwd=corpus_root).returncode == 0
    commit(corpus_root, "our page")
    git(corpus_root, "merge", "-q", "--no-edit", "theirs")  # fails the test on a conflict
    record = (corpus_root / "samples" / "added.sha256").read_text()
    assert "<<<<<<<" not in record and len(record.splitlines()) == 2
    for page in (theirs, ours):
        again = corpus_cli("add", "--no-extract", str(write(tmp_path / "again" / page.name, page.read_bytes())),
                           cwd=corpus_root)
        assert again.returncode != 0 and "already in the corpus" in again.stderr


def test_a_page_the_record_lacks_is_still_known_and_a_refusal_changes_nothing(corpus_root: Path, tmp_path: Path,
                                                                              git):
    """A page put in by hand, which samples/added.sha256 does not name, is recognized by its
    bytes; the add that refuses its copy writes nothing, the record and the index included."""
    from corpus.samples.fingerprints import read_record

    write(corpus_root / "samples" / "training" / "n7.html", NEGATIVE)
    git(corpus_root, "add", "-A")
    before = git(corpus_root, "diff", "--cached", "--name-only")
    with pytest.raises(BadInput, match="already in the corpus"):
        add_pages(corpus_root, load_rubric(corpus_root), [write(tmp_path / "b.html", NEGATIVE)], None, "unused",
                  None, extract=False)
    assert "n7.html" not in read_record(corpus_root)
    assert git(corpus_root, "diff", "--cached", "--name-only") == before


def test_a_manifest_of_another_format_tells_nothing(tmp_path: Path):
    """An incoming page's `manifest.json` counts only when it is ours (format and version checked)."""
    import hashlib
    import json

    from corpus.samples.fingerprints import page_fingerprints

    page = write(tmp_path / "in" / "7.html", POSITIVE)
    given = hashlib.sha256(POSITIVE).hexdigest()
    layer = {"original_size": 1, "original_sha256": "0" * 64, "extracted_size": len(POSITIVE),
             "extracted_sha256": given, "edits": []}
    manifest = tmp_path / "in" / "resources" / "7" / "manifest.json"
    for form, expected in (("corpus-extract", "0" * 64), ("someone-else", given)):
        write(manifest, json.dumps({"format": form, "version": 1, "page": "7.html", "layers": [layer]}).encode())
        assert page_fingerprints(page, POSITIVE) == (given, expected)
