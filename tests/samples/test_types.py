"""A team ends `init` and `import` with its own label types, not the scaffold's example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.errors import BadInput
from corpus.ruleset import load_ruleset
from corpus.samples.init import init_corpus, parse_types
from corpus.tree.rubric import load_rubric


def test_init_types_scaffolds_the_rubric_and_python_ruleset_for_them(tmp_path: Path, git):
    root = tmp_path / "c"
    init_corpus(root, types=("login", "next-button"))
    rubric = load_rubric(root)
    assert list(rubric.types) == ["login", "next-button"]
    text = (root / "samples" / "rubric.md").read_text()
    assert "## login\n" in text and "## next-button\n" in text and "new-password" not in text
    ruleset = load_ruleset(root / "rulesets.py")
    assert sorted(ruleset.trainees) == ["login", "next-button"]
    assert ruleset.trainees["login"].feature_names == ["is_visible", "near_the_top"]
    with pytest.raises(BadInput, match="--types a,a"):
        parse_types("a,a")
    with pytest.raises(BadInput, match="expected distinct type names"):
        parse_types('a b,"c"')


def test_init_js_types_vectorizes_those_types(tmp_path: Path, corpus_cli):
    root = tmp_path / "c"
    result = corpus_cli("init", "--js", "--types", "login,signup", str(root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    scaffold = (root / "rulesets.js").read_text()
    assert '"login": [[' in scaffold and '"signup": [[' in scaffold and '["signup", 0],' in scaffold
    (root / "samples" / "training" / "1.html").write_text(
        '<html><body><form><input data-fathom="login"><button>Go</button></form></body></html>')
    result = corpus_cli("vectorize", "training", "--trainee", "login", cwd=root)
    assert result.returncode == 0, result.stderr
    data = json.loads((root / "vectors" / "training_login.json").read_text())
    assert data["header"]["featureNames"] == ["isVisible", "nearTheTop"]
    assert [n["isTarget"] for n in data["pages"][0]["nodes"]].count(True) == 1


def test_import_offers_the_pages_types_and_adopts_them_on_request(corpus_root: Path, git, corpus_cli):
    source = corpus_root.parent / "theirs" / "training"
    source.mkdir(parents=True)
    (source / "1.html").write_text('<html><body><input data-fathom="login"><b data-fathom="logo"></b></body></html>')
    (source / "2.html").write_text('<html><body><input data-fathom="login"></body></html>')
    before = (corpus_root / "samples" / "rubric.md").read_text()
    result = corpus_cli("import", str(source.parent), cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert "note: the pages label login (2 pages), logo (1 pages), but the rubric still lists" in result.stderr
    assert "--adopt-types" in result.stderr
    assert (corpus_root / "samples" / "rubric.md").read_text() == before
    result = corpus_cli("import", str(source.parent), "--adopt-types", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert "rubric: its types are now the labels found in the pages: login (2 pages), logo (1 pages)" in result.stderr
    assert list(load_rubric(corpus_root).types) == ["login", "logo"]
    assert "samples/rubric.md" in git(corpus_root, "diff", "--cached", "--name-only").split()
    again = corpus_cli("import", str(source.parent), cwd=corpus_root)
    assert "rubric" not in again.stderr  # the rubric is the team's now: nothing more to offer


def test_the_pages_labels_come_from_the_facts_cache(corpus_root: Path, git):
    """A page whose blob id the cache knows is not read again: the cached types count."""
    from contextlib import closing

    from corpus.extract.factcache import FACTS_VERSION, FactCache, blob_id
    from corpus.samples.labeltypes import labels_in_pages

    page = corpus_root / "samples" / "training" / "1.html"
    page.write_text('<html><body><input data-fathom="login"></body></html>')
    git(corpus_root, "add", "-A")
    assert labels_in_pages(corpus_root) == {"login": 1}
    cache = FactCache(corpus_root)
    with closing(cache._connect()) as db, db:  # what the cache says of these bytes is what counts
        db.execute("UPDATE page_facts SET types = ? WHERE oid = ? AND version = ?",
                   ('["cached"]', blob_id(page.read_bytes()), FACTS_VERSION))
    assert labels_in_pages(corpus_root) == {"cached": 1}


def test_adopt_types_leaves_out_values_that_are_no_type_names(corpus_root: Path, corpus_cli):
    source = corpus_root.parent / "theirs" / "training"
    source.mkdir(parents=True)
    (source / "1.html").write_text("<html><body><input data-fathom=\"login\"><b data-fathom='a,b'></b>"
                                   "<i data-fathom=x=y></i></body></html>")
    result = corpus_cli("import", str(source.parent), "--adopt-types", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert list(load_rubric(corpus_root).types) == ["login"]
    assert "rubric: its types are now the labels found in the pages: login (1 pages)" in result.stderr
    assert "left out of the rubric's types (not usable as type names): a,b, x=y" in result.stderr
