"""`corpus label`: whole-page labels on <html>, found as a browser finds the tag,
written as the smallest edit, on messy real-page shapes; nothing changes on bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import html as lxml_html

from corpus.errors import BadInput
from corpus.samples.label import label_pages, plan_label

# (page as saved, page after `label ... article`): only the attribute differs.
CASES = {
    "upper case, attributes on lines": (
        b'<!DOCTYPE html>\r\n<HTML\r\n  lang="de"\r\n  class=\'no-js\'>\r\n<head></head></HTML>',
        b'<!DOCTYPE html>\r\n<HTML data-fathom="article"\r\n  lang="de"\r\n  class=\'no-js\'>\r\n<head></head></HTML>'),
    "BOM, comment holding a fake <html>, xml prolog": (
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- saved from <html data-fathom="x"> -->\n<html><body>\xff\xfe</body>',
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- saved from <html data-fathom="x"> -->\n<html data-fathom="article">'
        b'<body>\xff\xfe</body>'),
    "no <html> tag at all": (
        b"<!doctype html>\n<meta charset=utf-8><title>t</title>",
        b'<!doctype html>\n<html data-fathom="article"><meta charset=utf-8><title>t</title>'),
    "another label, unquoted, mixed case name": (
        b"<html Data-Fathom=other lang=en>", b'<html Data-Fathom="article" lang=en>'),
    "attribute without a value": (b"<html data-fathom><p>", b'<html data-fathom="article"><p>'),
    "single quotes kept": (b"<html data-fathom='x'>", b"<html data-fathom='article'>"),
    "self-closing slash, no space": (b"<html/><body>", b'<html data-fathom="article"/><body>'),
    "abrupt comment <!-->": (b"<!--><html>", b'<!--><html data-fathom="article">'),
    "already labeled": (b'<html data-fathom="article">', b'<html data-fathom="article">'),
}


@pytest.mark.parametrize("name", CASES)
def test_the_smallest_edit_labels_the_root_element(name: str, tmp_path: Path):
    before, after = CASES[name]
    page = tmp_path / "1.html"
    page.write_bytes(before)
    [(edit, changed)] = label_pages([page], "article")
    assert page.read_bytes() == after
    assert changed == (before != after)
    root = lxml_html.document_fromstring(after.decode("utf-8", "replace"))
    assert root.get("data-fathom") == "article"  # what a parser reads back


def test_a_big_page_is_labeled_streaming_and_keeps_its_mode(tmp_path: Path):
    page = tmp_path / "big.html"
    body = b"<p>" + b"x" * (8 * 1024 * 1024) + b"</p>"
    page.write_bytes(b"<html lang=en><body>" + body)
    page.chmod(0o640)
    label_pages([page], "article", workers=2)
    assert page.read_bytes() == b'<html data-fathom="article" lang=en><body>' + body
    assert page.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["big.html"]  # no temp file left


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00", "not an HTML page"),
    (b"plain text, not markup", "not an HTML page"),
    (b"<!-- never closed <html>", "unterminated comment"),
    (b'<html lang="en', "unterminated <html> tag or attribute"),
])
def test_an_unlabelable_page_changes_no_page(tmp_path: Path, data: bytes, message: str):
    good = tmp_path / "1.html"
    good.write_bytes(b"<html><body></body></html>")
    bad = tmp_path / "2.html"
    bad.write_bytes(data)
    with pytest.raises(BadInput, match=message) as raised:
        label_pages([good, bad], "article")
    assert str(bad) in str(raised.value)
    assert good.read_bytes() == b"<html><body></body></html>" and bad.read_bytes() == data


def test_a_label_type_is_one_word(tmp_path: Path):
    page = tmp_path / "1.html"
    page.write_bytes(b"<html>")
    with pytest.raises(BadInput, match="one word"):
        label_pages([page], "BAD article")
    assert plan_label(page, "a&b").new == b' data-fathom="a&amp;b"'


def test_label_in_a_corpus_checks_the_rubric_and_keeps_no_originals(corpus_root: Path, corpus_cli):
    (corpus_root / "samples/training/1.html").write_text("<html><body></body></html>")
    undeclared = corpus_cli("label", "training", "new-pasword", cwd=corpus_root)
    assert undeclared.returncode == 2
    assert "new-pasword: not a type of the rubric; closest declared type: new-password" in undeclared.stderr
    refused = corpus_cli("label", "training", "new-password", "--preserve-originals", cwd=corpus_root)
    assert refused.returncode == 2 and "git keeps the originals" in refused.stderr
    done = corpus_cli("label", "samples/training", "new-password", cwd=corpus_root)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "labeled samples/training/1.html\n"
    assert (corpus_root / "samples/training/1.html").read_text() == '<html data-fathom="new-password"><body></body></html>'
    assert sorted(os.listdir(corpus_root / "samples/training")) == [".gitkeep", "1.html"]


def test_label_outside_a_corpus_refusing_its_only_page_makes_no_originals(tmp_path: Path, corpus_cli):
    (tmp_path / "1.html").write_bytes(b"plain text, not markup")
    result = corpus_cli("label", str(tmp_path), "article", cwd=tmp_path)
    assert result.returncode == 2 and "not an HTML page" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["1.html"]
