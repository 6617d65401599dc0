"""What a page still inlines, without extracting anything: for `check`, `status` and the hooks.

Uses the extractor's own scanner and decoders, so the answer always agrees with
what `extract` would do: a data URL is *extractable* when it decodes to at least
one byte (empty ones, `data:;base64,`, stay in the page by design), and a
*leftover* when it looks like a data URL but cannot be extracted (malformed or
truncated payload, or no URL position), which `extract` reports and leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.extract.dataurl import DataURL, Leftover, scan
from corpus.extract.mime import media_type
from corpus.extract.pagefile import open_page
from corpus.extract.payload import Malformed, decode_base64, decode_plain

RECURSE_INTO = {"text/css": False, "text/html": True}  # media type -> is an HTML document
MAX_NESTING = 8


@dataclass
class Survey:
    extractable: int = 0  # data URLs `extract` would move out
    leftovers: list[tuple[int, str]] = field(default_factory=list)  # (page offset, why it stays)


def _decoded(buf, url: DataURL) -> bytes:
    payload = memoryview(buf)[url.payload_start:url.end]
    if url.base64:
        return decode_base64(payload, url.html_escaped)[0]
    return decode_plain(payload, url.html_escaped)


def has_inline_data(page) -> bool:
    """Whether a page (bytes or a map) still holds a data URL that `extract` would move out."""
    for found in scan(page, True):
        if isinstance(found, DataURL):
            try:
                if _decoded(page, found):
                    return True
            except Malformed:
                continue
    return False


def page_has_inline_data(path: Path) -> bool:
    """`has_inline_data` for a file, without reading it all into memory."""
    with open_page(path) as buf:
        return has_inline_data(buf)


def survey(page, html_document: bool = True, depth: int = 0) -> Survey:
    """Every data URL of a page, counted as extractable or listed as a leftover (page offsets).

    A leftover inside an inlined stylesheet is listed at the stylesheet's offset.
    """
    result = Survey()
    for found in scan(page, html_document):
        if isinstance(found, Leftover):
            result.leftovers.append((found.offset, found.message))
        elif isinstance(found, DataURL):
            try:
                content = _decoded(page, found)
            except Malformed as e:
                result.leftovers.append((found.start, f"malformed data URL left in place: {e}"))
                continue
            if not content:
                continue
            result.extractable += 1
            mime = media_type(found.mime)
            if mime in RECURSE_INTO and depth < MAX_NESTING:
                inner = survey(content, RECURSE_INTO[mime], depth + 1)
                result.extractable += inner.extractable
                result.leftovers += [(found.start, f"in the {mime} data URL, at offset {offset}: {message}")
                                     for offset, message in inner.leftovers]
    return result
