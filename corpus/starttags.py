"""An HTML start-tag tokenizer over page bytes: where each start tag sits, found as a
browser's tokenizer finds it (never inside a comment, a doctype or raw text).

Marking elements for the renderer, labeling and inlining all need the same answer to
"which bytes are the N-th start tag", so they share this one reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Elements whose content the HTML tokenizer reads as text up to their end tag.
_RAW_TEXT = {b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes"}
_NEXT = re.compile(rb"<(!--|[!?/]|[A-Za-z])")
_TAG_NAME = re.compile(rb"[^\s/>]*")
_TAG_REST = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")


@dataclass(frozen=True)
class StartTag:
    """Where the N-th start tag of a page sits in its bytes: `html[start:end]` is the
    whole tag, `html[start + 1:name_end]` its name."""

    start: int
    name_end: int
    end: int


def start_tags(html: bytes) -> Iterator[StartTag]:
    """Every start tag of the page, in order, as an HTML tokenizer finds them.

    Comments, doctypes, end tags and the text of raw-text elements (`<script>`,
    `<style>`, `<textarea>`...) hold no start tags; everything after `<plaintext>` is text.
    """
    pos = 0
    n = len(html)
    while pos < n:
        m = _NEXT.search(html, pos)
        if m is None:
            return
        kind = m.group(1)
        if kind == b"!--":
            # `<!-->` and `<!--->` close at once; anything else at the next `-->`.
            start = m.end()
            if html.startswith(b">", start) or html.startswith(b"->", start):
                pos = html.index(b">", start) + 1
            else:
                end = html.find(b"-->", start)
                pos = n if end < 0 else end + 3
            continue
        if kind in (b"!", b"?", b"/"):  # doctype, bogus comment, processing instruction, end tag
            end = html.find(b">", m.end())
            pos = n if end < 0 else end + 1
            continue
        tag = start_tag_at(html, m.start())
        if tag is None:  # never closed: the rest of the page is inside the tag
            name_end = _TAG_NAME.match(html, m.start() + 1).end()
            yield StartTag(m.start(), name_end, n)
            return
        yield tag
        pos = tag.end
        name = bytes(html[tag.start + 1:tag.name_end]).lower()
        if name == b"plaintext":
            return
        if name in _RAW_TEXT:  # `<script/>` still opens raw text in HTML
            close = re.compile(rb"</" + re.escape(name) + rb"[\s/>]", re.IGNORECASE).search(html, pos)
            pos = n if close is None else close.start()


def start_tag_at(html: bytes, pos: int) -> StartTag | None:
    """The start tag opening at `pos` (where `html[pos]` is `<`), or None if it never closes."""
    name_end = _TAG_NAME.match(html, pos + 1).end()
    rest = _TAG_REST.match(html, name_end)
    return None if rest is None else StartTag(pos, name_end, rest.end())
