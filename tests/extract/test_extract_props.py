"""Property: for any page, inline(extract(page)) is the page, byte for byte, and extract is idempotent;
a page labeled after extraction inlines to the original with the label."""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.extract.extract import extract_sample
from corpus.extract.inline import inline_sample
from corpus.extract.survey import has_inline_data
from tests.extract.pages import FREEZE_DRY_CSP, tree, write_sample

# Markup-ish noise: the bytes that matter to the scanner, letters, and invalid UTF-8.
NOISE = st.binary(max_size=40) | st.lists(
    st.sampled_from([b"<", b">", b'"', b"'", b"=", b"(", b")", b",", b";", b" ", b"\n", b"url(", b"srcset=",
                     b"data:", b"data:,", b"&quot;", b"<base ", b"<meta ", b"a", b"src=", b"\xff", b"\xc3(", b"\x00",
                     b" href=", b"<base href=x>", b" crossorigin", b" integrity=", b"<img ", b"<link ", b"/"]),
    max_size=12,
).map(b"".join)

# What someone grepping an extracted page for leftovers would count: `data:`, a short header
# ending in base64, and at least one character of payload.
BASE64_URL = re.compile(rb"data:[^,\"'()<>]{0,100};\s*base64,[A-Za-z0-9+/]", re.IGNORECASE)

MIMES = st.sampled_from(["image/png", "img/png", "IMAGE/JPEG", "image/xicon", "application/octet-stream", "",
                         "font/woff2", "application/x-font-ttf", "image/svg+xml", "text/plain;charset=utf-8"])


@st.composite
def base64_spelling(draw, data: bytes) -> str:
    """Canonical base64 mostly; sometimes wrapped, unpadded, %3D-padded or with spare bits set."""
    text = base64.b64encode(data).decode()
    how = draw(st.sampled_from(["canonical"] * 4 + ["wrapped", "unpadded", "percent", "spare"]))
    if how == "wrapped":
        width = draw(st.integers(1, 20))
        eol = draw(st.sampled_from(["\n", "\r\n", " "]))
        return eol.join(text[i:i + width] for i in range(0, len(text), width))
    if how == "unpadded":
        return text.rstrip("=")
    if how == "percent":
        return text.replace("=", "%3D")
    if how == "spare" and text.endswith("="):
        last = text.rstrip("=")
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        bumped = alphabet[(alphabet.index(last[-1]) + 1) % 64]
        return last[:-1] + bumped + text[len(last):]
    return text


@st.composite
def data_url(draw, depth: int = 0) -> bytes:
    if depth < 2 and draw(st.integers(0, 4)) == 0:  # a stylesheet holding data URLs itself
        css = draw(st.lists(css_rule(depth + 1), max_size=3).map(b"".join))
        if draw(st.booleans()):
            return b"data:text/css;base64," + draw(base64_spelling(css)).encode()
        return b"data:text/css," + quote_from_bytes(css, safe="").encode()
    payload = draw(st.binary(max_size=24))
    mime = draw(MIMES)
    header = draw(st.sampled_from(["data:", "DATA:", "Data:"])) + mime
    if draw(st.integers(0, 3)) == 0:  # percent-encoded, as pages carry SVG
        return f"{header},".encode() + quote_from_bytes(payload, safe="/:").encode()
    if draw(st.integers(0, 12)) == 0:  # malformed: must be left in place
        return f"{header};base64,".encode() + draw(st.sampled_from([b"@@@", b"AAAAA", b"QQ==QQ=="]))
    return f"{header};base64,{draw(base64_spelling(payload))}".encode()


@st.composite
def css_rule(draw, depth: int) -> bytes:
    url = draw(data_url(depth))
    form = draw(st.sampled_from(['a{{background:url({})}}', 'b{{src:url("{}")}}', "c{{x:url('{}')}}",
                                 '@import "{}";']))
    return form.format(url.decode("latin-1")).encode("latin-1") + draw(NOISE)


@st.composite
def element(draw) -> bytes:
    url = draw(data_url()).decode("latin-1")
    form = draw(st.sampled_from([
        '<img src="{}">', "<img src='{}' alt=x>", '<video poster="{}">', '<a data-original-href="{}">',
        '<img srcset="{} 1x, {} 2x">', '<div style="background:url(&quot;{}&quot;)">',
        "<style>p{{background:url({})}}</style>", '<svg><image href="{}"/></svg>',
        '<link rel=stylesheet href="{}">', "<img src={}>", '<meta property="og:image" content="{}">',
        '<base href="{}">', '<img crossorigin src="{}" integrity="sha384-x">', "<link integrity={} crossorigin>",
    ]))
    return form.format(url, url).encode("latin-1")


@st.composite
def page(draw) -> bytes:
    head = b'<!DOCTYPE html><html><head><meta charset="utf-8">'
    if draw(st.booleans()):
        head += f'<meta http-equiv="Content-Security-Policy" content="{FREEZE_DRY_CSP}">'.encode()
    if draw(st.booleans()):
        head += b'<base href="https://example.com/">'
    parts = draw(st.lists(st.one_of(element(), NOISE), max_size=12))
    tail = draw(st.sampled_from([b"</body></html>", b"", b'<img src="data:image/png;base64,iVBOR']))
    return head + b"".join(parts) + tail


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(page())
def test_inline_undoes_extract_exactly_and_extract_is_idempotent(original: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sample = write_sample(root, original)
        first = extract_sample(sample)
        extracted = tree(root)
        assert not has_inline_data(sample.path.read_bytes())
        # A base64 data URL still in the page was reported, never left silently (one report may
        # cover two: a malformed URL whose payload runs on over another `data:`).
        assert first.problems or not BASE64_URL.search(sample.path.read_bytes())

        second = extract_sample(sample)
        assert not second.changed
        assert tree(root) == extracted
        # Problems inside extracted stylesheets are reported once, when they are extracted.
        assert {p.message for p in second.problems} <= {p.message for p in first.problems}

        assert inline_sample(sample) == first.changed
        assert sample.path.read_bytes() == original
        assert tree(root) == {sample.relpath: original}


LABELED = b"<input id=labeled>"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(page(), page(), st.sampled_from([b' data-fathom="new"', b' data-fathom="x" class="' + b"long " * 20 + b'"']))
def test_a_page_labeled_after_extraction_inlines_to_the_original_with_the_label(head: bytes, tail: bytes, label: bytes):
    original = head + LABELED + tail
    labeled_tag = LABELED[:-1] + label + b">"
    with tempfile.TemporaryDirectory() as tmp:
        sample = write_sample(Path(tmp), original)
        extract_sample(sample)
        extracted = sample.path.read_bytes()
        if original.count(LABELED) != 1 or extracted.count(LABELED) != 1:
            return  # the generated markup swallowed the tag into a data URL
        sample.path.write_bytes(extracted.replace(LABELED, labeled_tag))
        inline_sample(sample)
        assert sample.path.read_bytes() == original.replace(LABELED, labeled_tag)
