"""`corpus inline`: put extracted resources back, restoring the page byte for byte.

Replays the manifest's edits in reverse, layer by layer; the exact inverse of
`extract_sample`, even after several extractions.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from corpus.errors import CorpusError
from corpus.extract.extract import DROP_CONTEXT, refuse_unsafe_resources
from corpus.extract.manifest import (
    Edit,
    applied_layers,
    load_manifest,
    raw,
    save_manifest,
    walk_files,
)
from corpus.extract.pagefile import remove_stages, write_pieces
from corpus.extract.payload import Spelling, encode_base64
from corpus.extract.store import name_matches, remove_orphans
from corpus.store.atomic import fsync_dir
from corpus.tree.sample import Sample

# Of the text recorded before a dropped one, the least that must still be in an edited page
# to put the dropped text back (` alt="Logo"` is 11): shorter ends of markup repeat too often.
MIN_DROP_CONTEXT = 8
# How much text may have been added before a dropped one since extraction (labels, a note)
# and it still be found by its context: so a 200 MB page is not searched end to end.
EDITED_SINCE = 64 * 1024


class _Resources:
    def __init__(self, sample: Sample) -> None:
        self.directory = sample.resources_dir

    def read(self, name: str) -> bytes:
        path = self.directory / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CorpusError(f"{path}: resource missing; cannot inline") from None
        if not name_matches(name, data):
            if data.startswith(b"version https://git-lfs.github.com/spec/"):
                raise CorpusError(f"{path}: is a Git LFS pointer; run `git lfs pull` first")
            raise CorpusError(f"{path}: content changed since extraction; cannot inline exactly")
        return data


def _original_url(edit: Edit, resources: _Resources, page: Path) -> bytes:
    header = raw(edit["header"])
    if "raw" in edit:
        return header + raw(edit["raw"])
    content = resources.read(edit["file"])
    if edit.get("children"):
        content = b"".join(_inline_document(content, edit["children"], resources, page))
    payload = encode_base64(content)
    if "patches" in edit:
        payload = Spelling(tuple((o, n, raw(t)) for o, n, t in edit["patches"])).apply(payload)
    return header + payload


def _locate_drop(buf: bytes, edit: Edit, cursor: int) -> int:
    """Where a dropped text goes back (or where a renamed one, `new`, now begins): `gap` bytes
    on, when the text before it is as it was.

    Otherwise the page was edited there (a label added, say): the place nearest to `gap`
    bytes on that ends with all of the recorded `before` text, or else with its longest
    end still in the page if that is there once only and inside a tag for an attribute
    (between tags for an older manifest's whole tag); -1 when there is no such place
    within EDITED_SINCE bytes. A renamed text must begin at the place.
    """
    before, renamed = raw(edit["before"]), raw(edit.get("new", ""))

    def spots(text: bytes, end: int) -> Iterator[int]:
        """Places after `text`, found from the last edit on, where the renamed text begins."""
        found = buf.find(text, cursor, end)
        while found != -1:
            if buf.startswith(renamed, found + len(text)):
                yield found + len(text)
            found = buf.find(text, found + 1, end)

    point = cursor + edit["gap"]
    if buf[point - len(before):point] == before and point >= cursor and buf.startswith(renamed, point):
        return point
    window_end = min(len(buf), point + EDITED_SINCE)
    if len(before) == DROP_CONTEXT:  # (the recorded text lies after the last edit, never across it)
        # Repeated markup repeats the text too (a grid of like <img> tags): the nearest one.
        found = list(spots(before, window_end))
        if found:
            return min(found, key=lambda spot: abs(spot - point))
    in_a_tag = not edit["old"].startswith("<")  # an attribute goes back inside a tag, a tag between two
    for length in range(len(before) - 1, MIN_DROP_CONTEXT - 1, -1):
        found = list(islice(spots(before[-length:], window_end), 2))  # a second one: no telling which
        if found:
            inside = buf.rfind(b"<", 0, found[0]) > buf.rfind(b">", 0, found[0])
            return found[0] if len(found) == 1 and inside == in_a_tag else -1
    return -1


def _inline_document(buf: bytes, edits: list[Edit], resources: _Resources, page: Path) -> Iterator[bytes]:
    """The pieces of the document with `edits` undone, one resource at a time."""
    cursor = 0
    for edit in edits:
        kind = edit["kind"]
        if kind in ("drop", "base"):  # removed, or renamed in place: found by the text before
            target = raw(edit.get("new", edit["old"]))
            at = _locate_drop(buf, edit, cursor)
            end = at + len(edit.get("new", ""))
        else:
            target = raw(edit["ref"] if kind == "data" else edit["new"])
            at = buf.find(target, cursor)
            end = at + len(target)
        if at == -1:
            raise CorpusError(
                f"{page}: cannot inline: {target[:80].decode('latin-1')!r} is no longer where extraction "
                "left it (was the page edited there?)"
            )
        yield buf[cursor:at]
        yield _original_url(edit, resources, page) if kind == "data" else raw(edit["old"])
        cursor = end
    yield buf[cursor:]


def inline_sample(sample: Sample) -> bool:
    """Put every extracted resource back into the page as it was; True when the page changed.

    The exact inverse of `extract_sample`, even after several extractions. The
    manifest and the files it lists go once the page is back.
    """
    refuse_unsafe_resources(sample)
    remove_stages(sample.path)
    manifest = load_manifest(sample)
    if manifest is None:
        _remove_folder_if_empty(sample, remove_orphans(sample.resources_dir, set()))
        return False
    page = sample.path
    if not page.is_file():
        raise CorpusError(f"{page}: no such page")
    all_files = {name for layer in manifest.layers for name in walk_files(layer.edits)}
    layers = applied_layers(manifest.layers, page)
    changed = False
    if layers:
        resources = _Resources(sample)
        data = page.read_bytes()
        for layer in reversed(layers[1:]):
            data = b"".join(_inline_document(data, layer.edits, resources, page))
        pieces = _inline_document(data, layers[0].edits, resources, page)
        write_pieces(page, pieces, page.stat().st_mode & 0o7777)
        fsync_dir(page.parent)
        changed = True
    manifest.layers = []
    save_manifest(sample, manifest)
    for name in sorted(all_files):
        (sample.resources_dir / name).unlink(missing_ok=True)
    remove_orphans(sample.resources_dir, set())
    _remove_folder_if_empty(sample, ["the resources"])
    return changed


def _remove_folder_if_empty(sample: Sample, removed: list[str]) -> None:
    """After files were removed: the sample's folder, and `resources/`, go when empty."""
    if not removed:
        return
    for directory in (sample.resources_dir, sample.resources_dir.parent):
        try:
            directory.rmdir()
        except OSError:
            break
