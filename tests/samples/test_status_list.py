import json
from pathlib import Path


def test_status_counts_pages_targets_and_lfs_storage(corpus_root: Path, git, corpus_cli):
    unused = corpus_root / "samples" / "unused"
    (unused / "1.html").write_text('<html><body><input data-fathom="new-password"><input data-fathom="new-password">'
                                   '<input data-fathom="BAD new-password"></body></html>')
    (unused / "n2.html").write_text('<html><body><img src="data:image/png;base64,iVBORw0KGgo="></body></html>')
    res = unused / "resources" / "1" / "a.css"
    res.parent.mkdir(parents=True)
    res.write_text("body{color:red}")
    git(corpus_root, "add", "samples")
    result = corpus_cli("status", "--json", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    unused_status = report["sets"]["unused"]
    assert (unused_status["positive"], unused_status["negative"]) == (1, 1)
    assert unused_status["targets"] == {"new-password": 2}
    assert unused_status["inline_data_pages"] == ["samples/unused/n2.html"]
    assert (unused_status["resource_files"], unused_status["resource_bytes"]) == (1, 15)
    assert report["resources_as_lfs_pointers"] is True

    # A resource staged while .gitattributes lacks the LFS rule is content, and status says so.
    (corpus_root / ".gitattributes").write_text("")
    other = unused / "resources" / "n2" / "b.css"
    other.parent.mkdir(parents=True)
    other.write_text("p{}")
    git(corpus_root, "add", str(other))
    report = json.loads(corpus_cli("status", "--json", cwd=corpus_root).stdout)
    assert report["resources_not_pointers"] == ["samples/unused/resources/n2/b.css"]
    text = corpus_cli("status", cwd=corpus_root).stdout
    assert "1 staged as content, not LFS pointers" in text


def test_list_is_recursive_skips_resources_and_shows_urls(tmp_path: Path, corpus_cli):
    root = tmp_path / "pages"
    (root / "a" / "resources" / "x").mkdir(parents=True)
    (root / "a" / "76.html").write_text('<html><head><link rel="original" href="https://example.com/76"></head></html>')
    (root / "b").mkdir()
    (root / "b" / "76.html").write_text("<html></html>")
    (root / "a" / "resources" / "x" / "inner.html").write_text("<html></html>")
    (root / "notes.txt").write_text("not a page")
    out = corpus_cli("list", str(root), cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.split() == ["a/76.html", "b/76.html"]
    urls = corpus_cli("list", "-u", "-b", str(tmp_path), str(root / "a"), cwd=tmp_path)
    assert urls.stdout == "pages/a/76.html https://example.com/76\n"  # fathom list: a space
    corpus_cli("list", str(root), "-o", str(tmp_path / "out.txt"), cwd=tmp_path)
    assert (tmp_path / "out.txt").read_text() == "a/76.html\nb/76.html\n"


def test_list_shows_the_url_as_written_like_fathom_list(tmp_path: Path, corpus_cli):
    """fathom list prints the href's text untouched: entities stay, as on 56 real pages."""
    href = "https://example.com/a?b=1&amp;c=2&lt;&#38;d=%20&quot;x"
    (tmp_path / "1.html").write_text(f'<html><head><link rel="original" href="{href}"></head></html>')
    (tmp_path / "2.html").write_text("<html><head><link href='https://x.org/' rel='original'></head></html>")
    (tmp_path / "3.html").write_bytes(b"")
    listed = corpus_cli("list", "-u", str(tmp_path), cwd=tmp_path)
    assert listed.stdout == f"1.html {href}\n2.html \n3.html \n"  # fathom's regex: only its own form
    as_json = corpus_cli("list", "-u", "--json", str(tmp_path), cwd=tmp_path)
    assert '"url": "https://example.com/a?b=1&amp;c=2&lt;&#38;d=%20&quot;x"' in as_json.stdout


def test_list_refuses_an_output_path_it_cannot_write_before_printing(tmp_path: Path, corpus_cli):
    (tmp_path / "a.html").write_text("<html></html>")
    result = corpus_cli("list", str(tmp_path), "-o", str(tmp_path / "missing" / "dir" / "f"), cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "missing/dir" in result.stderr
