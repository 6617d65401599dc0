"""Labels written into a page's bytes: one attribute of one start tag, nothing else.

A label is `data-fathom="<type>"` on an element (or on `<html>` for a whole-page
label). An edit changes only that attribute's bytes, so the diff of a relabeled
sample is one attribute, whatever the page's quoting, case or invalid UTF-8.
Elements are named by their start tag's number in the page (see
`corpus.render.facts.start_tags`), the same number the renderer marks them with.
`corpus label` (whole pages, `corpus.samples.label`) and the viewer both edit
through `label_span`.
"""

from __future__ import annotations

import hashlib
import html as html_text
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import BadInput, CorpusError
from corpus.extract.pagefile import stage_folder
from corpus.samples import journal
from corpus.starttags import StartTag, start_tags
from corpus.store import gitcli
from corpus.store.atomic import atomic_write
from corpus.tree.sample import Sample, refuse_linked_sample

LABEL = "data-fathom"

# An attribute inside a start tag, as the HTML tokenizer reads it: a name (which may
# start with `=`), then optionally `=` and a double-quoted, single-quoted or unquoted value.
_ATTRIBUTE = re.compile(
    rb"""(?P<space>[\s/]*)(?P<name>[^\s/>][^\s/>=]*)"""
    rb"""(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s>]*)))?"""
)


@dataclass(frozen=True)
class SpanEdit:
    """Replace bytes [start, end) of the page with `new` (start == end inserts)."""

    start: int
    end: int
    new: bytes
    old: str | None  # the label before (None: there was none; "": a bare attribute)

    def apply(self, page: bytes) -> bytes:
        return page[:self.start] + self.new + page[self.end:]


@dataclass(frozen=True)
class LabelEdit:
    """The page before and after one label change, and what changed."""

    before: bytes
    after: bytes
    element: int  # start tag number
    old: str | None  # the label it had
    new: str | None  # the label it has now


@dataclass(frozen=True)
class _Attribute:
    name: str  # lowercased
    start: int  # with the blanks before it: removing page[start:end] removes it cleanly
    name_end: int
    end: int
    value_start: int | None  # None: a bare attribute (`<input data-fathom>`)
    value_end: int | None
    quoted: bool


def _attributes(page: bytes, tag: StartTag) -> list[_Attribute]:
    found = []
    pos = tag.name_end
    limit = tag.end - 1  # the closing `>`
    while pos < limit:
        m = _ATTRIBUTE.match(page, pos, limit)
        if m is None or not m.group("name"):
            break
        group = next((g for g in ("dq", "sq", "uq") if m.group(g) is not None), None)
        found.append(_Attribute(
            bytes(m.group("name")).decode("latin-1").lower(), m.start(), m.end("name"), m.end(),
            m.start(group) if group else None, m.end(group) if group else None, group in ("dq", "sq"),
        ))
        pos = m.end()
    return found


def _label_attribute(page: bytes, tag: StartTag) -> _Attribute | None:
    # The first one counts: browsers drop repeated attributes.
    return next((a for a in _attributes(page, tag) if a.name == LABEL), None)


def _value(page: bytes, attribute: _Attribute | None) -> str | None:
    if attribute is None:
        return None
    if attribute.value_start is None:
        return ""
    return html_text.unescape(bytes(page[attribute.value_start:attribute.value_end]).decode("utf-8", "replace"))


def label_span(page: bytes, tag: StartTag, label: str | None) -> SpanEdit:
    """The smallest edit giving the start tag `tag` the label `label` (None removes it).

    An existing value is replaced in place, keeping the page's quotes (an unquoted
    one gets double quotes); a bare attribute gets a value; a missing one is added
    right after the tag name. `page` may be bytes or a memory map.
    """
    attribute = _label_attribute(page, tag)
    old = _value(page, attribute)
    if old == label:
        return SpanEdit(tag.name_end, tag.name_end, b"", old)
    value = html_text.escape(label, quote=True).encode() if label is not None else b""
    if attribute is None:
        return SpanEdit(tag.name_end, tag.name_end, b' %s="%s"' % (LABEL.encode(), value), None)
    if label is None:
        return SpanEdit(attribute.start, attribute.end, b"", old)
    if attribute.value_start is None:
        return SpanEdit(attribute.name_end, attribute.name_end, b'="' + value + b'"', old)
    if attribute.quoted:
        return SpanEdit(attribute.value_start, attribute.value_end, value, old)  # escaped for either quote
    return SpanEdit(attribute.value_start, attribute.value_end, b'"' + value + b'"', old)


def set_label(page: bytes, element: int, label: str | None) -> LabelEdit:
    """Give start tag number `element` the label `label` (None removes it)."""
    tag = next((t for i, t in enumerate(start_tags(page)) if i == element), None)
    if tag is None:
        raise BadInput(f"element {element}: the page has no such start tag")
    edit = label_span(page, tag, label)
    return LabelEdit(page, edit.apply(page), element, edit.old, label)


def html_element(page: bytes) -> int:
    """The start tag number of the page's `<html>` element (for a whole-page label)."""
    for i, tag in enumerate(start_tags(page)):
        if page[tag.start + 1:tag.name_end].lower() == b"html":
            return i
    raise BadInput("the page has no <html> start tag to hold a whole-page label")


def labels_by_element(page: bytes) -> dict[int, str]:
    """Every labeled start tag's number and its label, in page order."""
    found = {}
    for i, tag in enumerate(start_tags(page)):
        label = _value(page, _label_attribute(page, tag))
        if label is not None:
            found[i] = label
    return found


KIND = "label"  # the journal's name for a label change (see journal.py, recovery.py)


def write_label(root: Path, sample: Sample, edit: LabelEdit) -> None:
    """Write a label change into the sample and stage it, journaled as other tree changes are.

    The caller holds the writer lock. The page must still hold `edit.before`. A kill
    at any moment leaves either the old page (the plan rolls back: nothing to do) or
    the new one, which recovery stages (`finish_labels`).
    """
    refuse_linked_sample(sample)  # before the journal: a write through a link would leave the tree
    if sample.path.read_bytes() != edit.before:
        raise CorpusError(f"{sample.relpath}: changed on disk since it was read; reload it")
    entry = {"page": sample.relpath, "sha256": hashlib.sha256(edit.after).hexdigest()}
    journal.write_plan(root, journal.Plan(KIND, [entry]))
    atomic_write(sample.path, edit.after, stage_folder(root))  # a kill leaves no temp in the set
    finish_labels(root, [entry])
    journal.close_plan(root)


def finish_labels(root: Path, entries: list[dict[str, str]]) -> int:
    """Stage each page that holds its new bytes; the others never changed. How many were staged."""
    landed = [e["page"] for e in entries
              if (root / e["page"]).is_file() and hashlib.sha256((root / e["page"]).read_bytes()).hexdigest() == e["sha256"]]
    if landed:
        gitcli.run_gated(root, "add", "--", *landed)
    return len(landed)
