"""`crossorigin` and `integrity` on tags whose data URLs extraction moves out.

A saved page keeps them from the live site. Once `<link rel=stylesheet
crossorigin href="data:...">` points at a file, Chromium opening the page from
disk refuses the stylesheet (a CORS request to a file:// URL fails), and an
`integrity` hash made for the live file blocks it too; so extraction drops both
from `<link>`, `<img>` and `<script>` tags that hold a data URL (the manifest
records each drop so `inline` puts it back).

Found without parsing: both words are rare, so the markup is searched for them (a
C-speed `find`), and only around each hit is the enclosing tag looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

NAMES = (b"crossorigin", b"integrity")
_TAG_NAME = re.compile(rb"<(?:link|img|script)[\s/]", re.IGNORECASE)
# The attribute with the whitespace before it, so the tag stays tidy.
_ATTRIBUTE = re.compile(rb"""\s+(?:crossorigin|integrity)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?(?=[\s/>])""",
                        re.IGNORECASE)
_WHITESPACE = b" \t\n\r\f"
_DATA = re.compile(rb"[dD][aA][tT][aA]:")


def _hits(buf, word: bytes, start: int, end: int) -> Iterator[int]:
    """Offsets of the word as pages spell it (`crossorigin`, `crossOrigin`, `CROSSORIGIN`)."""
    spellings = {word, word.upper(), word.replace(b"origin", b"Origin")}
    for variant in spellings:
        pos = buf.find(variant, start, end)
        while pos != -1:
            yield pos
            pos = buf.find(variant, pos + 1, end)


def stale_attributes(buf, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of `crossorigin`/`integrity` attributes to drop that begin in buf[start:end], in order.

    The extractor asks about the markup between data URLs only, as its scan moves on: the
    payloads are never read again, and the page is never paged in ahead of the scan.
    """
    end = len(buf) if end is None else end
    spans: set[tuple[int, int]] = set()
    for word in NAMES:
        for hit in _hits(buf, word, start, end):
            before = hit - 1  # the attribute begins with the whitespace before its name
            if before < 0 or buf[before] not in _WHITESPACE:
                continue
            while before > 0 and buf[before - 1] in _WHITESPACE:
                before -= 1
            attribute = _ATTRIBUTE.match(buf, before)
            if attribute is None:
                continue
            tag_start = buf.rfind(b"<", 0, before)
            if tag_start == -1 or buf.find(b">", tag_start, before) != -1 or not _TAG_NAME.match(buf, tag_start):
                continue
            tag_end = buf.find(b">", attribute.end())
            if tag_end == -1 or _DATA.search(buf, tag_start, tag_end) is None:
                continue
            spans.add((attribute.start(), attribute.end()))
    return sorted(spans)
