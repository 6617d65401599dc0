"""`corpus label DIR TYPE`: label whole pages, `<html data-fathom="TYPE">`, as fathom label does.

Not by string replacement: the page's prologue is read as an HTML parser reads it
(byte order mark, blanks, comments, doctype, processing instructions), so the
`<html>` that counts is found in any case, with any attributes and line breaks,
and never inside a comment. The edit is the smallest one: the attribute inserted
right after the tag name, or an existing `data-fathom` value replaced; a page
with no `<html>` tag (HTML lets it be left out) gets one where the parser would
open the element. Pages are planned first (an unlabelable page changes nothing),
then each is rewritten atomically.
"""

from __future__ import annotations

import html
import mmap
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import BadInput, CorpusError
from corpus.extract.extract import write_pieces
from corpus.parallel import Died, fastest_start, ordered_map
from corpus.samples.labeling import LABEL, label_span
from corpus.starttags import start_tag_at

BOM = b"\xef\xbb\xbf"
BLANKS = b" \t\n\r\f"
HTML_TAG = re.compile(rb"<html(?=[\s/>])", re.IGNORECASE)


@dataclass(frozen=True)
class PlannedLabel:
    """A whole-page label planned for the page file, applied later by `apply_label`:
    replace bytes [start, end) of the file with `new` (start == end inserts).

    (The viewer's in-memory change of one element's label is `corpus.samples.labeling.LabelEdit`.)
    """

    page: Path
    start: int
    end: int
    new: bytes
    previous: str | None  # the page's label before, if it had one

    @property
    def changes(self) -> bool:
        return self.new != b"" or self.start != self.end


def check_type(label_type: str) -> None:
    if not label_type or any(c.isspace() or not c.isprintable() for c in label_type):
        raise BadInput(f"{label_type!r}: a label type is one word (no blanks or control characters)")


def plan_label(page: Path, label_type: str) -> PlannedLabel:
    """The edit that labels `page` as a whole; BadInput naming the page if it cannot be."""
    with open(page, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        try:
            return _plan(page, buf, label_type)
        finally:
            if isinstance(buf, mmap.mmap):
                buf.close()


def _plan(page: Path, buf, label_type: str) -> PlannedLabel:
    pos = len(BOM) if buf[:3] == BOM else 0
    while True:
        while pos < len(buf) and buf[pos] in BLANKS:
            pos += 1
        if buf[pos:pos + 4] == b"<!--":
            end = buf.find(b"-->", pos + 2)  # `<!-->` closes at once, as browsers read it
            if end == -1:
                raise BadInput(f"{page}: unterminated comment before <html>; not labeled")
            pos = end + 3
        elif buf[pos:pos + 2] in (b"<!", b"<?"):  # doctype, or what the parser takes as a comment
            end = buf.find(b">", pos)
            if end == -1:
                raise BadInput(f"{page}: unterminated <!...> before <html>; not labeled")
            pos = end + 1
        elif HTML_TAG.match(buf, pos):
            return _edit_tag(page, buf, pos, label_type)
        elif buf[pos:pos + 1] == b"<":
            # No <html> tag: the parser opens the element here, so the tag goes here.
            value = html.escape(label_type, quote=True).encode()
            return PlannedLabel(page, pos, pos, b'<html %s="%s">' % (LABEL.encode(), value), None)
        else:
            raise BadInput(f"{page}: not an HTML page (no markup where <html> would start); not labeled")


def _edit_tag(page: Path, buf, start: int, label_type: str) -> PlannedLabel:
    """Within the start tag at `start`, the edit setting data-fathom, by the tokenizer's rules."""
    tag = start_tag_at(buf, start)
    if tag is None:
        raise BadInput(f"{page}: unterminated <html> tag or attribute; not labeled")
    edit = label_span(buf, tag, label_type)
    return PlannedLabel(page, edit.start, edit.end, edit.new, edit.old)


def apply_label(edit: PlannedLabel) -> bool:
    """Rewrite the page with the edit (atomically, streamed); False when it had the label already."""
    if not edit.changes:
        return False
    mode = edit.page.stat().st_mode & 0o7777
    with open(edit.page, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        view = memoryview(buf)
        pieces = [view[:edit.start], edit.new, view[edit.end:]]
        write_pieces(edit.page, pieces, mode)
        del pieces, view  # let go of the map before it closes
        if isinstance(buf, mmap.mmap):
            buf.close()
    return True


def label_pages(pages: list[Path], label_type: str, workers: int = 1,
                on_page: Callable[[], None] | None = None) -> list[tuple[PlannedLabel, bool]]:
    """Plan every page (refusing before any change), then apply the edits; (edit, changed) each.

    `on_page()` is called as each page is done (for a progress display).
    """
    return apply_labels(plan_labels(pages, label_type), workers, on_page)


def plan_labels(pages: list[Path], label_type: str) -> list[PlannedLabel]:
    """Every page's edit; BadInput naming the first page that cannot be labeled."""
    check_type(label_type)
    return [plan_label(page, label_type) for page in pages]


def apply_labels(edits: list[PlannedLabel], workers: int = 1,
                 on_page: Callable[[], None] | None = None) -> list[tuple[PlannedLabel, bool]]:
    """Apply planned edits (in worker processes); (edit, changed) each, in order."""
    results = []
    for edit, changed in zip(edits, ordered_map(apply_label, edits, workers=min(workers, len(edits)),
                                                start=fastest_start(), name=lambda edit: str(edit.page))):
        if isinstance(changed, Died):
            raise CorpusError(f"{changed.message} (out of memory? killed?); the page is whole, labeled or not: "
                              "run the command again to finish")
        results.append((edit, changed))
        if on_page is not None:
            on_page()
    return results
