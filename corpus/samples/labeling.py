"""Labels written into a page's bytes: one attribute of one start tag, nothing else.

A label is `data-fathom="<type>"` on an element (or on `<html>` for a whole-page
label). An edit changes only that attribute's bytes, so the diff of a relabeled
sample is one attribute, whatever the page's quoting, case or invalid UTF-8.
Elements are named by their start tag's number in the page (see
`corpus.render.facts.start_tags`), the same number the renderer marks them with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.errors import BadInput
from corpus.render.facts import StartTag, start_tags

LABEL = "data-fathom"

# An attribute inside a start tag, as the HTML tokenizer reads it: a name, then
# optionally `=` and a double-quoted, single-quoted or unquoted value.
_ATTRIBUTE = re.compile(
    rb"""(?P<space>[\s/]*)(?P<name>[^\s/>"'=][^\s/>=]*)"""
    rb"""(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s>]*)))?"""
)
_TYPE_NAME = re.compile(r"^[^\s\"'<>&]+( [^\s\"'<>&]+)*$")  # `new`, `BAD new`: no quotes or markup


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
    start: int  # with the whitespace before it: removing html[start:end] removes it cleanly
    name_start: int
    end: int
    value_start: int | None  # None: a bare attribute (`<input data-fathom>`)
    value_end: int | None
    quoted: bool


def _attributes(html: bytes, tag: StartTag) -> list[_Attribute]:
    found = []
    pos = tag.name_end
    limit = tag.end - 1  # the closing `>`
    while pos < limit:
        m = _ATTRIBUTE.match(html, pos, limit)
        if m is None or m.group("name") is None:
            break
        group = next((g for g in ("dq", "sq", "uq") if m.group(g) is not None), None)
        found.append(_Attribute(
            m.group("name").decode("latin-1").lower(), m.start(), m.start("name"), m.end(),
            m.start(group) if group else None, m.end(group) if group else None, group in ("dq", "sq"),
        ))
        pos = m.end()
    return found


def _label_attribute(html: bytes, tag: StartTag) -> _Attribute | None:
    # The first one wins, as in a browser.
    return next((a for a in _attributes(html, tag) if a.name == LABEL), None)


def _value(html: bytes, attribute: _Attribute | None) -> str | None:
    if attribute is None:
        return None
    if attribute.value_start is None:
        return ""
    return html[attribute.value_start:attribute.value_end].decode("utf-8", "replace")


def _check_type(label: str | None) -> None:
    if label is not None and not _TYPE_NAME.match(label):
        raise BadInput(f"{label!r}: not a label a data-fathom attribute can hold")


def set_label(html: bytes, element: int, label: str | None) -> LabelEdit:
    """Give start tag number `element` the label `label` (None removes it)."""
    _check_type(label)
    tag = next((t for i, t in enumerate(start_tags(html)) if i == element), None)
    if tag is None:
        raise BadInput(f"element {element}: the page has no such start tag")
    attribute = _label_attribute(html, tag)
    old = _value(html, attribute)
    if old == label:
        return LabelEdit(html, html, element, old, label)
    quoted = f'{LABEL}="{label}"'.encode()
    if attribute is None:
        after = html[:tag.name_end] + b" " + quoted + html[tag.name_end:]
    elif label is None:
        after = html[:attribute.start] + html[attribute.end:]
    elif attribute.quoted or (attribute.value_start is not None and " " not in label and label):
        after = html[:attribute.value_start] + label.encode() + html[attribute.value_end:]  # the page's own quoting
    else:  # bare, or unquoted and the new value needs quotes
        after = html[:attribute.name_start] + quoted + html[attribute.end:]
    return LabelEdit(html, after, element, old, label)


def html_element(html: bytes) -> int:
    """The start tag number of the page's `<html>` element (for a whole-page label)."""
    for i, tag in enumerate(start_tags(html)):
        if html[tag.start + 1:tag.name_end].lower() == b"html":
            return i
    raise BadInput("the page has no <html> start tag to hold a whole-page label")


def labels_by_element(html: bytes) -> dict[int, str]:
    """Every labeled start tag's number and its label, in page order."""
    found = {}
    for i, tag in enumerate(start_tags(html)):
        label = _value(html, _label_attribute(html, tag))
        if label is not None:
            found[i] = label
    return found
