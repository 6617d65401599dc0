"""corpus extract / inline on real files: what a user sees in the page and its resources folder."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from corpus.extract.extract import extract_sample
from corpus.extract.inline import inline_sample
from corpus.extract.mime import extension
from corpus.extract.survey import has_inline_data, page_has_inline_data
from tests.extract.pages import (
    b64,
    font_bytes,
    freeze_dry_page,
    png,
    rich_page,
    stylesheet,
    tree,
    write_sample,
)

REF = re.compile(rb"resources/1/([0-9a-f]{16}\.[a-z0-9]+)")


def test_every_kind_of_data_url_moves_out_and_comes_back(tmp_path: Path):
    original = rich_page()
    sample = write_sample(tmp_path, original)
    assert has_inline_data(original)

    result = extract_sample(sample)

    page = sample.path.read_bytes()
    assert result.changed and result.problems == []
    assert b"data:" not in re.sub(rb'content="default-src[^"]*"', b"", page)  # only the CSP names data:
    assert not has_inline_data(page) and not page_has_inline_data(sample.path)
    assert len(page) < len(original) / 3
    assert b'<base data-corpus-href="https://example.com/">' in page  # the <base> no longer sends names away
    assert b"img-src 'self' data:" in page and b"default-src 'none';" in page
    assert b"\xff\xfe" in page  # invalid UTF-8 passes through untouched
    for name in REF.findall(page):
        assert (sample.resources_dir / name.decode()).is_file()
    # Content-addressed names; identical images are stored once.
    files = {p.name: p.read_bytes() for p in sample.resources_dir.iterdir() if p.name != "manifest.json"}
    for name, data in files.items():
        assert name.split(".")[0] == hashlib.sha256(data).hexdigest()[:16]
    assert png((220, 20, 20)) in files.values() and png((20, 20, 220)) in files.values()
    assert len(files) == len(set(files.values()))
    assert sorted(p.name for p in result.resources) == sorted(files)
    exts = sorted(name.split(".")[1] for name in files)
    assert exts == ["css", "png", "png", "svg", "ttf", "txt"]
    # The stylesheet's font and image are referenced relative to the stylesheet.
    (css,) = [data for name, data in files.items() if name.endswith(".css")]
    nested = re.findall(rb"url\(\"?([^)\"]+)\"?\)", css)
    assert nested and all(re.fullmatch(rb"[0-9a-f]{16}\.(ttf|png)", n) for n in nested)
    assert all(n.decode() in files for n in nested)
    # The wrapped, upper-case data URL decodes to the same red PNG.
    red = f"resources/1/{hashlib.sha256(png((220, 20, 20))).hexdigest()[:16]}.png".encode()
    assert page.count(red) == 5

    assert inline_sample(sample)
    assert sample.path.read_bytes() == original
    assert not (tmp_path / "samples" / "unused" / "resources").exists()


def test_extracting_again_changes_nothing(tmp_path: Path):
    sample = write_sample(tmp_path, rich_page())
    extract_sample(sample)
    before = tree(tmp_path)
    again = extract_sample(sample)
    assert not again.changed and again.problems == []
    assert tree(tmp_path) == before


def test_a_page_that_gains_data_urls_later_inlines_in_two_steps(tmp_path: Path):
    original = rich_page()
    sample = write_sample(tmp_path, original)
    extract_sample(sample)
    extracted = sample.path.read_bytes()
    # Someone labels the page and pastes a new inline image into it.
    edited = extracted.replace(b"<body>", b'<body data-fathom="article">').replace(
        b"</body>", f'<img src="data:image/png;base64,{b64(png((1, 200, 1)))}"></body>'.encode())
    sample.path.write_bytes(edited)
    assert has_inline_data(edited)
    assert extract_sample(sample).changed
    assert not has_inline_data(sample.path.read_bytes())
    assert inline_sample(sample)
    assert sample.path.read_bytes() == original.replace(b"<body>", b'<body data-fathom="article">').replace(
        b"</body>", f'<img src="data:image/png;base64,{b64(png((1, 200, 1)))}"></body>'.encode())


def test_non_canonical_base64_is_restored_exactly(tmp_path: Path):
    data = png((5, 6, 7))
    text = b64(data)
    spellings = [
        "\r\n".join(text[i:i + 60] for i in range(0, len(text), 60)),  # line breaks
        text.rstrip("="),  # padding left out
        text.replace("=", "%3D"),  # percent-encoded padding
        text[:20] + "%2B" + text[21:] if text[20] == "+" else text[:20] + " " + text[20:],
    ]
    body = "".join(f'<img src="data:image/png;base64,{s}">\n' for s in spellings)
    # A payload whose spare bits are not zero decodes like the canonical one.
    body += '<img src="data:image/png;base64,QR==">'
    original = freeze_dry_page(body)
    sample = write_sample(tmp_path, original)
    result = extract_sample(sample)
    assert result.problems == []
    names = set(REF.findall(sample.path.read_bytes()))
    assert len(names) == 2  # all spellings of the PNG are one file; "QR==" is the byte "A"
    assert inline_sample(sample)
    assert sample.path.read_bytes() == original


def test_malformed_and_truncated_data_urls_are_reported_and_left_in_place(tmp_path: Path):
    good = f"data:image/png;base64,{b64(png((9, 9, 9)))}"
    body = f'<img src="data:image/png;base64,AAA@AAAA"><img src="{good}"><img src="data:image/png;base64,iVBORw0KGgo'
    original = freeze_dry_page("") .replace(b"</body></html>\n", body.encode())
    sample = write_sample(tmp_path, original)
    result = extract_sample(sample)
    bad_at = original.index(b"data:image/png;base64,AAA@")
    cut_at = original.rindex(b"data:image/png;base64,iVBORw0KGgo")
    assert [(p.offset, p.path) for p in result.problems] == [(bad_at, sample.path), (cut_at, sample.path)]
    assert "malformed" in result.problems[0].message and "truncated" in result.problems[1].message
    assert str(result.problems[0]).startswith(f"{sample.path}:{bad_at}: ")
    page = sample.path.read_bytes()
    assert b"data:image/png;base64,AAA@AAAA" in page and page.endswith(b"iVBORw0KGgo")
    assert good.encode() not in page
    assert not has_inline_data(page)  # what is left cannot be extracted
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_a_broken_data_url_inside_a_stylesheet_is_reported_with_both_offsets(tmp_path: Path):
    css = b"a { background: url(data:image/png;base64,@@@@) }"
    original = freeze_dry_page(f'<link rel="stylesheet" href="data:text/css;base64,{b64(css)}">')
    sample = write_sample(tmp_path, original)
    (problem,) = extract_sample(sample).problems
    assert problem.offset == original.index(b"data:text/css")
    assert f"at offset {css.index(b'data:')}" in problem.message
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_non_html_files_are_refused(tmp_path: Path):
    sample = write_sample(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00data:image/png;base64,AAAA")
    result = extract_sample(sample)
    assert not result.changed
    assert [p.message for p in result.problems] == ["not an HTML page; refused"]
    assert not sample.resources_dir.exists()


@pytest.mark.parametrize(("mime", "data", "expected"), [
    ("img/png", png((1, 2, 3)), "png"),
    ("image/xicon", b"\x00\x00\x01\x00" + bytes(30), "ico"),
    ("image/jpg", png((1, 2, 3)), "png"),  # wrong type: the bytes win
    ("application/octet-stream", png((1, 2, 3)), "png"),
    ("", b"wOF2" + bytes(20), "woff2"),
    ("application/font-woff", b"junk", "woff"),
    ("application/x-font-ttf", b"junk", "ttf"),
    ("image/x-made-up", b"not an image at all", "bin"),
    ("application/x-made-up", b"???", "bin"),
    ("text/css;charset=utf-8", b"a{}", "css"),
])
def test_extensions_come_from_a_table_or_the_bytes_never_a_prompt(mime: str, data: bytes, expected: str):
    assert extension(mime, data) == expected


def test_pillow_recognizes_images_the_magic_table_does_not(tmp_path: Path):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(out, "BMP")
    assert extension("image/png", out.getvalue()) == "bmp"


def test_names_with_spaces_are_escaped_in_references(tmp_path: Path):
    original = freeze_dry_page(f'<img srcset="data:image/png;base64,{b64(png((3, 3, 3)))} 1x">')
    sample = write_sample(tmp_path, original, name="111 2.html")
    extract_sample(sample)
    page = sample.path.read_bytes()
    assert b'srcset="resources/111%202/' in page
    assert (tmp_path / "samples/unused/resources/111 2").is_dir()
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_the_manifest_travels_with_the_sample(tmp_path: Path):
    original = rich_page()
    sample = write_sample(tmp_path, original)
    extract_sample(sample)
    moved = sample.moved_to("testing")
    moved.resources_dir.parent.mkdir(parents=True)
    shutil.move(sample.path, moved.path)
    shutil.move(sample.resources_dir, moved.resources_dir)
    manifest = json.loads((moved.resources_dir / "manifest.json").read_text())
    assert manifest["format"] == "corpus-extract" and len(manifest["layers"]) == 1
    assert inline_sample(moved) and moved.path.read_bytes() == original


def test_inline_refuses_a_changed_resource_and_changes_nothing(tmp_path: Path):
    sample = write_sample(tmp_path, rich_page())
    extract_sample(sample)
    victim = next(p for p in sample.resources_dir.iterdir() if p.suffix == ".png")
    victim.write_bytes(b"version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n")
    before = tree(tmp_path)
    with pytest.raises(Exception, match="Git LFS pointer"):
        inline_sample(sample)
    assert tree(tmp_path) == before


def test_cli_extract_and_inline_a_set_with_exit_codes(corpus_root: Path, corpus_cli):
    good = write_sample(corpus_root, rich_page(), name="1.html")
    bad_page = freeze_dry_page('<img src="data:image/png;base64,@@@@">')
    write_sample(corpus_root, bad_page, name="n2.html")
    result = corpus_cli("extract", "samples/unused", cwd=corpus_root)
    assert result.returncode == 1
    assert "samples/unused/n2.html:" in result.stderr and "malformed" in result.stderr
    assert "2 of 2 page(s) extracted" in result.stdout  # n2 still got 'self' in its CSP
    assert not has_inline_data(good.path.read_bytes())

    again = corpus_cli("extract", "--json", cwd=corpus_root)
    assert again.returncode == 1
    assert [r["changed"] for r in json.loads(again.stdout)] == [False, False]

    back = corpus_cli("inline", "samples/unused/1.html", cwd=corpus_root)
    assert back.returncode == 0, back.stderr
    assert good.path.read_bytes() == rich_page()
    assert corpus_cli("extract", "samples/unused/1.html", cwd=corpus_root).returncode == 0
    assert corpus_cli("extract", "elsewhere.html", cwd=corpus_root).returncode == 2


def test_extracted_resources_are_committed_to_git_lfs(corpus_root: Path, git, corpus_cli):
    sample = write_sample(corpus_root, rich_page(), name="1.html")
    assert corpus_cli("extract", cwd=corpus_root).returncode == 0
    git(corpus_root, "add", "samples")
    lfs = git(corpus_root, "lfs", "ls-files", "--name-only").split("\n")
    resources = sorted(p.relative_to(corpus_root).as_posix() for p in sample.resources_dir.iterdir())
    assert sorted(x for x in lfs if x) == resources  # manifest included; the page itself is plain git
    staged = subprocess.run(["git", "show", f":{sample.relpath}"], cwd=corpus_root, capture_output=True).stdout
    assert staged == sample.path.read_bytes() and len(staged) < 10_000


def test_a_web_font_and_image_stylesheet_keeps_its_nesting(tmp_path: Path):
    font = font_bytes()
    css = stylesheet(font, png((0, 128, 0)))
    original = freeze_dry_page(f'<link rel="stylesheet" href="data:text/css;base64,{b64(css)}">')
    sample = write_sample(tmp_path, original)
    extract_sample(sample)
    stored = {p.read_bytes() for p in sample.resources_dir.iterdir()}
    assert font in stored and png((0, 128, 0)) in stored
