"""Extract, inline, check and status on pages shaped like real saved pages (FACTS.md)."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.check.check import check_paths
from corpus.errors import CorpusError
from corpus.extract.dataurl import scan
from corpus.extract.extract import extract_sample
from corpus.extract.inline import inline_sample
from corpus.extract.survey import has_inline_data, survey
from tests.extract.pages import (
    b64,
    freeze_dry_page,
    png,
    real_page,
    spaced_data_urls,
    tree,
    write_sample,
)
from tests.extract.test_extract_kill import KILLED_AT

REF = re.compile(rb"resources/1/([0-9a-f]{16}\.[a-z0-9]+)")


def resources(sample) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sample.resources_dir.iterdir() if p.name != "manifest.json"}


def test_a_real_like_page_extracts_completely_and_inlines_byte_for_byte(tmp_path: Path):
    original = real_page()
    sample = write_sample(tmp_path, original)
    assert survey(original).leftovers == []

    result = extract_sample(sample)

    page = sample.path.read_bytes()
    assert result.changed and result.problems == []
    assert not has_inline_data(page) and survey(page).extractable == 0
    files = resources(sample)
    # Every spaced, odd-cased, unpadded or odd-typed data URL was read as a browser reads it.
    for content in spaced_data_urls().values():
        assert content in files.values()
    assert all(files.values()), "no 0-byte resource file: git-lfs never makes a pointer of one"
    # Empty data URLs hold nothing to move: they stay exactly as written.
    for empty in (b'src="data:;base64,"', b'href="data:"', b'src="data:text/html,"', b'href="data:text/css,"'):
        assert page.count(empty) == 1
    # `url(data\:...)` inside an inlined stylesheet, and `url(&#10;data:...)`, were extracted too.
    (css,) = [data for name, data in files.items() if name.endswith(".css")]
    assert b"data" not in css and re.search(rb"url\([0-9a-f]{16}\.png\)", css)
    assert b"url(&#10;resources/1/" in page
    # crossorigin/integrity went from the tags whose data URL became a file.
    assert b"crossorigin" not in page.lower() and b"integrity" not in page
    assert b'<link rel="stylesheet" href="resources/1/' in page
    assert b"\xff\xfe" in page  # invalid UTF-8 passes through

    assert inline_sample(sample)
    assert tree(tmp_path) == {sample.relpath: original}


@pytest.mark.parametrize("url", list(spaced_data_urls()))
def test_each_header_shape_alone_is_extracted(tmp_path: Path, url: str):
    # A srcset splits at whitespace, so browsers read spaced headers only outside one.
    srcset = "" if " " in url else f'<img srcset="{url} 2x">'
    original = freeze_dry_page(f'<iframe src="{url}"></iframe><div style="background: url({url})"></div>{srcset}')
    sample = write_sample(tmp_path, original)
    assert extract_sample(sample).problems == []
    page = sample.path.read_bytes()
    assert len(REF.findall(page)) == (2 if " " in url else 3) and url.encode() not in page
    assert list(resources(sample).values()) == [spaced_data_urls()[url]]
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_prose_that_mentions_data_is_not_a_data_url():
    page = b'<p title="data: 1, 2">metadata: x, y</p><a href="#" data-x="data:a b,c">'
    assert list(scan(page, True)) == []


LEFTOVERS = freeze_dry_page(
    '<img src="data:image/png;base64,@@@not base64@@@">\n'
    f"<p>data:image/png;base64,{b64(png((1, 2, 3)))}</p>\n"
    '<img alt="1\nline" src="data:image/png;base64,AAAA'  # truncated: no closing quote
)


def test_what_cannot_be_extracted_is_reported_by_extract_check_and_status(corpus_root: Path, corpus_cli):
    sample = write_sample(corpus_root, LEFTOVERS, "n1.html", "training")
    before = sample.path.read_bytes()

    extracted = corpus_cli("extract", "--json", cwd=corpus_root)
    assert extracted.returncode == 1
    lines = extracted.stderr.strip().splitlines()
    assert lines[-1] == "3 problem(s) in 1 page(s)"
    offsets = [before.index(b"data:image/png;base64,@"), before.index(b"data:image/png;base64,iVBOR"),
               before.index(b"data:image/png;base64,AAAA")]
    for line, offset in zip(lines, offsets):
        assert line.startswith(f"{sample.path}:{offset}: ")
    assert "malformed" in lines[0] and "expects no URL" in lines[1] and "truncated" in lines[2]
    after = sample.path.read_bytes()  # the CSP gained 'self'; every leftover stays as written
    assert before[offsets[0]:] == after[after.index(b"data:image/png;base64,@"):]

    findings = [str(f) for f in check_paths(corpus_root, [sample.path])]
    assert len([f for f in findings if "offset" in f]) == 3
    assert any(f.startswith("samples/training/n1.html:7: offset") and "malformed" in f for f in findings)

    status = json.loads(corpus_cli("status", "--json", cwd=corpus_root).stdout)
    assert status["sets"]["training"]["unextracted_data_urls"] == 3
    assert status["sets"]["training"]["unextracted_data_url_pages"] == [sample.relpath]
    shown = corpus_cli("status", cwd=corpus_root).stdout
    assert "3 data: URLs extract cannot move out, in 1 pages" in shown


@pytest.mark.parametrize("page, where", [
    # A refresh to a data: URL: a browser blocks that navigation, so it is no resource to move out.
    (freeze_dry_page("", head=f'<meta http-equiv="refresh" content="0; url=data:text/html;base64,{b64(b"<b>x</b>")}">'),
     "inside a <meta> tag"),
    (b'<!DOCTYPE html><base href="https://example.com/" title="x"<img src="data:image/png;base64,AAAA">',
     "inside a <base> tag"),
    # Cut off inside a tag: a browser drops the tag and everything after it.
    (f'<!DOCTYPE html><html><head><meta name="og:image" content="data:image/png;base64,{b64(png((1, 2, 3)))}'.encode(),
     "after a <meta tag that never closes"),
])
def test_a_data_url_no_browser_would_load_is_reported_not_skipped(tmp_path: Path, page: bytes, where: str):
    sample = write_sample(tmp_path, page)
    result = extract_sample(sample)
    assert [where in p.message for p in result.problems] == [True], result.problems
    url = re.search(rb"data:(text/html|image/png);base64,[^\"]*", page)
    assert result.problems[0].offset == url.start()
    assert url.group() in sample.path.read_bytes()  # left as written
    assert [message for _, message in survey(sample.path.read_bytes()).leftovers] == [result.problems[0].message]


@pytest.mark.parametrize("body", [
    '<img srcset="a.png data:image/png;base64,QUFB 2x, DATA 1x">',  # where a descriptor goes
    "<p>srcset='<img src=\"data:image/png;base64,AAAAA\"><img src='DATA' alt=x></p>",  # "srcset=" in text, then tags
])
def test_a_base64_data_url_in_a_srcset_but_no_candidate_of_it_is_reported(tmp_path: Path, body: str):
    url = f"data:image/png;base64,{b64(png((1, 2, 3)))}"
    original = freeze_dry_page(body.replace("DATA", url))
    sample = write_sample(tmp_path, original)
    result = extract_sample(sample)
    stray = original.index(b"data:image/png;base64,")
    assert [(p.offset, "not a candidate" in p.message) for p in result.problems] == [(stray, True)]
    assert original[stray:stray + 26] in sample.path.read_bytes() and url.encode() not in sample.path.read_bytes()
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_check_output_stays_one_line_per_finding(corpus_root: Path, corpus_cli):
    write_sample(corpus_root, freeze_dry_page('<input data-fathom="new\npass\x1bword">'), "1.html", "training")
    checked = corpus_cli("check", cwd=corpus_root)
    assert checked.returncode == 1
    for line in checked.stdout.splitlines() + checked.stderr.splitlines():
        assert re.match(r"samples/training/1\.html:\d+: |\d+ problem", line), line
    assert "new\\npass\\x1bword" in checked.stdout + checked.stderr


def test_orphans_of_a_killed_extraction_are_removed_by_inline_and_by_extract(tmp_path: Path):
    original = real_page()
    stages: list[str] = []
    extract_sample(write_sample(tmp_path / "reference", original), stages.append)
    before_page = stages.index("page") + 1  # resources and manifest written, the page not yet replaced
    for finisher in (inline_sample, extract_sample):
        root = tmp_path / finisher.__name__
        sample = write_sample(root, original)
        sample.resources_dir.mkdir(parents=True)
        (sample.resources_dir / "1.png").write_bytes(b"fathom-extract's file")  # not ours: kept
        child = subprocess.run([sys.executable, "-c", KILLED_AT, str(root), str(before_page)], capture_output=True)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()
        assert sample.path.read_bytes() == original
        assert any(REF.fullmatch(f"resources/1/{name}".encode()) for name in resources(sample))  # orphans

        finisher(sample)
        kept = set(resources(sample))
        if finisher is inline_sample:
            assert kept == {"1.png"}
        else:
            named = {m.decode() for m in REF.findall(sample.path.read_bytes())}
            manifest = json.loads((sample.resources_dir / "manifest.json").read_text())
            assert kept == {"1.png"} | {e["file"] for e in manifest["layers"][0]["edits"] if "file" in e} | {
                c["file"] for e in manifest["layers"][0]["edits"] for c in e.get("children", [])}
            assert named <= kept


def test_empty_pages_and_symlinks_never_stop_a_whole_run(corpus_root: Path, corpus_cli, tmp_path: Path):
    write_sample(corpus_root, b"", "1.html", "training")
    good = write_sample(corpus_root, real_page(), "2.html", "training")
    linked = write_sample(corpus_root, real_page(), "3.html", "training")
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    linked.resources_dir.parent.mkdir(parents=True, exist_ok=True)
    linked.resources_dir.symlink_to(secret, target_is_directory=True)

    done = corpus_cli("extract", cwd=corpus_root)
    assert done.returncode == 1
    report = [line for line in done.stderr.splitlines() if not line.startswith("extracting:")]
    assert report == [f"{linked.path}:0: {linked.resources_dir}: is a symbolic link; samples and their "
                      "resources must be real files and folders inside the set", "1 problem(s) in 1 page(s)"]
    assert not has_inline_data(good.path.read_bytes())
    assert list(secret.iterdir()) == []  # nothing was written through the link
    findings = [str(f) for f in check_paths(corpus_root, [])]
    assert "samples/training/1.html:1: empty page" in findings
    assert any(f.startswith("samples/training/resources/3:1: symbolic link") for f in findings)

    linked.resources_dir.unlink()
    again = corpus_cli("extract", cwd=corpus_root)
    assert again.returncode == 0, again.stderr
    assert "1 of 3 page(s) extracted" in again.stdout


def test_check_reports_a_reference_with_a_name_too_long_for_the_os(corpus_root: Path):
    from tests.extract.pages import LONG_SEGMENT

    write_sample(corpus_root, freeze_dry_page(f'<img src="resources/1/{LONG_SEGMENT}.png">'), "n1.html", "training")
    write_sample(corpus_root, freeze_dry_page(f'<img src="resources/n2/{LONG_SEGMENT}.png">'), "n2.html", "training")
    findings = [str(f) for f in check_paths(corpus_root, [])]
    assert any(f.startswith("samples/training/n1.html:7: refers to `resources/1/xxx") and "outside" in f
               for f in findings)
    assert any(f.startswith("samples/training/n2.html:7: refers to missing resource") for f in findings)


@pytest.mark.parametrize("payload, expected", [
    (b"QQ==", b"A"), (b"QQ", b"A"), (b"Q Q\n= =", b"A"), (b"QQ%3D%3D", b"A"), (b"QUJ", b"AB"),
    (b"QR==", b"A"),  # spare bits are ignored
    (b"QQ=", None), (b"QQ===", None), (b"QQ==QQ==", None), (b"Q", None), (b"QQ*", None),
])
def test_base64_payloads_decode_as_the_fetch_standard_says(payload: bytes, expected: bytes | None):
    """The forgiving-base64 decode: what decodes is restored exactly, what fails is a leftover."""
    from corpus.extract.payload import Malformed, decode_base64, encode_base64

    if expected is None:
        with pytest.raises(Malformed):
            decode_base64(payload)
        return
    data, spelling = decode_base64(payload)
    assert data == expected
    assert spelling.apply(encode_base64(data)) == payload


@pytest.mark.parametrize("tag, kept", [
    ('<img src="DATA" crossorigin>', '<img src="REF">'),
    ('<img src="DATA"\n   integrity="sha384-x" crossorigin=anonymous/>', '<img src="REF">'),
    ("<IMG CROSSORIGIN='use-credentials' SRC=\"DATA\">", '<IMG SRC="REF">'),
    ('<script integrity="sha-1" src="DATA"></script><link crossorigin href="https://x/">',
     '<script src="REF"></script><link crossorigin href="https://x/">'),  # no data URL: kept
    ('<video crossorigin poster="DATA"></video>', '<video crossorigin poster="REF"></video>'),
])
def test_crossorigin_and_integrity_go_only_where_a_data_url_became_a_file(tmp_path: Path, tag: str, kept: str):
    url = f"data:image/png;base64,{b64(png((1, 2, 3)))}"
    original = freeze_dry_page(tag.replace("DATA", url))
    sample = write_sample(tmp_path, original)
    extract_sample(sample)
    page = sample.path.read_bytes()
    (ref,) = REF.findall(page)
    assert f"<body>{kept.replace('REF', 'resources/1/' + ref.decode())}</body>".encode() in page
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_a_data_url_after_an_ordinary_srcset_candidate_is_extracted(tmp_path: Path):
    url = f"data:image/png;base64,{b64(png((9, 9, 9)))}"
    original = freeze_dry_page(f'<img srcset="https://example.com/a-long-name-for-the-small-picture.png 1x,\n'
                               f'   {url} 2x" imagesrcset=\'{url} 1x\'>')
    sample = write_sample(tmp_path, original)
    result = extract_sample(sample)
    assert result.problems == [] and len(REF.findall(sample.path.read_bytes())) == 2
    assert extract_sample(sample).changed is False  # read the same way once extracted
    assert inline_sample(sample) and sample.path.read_bytes() == original


@pytest.mark.parametrize("tag, kept", [
    ('<base href="https://example.com/">', '<base data-corpus-href="https://example.com/">'),
    ("<BASE target=_top HREF='https://x/a b/' >", "<BASE target=_top data-corpus-href='https://x/a b/' >"),
    ("<base/href = https://example.com/>", "<base/data-corpus-href = https://example.com/>"),
    ('<base title="a href=x" href="https://x/">', '<base title="a href=x" data-corpus-href="https://x/">'),
    ('<base href="https://x/" href>', '<base data-corpus-href="https://x/" data-corpus-href>'),
    # inline finds the renamed one by where it is, not by the first "data-corpus-href" in the page
    ('<i data-corpus-href=a></i><base href="https://x/">', '<i data-corpus-href=a></i><base data-corpus-href="https://x/">'),
    # A ">" in a value: the browser reads the tag on past it, the scanner stops there; left alone.
    ('<base title="x>" href="https://example.com/">', '<base title="x>" href="https://example.com/">'),
])
def test_a_base_tag_keeps_everything_but_the_name_href(tmp_path: Path, tag: str, kept: str):
    url = f"data:image/png;base64,{b64(png((1, 2, 3)))}"
    original = freeze_dry_page(f'<img src="{url}">', head=tag)
    sample = write_sample(tmp_path, original)
    assert extract_sample(sample).problems == []
    assert f"{kept}</head>".encode() in sample.path.read_bytes()
    assert extract_sample(sample).changed is False
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_a_page_labeled_after_extraction_inlines_with_its_label(tmp_path: Path):
    """The usual order: add (which extracts), then label. A label right before a dropped
    `crossorigin` changes the text inline finds the spot by; it still goes back there."""
    url = f"data:image/png;base64,{b64(png((1, 2, 3)))}"
    tag = f'<img alt="Logo" crossorigin="anonymous" src="{url}">'
    original = freeze_dry_page(f"<p>one</p>{tag}<p>two</p>{tag.replace('Logo', 'Other')}")
    sample = write_sample(tmp_path, original)
    assert extract_sample(sample).changed
    extracted = sample.path.read_bytes()
    assert extracted.count(b"crossorigin") == 0
    sample.path.write_bytes(extracted.replace(b'<img alt="Logo"', b'<img data-fathom="logo" alt="Logo"'))

    assert inline_sample(sample)
    assert sample.path.read_bytes() == original.replace(b'<img alt="Logo"', b'<img data-fathom="logo" alt="Logo"')


@pytest.mark.parametrize("manifest", ["{", "[" * 100_000, '{"format": "corpus-extract", "version": 1, "layers": 7}'])
def test_a_damaged_manifest_is_refused_naming_it_and_the_page_stays(tmp_path: Path, manifest: str):
    sample = write_sample(tmp_path, freeze_dry_page(f'<img src="data:image/png;base64,{b64(png((1, 2, 3)))}">'))
    extract_sample(sample)
    (sample.resources_dir / "manifest.json").write_text(manifest)
    before = tree(tmp_path)
    with pytest.raises(CorpusError, match=r"manifest\.json: unreadable extraction manifest: [^\n]*$"):
        inline_sample(sample)
    assert tree(tmp_path) == before


PARAGRAPH = "<p>A paragraph long enough to fill the text recorded before a drop.</p>"
ICON = '<link rel=icon href="data:,"'


@pytest.mark.parametrize("body", [
    # The text before both drops is the same: the search for the second found the first one's,
    # ending where the first drop had just been put back, and put both on the first tag.
    f"{PARAGRAPH}{ICON} crossorigin><input id=a>{PARAGRAPH}{ICON} crossorigin>",
    # Only the second has crossorigin: the first lookalike found was taken. The nearest one wins.
    f"{PARAGRAPH}{ICON}><input id=a>{PARAGRAPH}{ICON} crossorigin>",
    # A renamed <base href> was found by the first "data-corpus-href" in the page.
    '<input id=a><p>Tags we write: data-corpus-href.</p><base href="https://x/">',
])
def test_after_a_label_each_attribute_goes_back_to_its_own_tag(tmp_path: Path, body: str):
    original = freeze_dry_page(body)
    sample = write_sample(tmp_path, original)
    assert extract_sample(sample).changed
    sample.path.write_bytes(sample.path.read_bytes().replace(b"<input id=a>", b'<input id=a data-fathom="new">'))
    assert inline_sample(sample)
    assert sample.path.read_bytes() == original.replace(b"<input id=a>", b'<input id=a data-fathom="new">')


def test_an_older_manifest_that_dropped_the_whole_base_tag_still_inlines(tmp_path: Path):
    from corpus.extract.manifest import ExtractionLayer, Manifest, save_manifest

    original = freeze_dry_page("<p>x</p>", head='<base href="https://example.com/">')
    tag_at = original.index(b"<base")
    extracted = original.replace(b'<base href="https://example.com/">', b"")
    sample = write_sample(tmp_path, extracted)
    sample.resources_dir.mkdir(parents=True)
    drop = {"kind": "drop", "old": '<base href="https://example.com/">', "gap": tag_at,
            "before": original[:tag_at][-64:].decode("latin-1")}
    layer = ExtractionLayer(len(original), hashlib.sha256(original).hexdigest(),
                            len(extracted), hashlib.sha256(extracted).hexdigest(), [drop])
    save_manifest(sample, Manifest(sample.path.name, [layer]))
    assert inline_sample(sample) and sample.path.read_bytes() == original


@pytest.mark.parametrize("body", [
    # crossorigin/integrity holding the data URL itself: dropping the attribute took the URL with it.
    b'<img integrity=data:,hello>',
    b'<img crossorigin=data:,hello src="data:,x">',
    b'<img data: integrity=data:,</body>',
    # A <base> tag in the middle of text: removing it whole joined the text around it into a data URL,
    # removing its href value took the quote a data URL before it ended at, and removing the name
    # alone made "=" begin the next attribute's name.
    b'"data:,<base href="data:text/css,">',
    b'<base \x00=\x00 href="<base href="data:text/css,">',
    b'&quot;data:,\x00<base <img src="data:text/css,">&quot;',
    b'<img src="data:text/css,">&quot;data:,<base &quot;',
    b'<img src="data:text/css,">srcset="data:,<img src=\'data:image/png,%00\' alt=x><img src="data:text/css,">',
    b'srcset="data:,<img src=\'data:text/css,\' alt=x><base <img src="data:text/css,">',
    b'<img src="data:text/css,">"data:,<img srcset="data:text/css;base64, 1x, data:text/css;base64, 2x">',
    b'<img src="data:text/css,">url("data:,<img srcset="data:text/css, 1x, data:text/css, 2x">',
])
def test_markup_soup_reads_the_same_before_and_after_extraction(tmp_path: Path, body: bytes):
    """Cases the property test found: extraction must not change how the rest of a page is read."""
    original = b'<!DOCTYPE html><html><head><meta charset="utf-8">' + body + b"</body></html>"
    sample = write_sample(tmp_path, original)
    first = extract_sample(sample)
    extracted = tree(tmp_path)
    assert not has_inline_data(sample.path.read_bytes())
    second = extract_sample(sample)
    assert not second.changed and tree(tmp_path) == extracted
    assert {p.message for p in second.problems} <= {p.message for p in first.problems}
    assert inline_sample(sample) == first.changed and sample.path.read_bytes() == original
