"""Finding `data:` URLs in HTML or CSS bytes (payload.py decodes them).

The scanner never looks at payload bytes one by one in Python: it finds a URL's
start with a regex over the markup between payloads, decides from the few bytes
before it where the URL must end (a quote, `)`, whitespace in `srcset`), and jumps
there with `bytes.find`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

WHITESPACE = b" \t\n\r\f"
LOOKBEHIND = 64

# `data\:` is how CSS may spell the colon (an escape); browsers read it as `data:`.
_DATA = rb"(?<![A-Za-z0-9_\-.+])[dD][aA][tT][aA](?:\\)?:"
# A srcset is taken as a whole, wherever its data URLs sit among its candidates
# (`srcset="a.png 1x, data:... 2x"`): the scan then reads a page the same way before
# and after some of its URLs were extracted.
_CANDIDATE_HTML = re.compile(_DATA + rb"|<[bB][aA][sS][eE](?=[\s/>])|<[mM][eE][tT][aA](?=[\s/>])"
                             rb"|[sS][rR][cC][sS][eE][tT]\s*=\s*([\"'])")
_CANDIDATE_CSS = re.compile(_DATA)
_DATA_IN = re.compile(rb"[dD][aA][tT][aA]:")
_MARKUP = re.compile(rb"[<>]")
HEADER_LIMIT = 256  # bytes between `data:` and its comma, at most (real headers are < 100)
# Bytes no header holds: they end the URL in every context the scanner knows.
_NOT_IN_HEADER = re.compile(rb"[\"'<>()\\`]")
# A header with whitespace must still look like a media type (`text/html; charset=x`):
# prose such as `data: 1, 2` is not a URL.
_MEDIA_TYPE_LIKE = re.compile(rb"(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+)?[ \f]*(?:;.*)?\Z", re.DOTALL)
_BASE64_PARAM = re.compile(rb";\x20*base64\Z", re.IGNORECASE)
URL_STRIPPED = b"\t\n\r"  # the URL parser drops these anywhere in a URL
# What precedes a URL decides where it ends. Leftmost alternative wins in a search,
# so `url("` beats the bare quote and `srcset="` beats `="`.
_CONTEXT = re.compile(
    rb"""(?:(?P<url>url\((?:\s|&\#(?:9|10|13|x[9aAdD]);)*(?P<url_quote>["']|&quot;)?(?:\s|&\#(?:9|10|13|x[9aAdD]);)*)
          |(?P<srcset>srcset\s*=\s*(?P<srcset_quote>["']))
          |(?P<attr>=\s*(?P<attr_quote>["'])?)
          |(?P<string>["']|&quot;))\Z""",
    re.IGNORECASE | re.VERBOSE,
)
_UNQUOTED_END = re.compile(rb"[\s>\"'`]")
_CSP_META = re.compile(rb"http-equiv\s*=\s*[\"']?content-security-policy[\"'\s/>]", re.IGNORECASE)
_CONTENT_ATTR = re.compile(rb"""\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


@dataclass(frozen=True)
class DataURL:
    start: int  # offset of "data:"
    payload_start: int  # just past the header's comma
    end: int  # just past the last payload byte
    mime: str  # the declared media type as written, "" when missing
    base64: bool
    html_escaped: bool  # in an HTML attribute: character references apply to the payload


@dataclass(frozen=True)
class Leftover:
    """Something that looks like a data URL but cannot be extracted: it stays, and is reported."""

    offset: int
    message: str


@dataclass(frozen=True)
class BaseTag:
    start: int
    end: int


@dataclass(frozen=True)
class CspContent:
    start: int  # the span of the content attribute's value
    end: int


Found = DataURL | Leftover | BaseTag | CspContent


def _is_space(byte: int) -> bool:
    return byte in WHITESPACE


def _header(buf, start: int) -> tuple[int, str, bool] | None:
    """Where the payload of the data URL at `start` begins, its media type, and whether it is base64.

    Follows the fetch standard's data: URL processor: the header is everything up to
    the first comma, tabs and newlines dropped, stripped of ASCII whitespace; it is
    base64 when it ends in `;` + spaces + `base64` (any case). Unlike the standard,
    a header must fit in HEADER_LIMIT bytes and hold no quote or bracket, so that a
    `data:` in prose or a broken URL never swallows the markup after it.
    """
    colon = buf.find(b":", start, start + 6) + 1
    comma = buf.find(b",", colon, colon + HEADER_LIMIT)
    if colon == 0 or comma == -1:
        return None
    header = bytes(buf[colon:comma])
    if _NOT_IN_HEADER.search(header):
        return None
    spaced = header.translate(None, WHITESPACE) != header
    header = header.translate(None, URL_STRIPPED).strip(WHITESPACE)
    if spaced and not _MEDIA_TYPE_LIKE.match(header):
        return None
    base64 = _BASE64_PARAM.search(header)
    mime = header[:base64.start()].rstrip(b" ") if base64 else header
    return comma + 1, mime.decode("ascii", "replace"), base64 is not None


def _data_url(buf, start: int, end: int, html_escaped: bool,
              header: tuple[int, str, bool] | None = None) -> DataURL | None:
    """The data URL at `start` ending by `end`; `header` is `_header(buf, start)` when already read."""
    if header is None:
        header = _header(buf, start)
    if header is None or header[0] > end:
        return None
    while end > header[0] and _is_space(buf[end - 1]):
        end -= 1
    return DataURL(start, header[0], end, header[1], header[2], html_escaped)


def _srcset(buf, value_start: int, value_end: int) -> Iterator[DataURL | Leftover]:
    """The data URLs among a srcset's candidates, and a Leftover for each base64 one elsewhere
    in the value (where a descriptor or another URL is), in order."""
    urls = list(_srcset_candidates(buf, value_start, value_end))
    gaps = zip([value_start, *(url.end for url in urls)], [*(url.start for url in urls), value_end])
    stray = [Leftover(found.start(), "base64 data URL inside a srcset but not a candidate of it: left in place")
             for gap_start, gap_end in gaps for found in _CANDIDATE_CSS.finditer(buf, gap_start, gap_end)
             if (header := _header(buf, found.start())) is not None and header[2]]
    if not stray:
        yield from urls
        return
    yield from sorted([*urls, *stray], key=lambda found: found.start if isinstance(found, DataURL) else found.offset)


def _srcset_candidates(buf, value_start: int, value_end: int) -> Iterator[DataURL]:
    """The data URLs among a srcset's candidates (URLs end at whitespace; trailing commas go)."""
    pos = value_start
    while pos < value_end:
        while pos < value_end and (_is_space(buf[pos]) or buf[pos] == 0x2C):
            pos += 1
        if pos >= value_end:
            return
        url_end = value_end
        for space in WHITESPACE:
            found = buf.find(bytes((space,)), pos, url_end)
            if found != -1:
                url_end = found
        stripped = url_end
        while stripped > pos and buf[stripped - 1] == 0x2C:
            stripped -= 1
        if _CANDIDATE_CSS.match(buf, pos):
            found_url = _data_url(buf, pos, stripped, html_escaped=True)
            if found_url is not None:
                yield found_url
        if stripped < url_end:  # the URL ended with a comma: no descriptors follow
            pos = url_end
            continue
        comma = buf.find(b",", url_end, value_end)
        pos = value_end if comma == -1 else comma + 1


def _first_data_url(buf, pos: int) -> int | None:
    """Where the first thing that reads as a data URL (`data:` and a header) begins, from `pos`."""
    for found in _CANDIDATE_CSS.finditer(buf, pos):
        if _header(buf, found.start()) is not None:
            return found.start()
    return None


def _base64_in_tag(buf, start: int, end: int, name: str) -> Iterator[Leftover]:
    """A base64 data URL inside the `<base>` or `<meta>` tag buf[start:end] stays (no browser loads
    it from there: a refresh to a data: URL is blocked too), and is reported."""
    for found in _CANDIDATE_CSS.finditer(buf, start, end):
        header = _header(buf, found.start())
        if header is not None and header[2]:
            yield Leftover(found.start(), f"base64 data URL inside a <{name}> tag, where no browser loads it: "
                                          "left in place")


def scan(buf, html_document: bool) -> Iterator[Found]:
    """Everything extraction rewrites in `buf` (bytes or mmap), in order, without overlaps, and
    the Leftovers it reports (those yielded after a `<base>` or `<meta>` tag point inside it).

    `html_document` adds `<base>` tags and CSP `<meta>` tags to the data URLs.

    One loop on purpose: it runs once per candidate over 200 MB pages, and each call
    split out of it costs a measurable share of extraction (bench/extract.py).
    """
    candidates = _CANDIDATE_HTML if html_document else _CANDIDATE_CSS
    pos = 0
    consumed = 0  # the end of the last URL or tag taken: context is never read from inside one
    size = len(buf)
    while True:
        m = candidates.search(buf, pos)
        if m is None:
            return
        start = m.start()
        if m.lastindex:  # a srcset's opening quote (only HTML documents look for them)
            quote = m.group(1)
            value_end = buf.find(quote, m.end())
            if value_end == -1:
                if _DATA_IN.search(buf, m.end(), m.end() + LOOKBEHIND):
                    yield Leftover(m.end(), f"truncated data URL: no closing {quote.decode()} for the srcset")
                pos = m.end()
                continue
            yield from _srcset(buf, m.end(), value_end)
            pos = consumed = value_end
            continue
        if buf[start] == 0x3C:  # "<": a base or meta tag
            name = bytes(buf[start + 1:start + 5]).decode().lower()
            close = buf.find(b">", start)
            if close == -1:  # browsers drop a tag cut off by the end of the file, and all after it
                after = _first_data_url(buf, start)
                if after is not None:
                    yield Leftover(after, f"data URL after a <{name} tag that never closes (is the page cut off?)")
                return
            pos = consumed = close + 1
            if name == "base":
                yield BaseTag(start, pos)
            else:
                tag = bytes(buf[start:pos])
                content = _CONTENT_ATTR.search(tag) if _CSP_META.search(tag) else None
                if content is not None:
                    group = 1 if content.group(1) is not None else 2
                    yield CspContent(start + content.start(group), start + content.end(group))
            yield from _base64_in_tag(buf, start, pos, name)  # after the tag: only reports, pointing inside it
            continue
        # Once a URL is extracted its text is gone; reading context from inside it would
        # make the page read differently before and after.
        context = _CONTEXT.search(bytes(buf[max(consumed, start - LOOKBEHIND):start]))
        header = _header(buf, start)
        if context is None or header is None:
            if header is not None and header[2]:  # base64 data where no URL can be: say so
                yield Leftover(start, "base64 data URL where the scanner expects no URL (not in an "
                                      "attribute, url() or quotes)")
            pos = start + 5
            continue
        if context.group("srcset"):
            quote = context.group("srcset_quote")
            value_end = buf.find(quote, start)
            if value_end == -1:
                yield Leftover(start, f"truncated data URL: no closing {quote.decode()} for the srcset")
                pos = start + 5
                continue
            yield from _srcset(buf, start, value_end)
            pos = consumed = value_end
            continue
        if context.group("url"):
            terminator = context.group("url_quote") or b")"
            html_escaped = terminator == b"&quot;"
        elif context.group("attr") and context.group("attr_quote"):
            terminator, html_escaped = context.group("attr_quote"), True
        elif context.group("attr"):
            terminator, html_escaped = None, True
        else:
            terminator = context.group("string")
            html_escaped = terminator == b"&quot;"
        if terminator is None:
            end_match = _UNQUOTED_END.search(buf, start)
            end = size if end_match is None else end_match.start()
        else:
            end = buf.find(terminator, start)
            if end == -1:
                yield Leftover(start, f"truncated data URL: no closing {terminator.decode()}")
                pos = start + 5
                continue
            if context.group("string") and _MARKUP.search(buf, start, end):
                pos = start + 5  # quotes in text around markup (`"data:,<img ...`): no URL
                continue
        url = _data_url(buf, start, end, html_escaped, header)
        if url is not None:
            yield url
            consumed = url.end
        pos = max(end, start + 5)


# ---------------------------------------------------------------------------
# Content-Security-Policy


def csp_with_self(policy: bytes) -> bytes:
    """Add `'self'` to each source list of a policy, so extracted files may load.

    Lists that are exactly `'none'` stay closed: that keeps scripts and anything
    freeze-dry did not allow blocked. Already-open lists are left as they are.
    """
    parts = policy.split(b";")
    for i, part in enumerate(parts):
        m = re.match(rb"(\s*)(\S+)(.*)", part, re.DOTALL)
        if m is None or not m.group(2).lower().endswith(b"-src"):
            continue
        sources = m.group(3).lower().split()
        if not sources or sources == [b"'none'"] or b"'self'" in sources or b"*" in sources:
            continue
        parts[i] = m.group(1) + m.group(2) + b" 'self'" + m.group(3)
    return b";".join(parts)
