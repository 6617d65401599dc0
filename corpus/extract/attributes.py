"""Attributes extraction drops (`crossorigin` and `integrity` on tags whose data URLs
move out) or renames (`href` on `<base>`).

A saved page keeps them from the live site. Once `<link rel=stylesheet
crossorigin href="data:...">` points at a file, Chromium opening the page from
disk refuses the stylesheet (a CORS request to a file:// URL fails), and an
`integrity` hash made for the live file blocks it too; so extraction drops both
from `<link>`, `<img>` and `<script>` tags that hold a data URL (the manifest
records each drop so `inline` puts it back).

A `<base href>` would send the relative names of extracted files to the live site,
so its `href` is renamed: `<base href="https://x/">` becomes `<base
data-corpus-href="https://x/">`, which sets no base URL. Only the name changes,
because a page must read the same before and after extraction: removing the
whole tag joined the text on both sides into new data URLs, removing the value
took quotes that a data URL before the tag ended at, and removing the name alone
turned its `=` into the start of the next attribute's name.

Found without parsing: both words are rare, so the markup is searched for them (a
C-speed `find`), and only around each hit is the enclosing tag looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

NAMES = (b"crossorigin", b"integrity")
_TAG_NAME = re.compile(rb"<(?:link|img|script)[\s/]", re.IGNORECASE)
# The attribute with the whitespace before it, so the tag stays tidy.
_ATTRIBUTE = re.compile(rb"""\s+(?P<name>crossorigin|integrity)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
                        rb"""(?=[\s/>])""", re.IGNORECASE)
# What the values really hold: crossorigin a keyword (browsers take any word), integrity hashes
# (`sha384-<base64>`, space-separated). A value that is a URL is the tag's resource, never dropped.
_CROSSORIGIN_VALUE = re.compile(rb"[^:/]*/?\Z")  # ("anonymous/>": the slash is part of the value)
_INTEGRITY_HASH = re.compile(rb"[A-Za-z0-9]+-[A-Za-z0-9+/=_-]*(?:\?\S*)?")
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
            if attribute is None or not _plain_value(attribute):
                continue
            tag_start = buf.rfind(b"<", 0, before)
            if tag_start == -1 or buf.find(b">", tag_start, before) != -1 or not _TAG_NAME.match(buf, tag_start):
                continue
            tag_end = buf.find(b">", attribute.end())
            if tag_end == -1 or _DATA.search(buf, tag_start, tag_end) is None:
                continue
            spans.add((attribute.start(), attribute.end()))
    return sorted(spans)


def _plain_value(attribute: re.Match) -> bool:
    value = (attribute.group("value") or b"").strip(b"\"'")
    if attribute.group("name").lower() == b"crossorigin":
        return _CROSSORIGIN_VALUE.match(value) is not None
    return all(_INTEGRITY_HASH.fullmatch(token) for token in value.split())


def base_href_names(buf, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the attribute names `href` of the `<base` tag buf[start:end], which ends at its
    first `>`; none when the tag is not plain to read.

    Attributes are read as the HTML tokenizer reads them, so an `href=` inside another
    attribute's value is not taken for one. A quote left open before the `>` means the
    browser reads the tag on past it: such a tag is left as it is.
    """
    tag = bytes(buf[start:end])
    pos = 5  # past "<base"
    stop = len(tag) - 1 if tag.endswith(b">") else len(tag)
    names = []
    while True:
        while pos < stop and (tag[pos] in _WHITESPACE or tag[pos] == 0x2F):  # "/" between attributes
            pos += 1
        if pos >= stop:
            return names
        name_start = pos
        pos += 1  # a name may begin with "="
        while pos < stop and tag[pos] not in _WHITESPACE and tag[pos] not in b"/=":
            pos += 1
        if tag[name_start:pos].lower() == b"href":
            names.append((start + name_start, start + pos))
        after_name = pos
        while pos < stop and tag[pos] in _WHITESPACE:
            pos += 1
        if pos < stop and tag[pos] == 0x3D:  # "="
            pos += 1
            while pos < stop and tag[pos] in _WHITESPACE:
                pos += 1
            if pos < stop and tag[pos] in b"\"'":
                close = tag.find(tag[pos:pos + 1], pos + 1, stop)
                if close == -1:
                    return []
                pos = close + 1
            else:
                while pos < stop and tag[pos] not in _WHITESPACE:
                    pos += 1
        else:
            pos = after_name  # no value: what follows the name starts the next attribute
