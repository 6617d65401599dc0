"""`corpus extract`: data URLs out to LFS-tracked files (`inline` puts them back).

Extraction reads the page through a memory map in one pass, writing each
decoded resource as it goes (see store.py), and builds the new page from slices
of the old one, streamed to a staged file beside it with the new manifest. Then
`commit_pages` (staged.py) puts pages in place, alone or in batches: resources
and staged files synced, then the manifest renamed in, then the page. A page is
therefore always either the original or the fully extracted one.
"""

from __future__ import annotations

import hashlib
import mmap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from corpus.errors import CorpusError
from corpus.extract.attributes import base_href_names, stale_attributes
from corpus.extract.dataurl import (
    BaseTag,
    CspContent,
    DataURL,
    Leftover,
    csp_with_self,
    scan,
)
from corpus.extract.manifest import (
    Edit,
    ExtractionLayer,
    Manifest,
    applied_layers,
    load_manifest,
    manifest_bytes,
    manifest_path,
    save_manifest,
    text,
)
from corpus.extract.mime import extension, media_type
from corpus.extract.pagefile import (
    open_page,
    remove_stages,
    stage,
    stage_folder,
    write_pieces,
)
from corpus.extract.payload import Malformed, decode_base64, decode_plain
from corpus.extract.staged import (
    ExtractResult,
    Problem,
    StagedPage,
    commit_pages,
    manifest_files,
)
from corpus.extract.store import (
    Checkpoint,
    ResourceStore,
    remove_orphans,
    remove_stale_temps,
)
from corpus.extract.survey import (  # the two predicates are re-exported: callers import them from here
    MAX_NESTING,
    RECURSE_INTO,
    has_inline_data,
    page_has_inline_data,
)
from corpus.tree.sample import RESOURCES_DIR, Sample

__all__ = ["ExtractResult", "Problem", "extract_sample", "has_inline_data",
           "page_has_inline_data", "refuse_unsafe_resources", "stage_sample", "write_pieces"]

DROP_CONTEXT = 64
NEUTRAL_HREF = b"data-corpus-href"  # what `href` becomes in a <base> tag (see attributes.py)
COPY_GAPS_BELOW = 64 * 1024
RELEASE_EVERY = 512 * 1024  # bytes of the mapped page kept resident, about (less saved no time)


def reference_prefix(sample: Sample) -> str:
    """How the page refers to its resources folder, as a URL path (`111 2` -> `111%202`)."""
    return f"{RESOURCES_DIR}/{quote(sample.stem, safe='')}/"


def looks_like_html(head: bytes) -> bool:
    """Markup first (after a BOM and blanks): pages, not images or archives named .html."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n\f").startswith(b"<")


# ---------------------------------------------------------------------------
# Extraction


class _PageWindow:
    """Hashes the mapped page as the scan moves on, then lets the kernel drop what is behind.

    Without this, every byte of a 200 MB page would stay resident to the end.
    """

    def __init__(self, buf: mmap.mmap | bytes) -> None:
        self.buf = buf
        self.sha256 = hashlib.sha256()
        self.done = 0

    def advance(self, pos: int, final: bool = False) -> None:
        if not final and pos - self.done < RELEASE_EVERY:
            return
        with memoryview(self.buf) as view:
            self.sha256.update(view[self.done:pos])
        self.done = pos
        if isinstance(self.buf, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
            release = pos - pos % mmap.PAGESIZE
            if release:
                self.buf.madvise(mmap.MADV_DONTNEED, 0, release)


@dataclass
class _Run:
    """What one extraction shares down the nesting: where files go, what went wrong."""

    page: Path
    store: ResourceStore
    problems: list[Problem] = field(default_factory=list)


Where = Callable[[int], tuple[int, str]]


def _top_level(offset: int) -> tuple[int, str]:
    return offset, ""


def _kept(gap: memoryview) -> memoryview | bytes:
    """A piece of the page kept for the new one: small ones copied now, while their memory
    pages are fresh, so the map can drop them; real pages hold a thousand small gaps between
    data URLs, and touching them all again later would page the whole file back in."""
    return bytes(gap) if len(gap) < COPY_GAPS_BELOW else gap


@dataclass
class _Rewrite:
    """A document being rewritten: the pieces of the new one and the edits made, in page order.

    Attributes to drop are looked for in the markup between the scan's finds (they never
    overlap a data URL), so they merge into the edits in page order.
    """

    buf: Any  # the page's map, or the bytes of a nested document
    view: memoryview
    drops_wanted: bool  # stale attributes are dropped from the top-level HTML only
    pieces: list = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    cursor: int = 0  # buf[:cursor] is in `pieces`
    searched: int = 0  # stale attributes were looked for in buf[:searched]

    def replace(self, start: int, end: int, new: bytes, edit: Edit | None = None) -> None:
        """buf[start:end] becomes `new` in the new document, with its edit."""
        if edit is not None:
            self.edits.append(edit)
        self.pieces += [_kept(self.view[self.cursor:start]), new]
        self.cursor = end

    def drop(self, start: int, end: int, new: bytes = b"") -> None:
        """buf[start:end] removed (or renamed to `new`), the spot found again by the text before it."""
        gap = self.view[self.cursor:start]
        edit: Edit = {"kind": "drop", "old": text(self.view[start:end]), "gap": len(gap),
                      "before": text(gap[-DROP_CONTEXT:])}
        if new:
            edit.update(kind="base", new=text(new))
        self.replace(start, end, new, edit)

    def drop_attributes(self, upto: int) -> None:
        if self.drops_wanted and upto > self.searched:
            for start, end in stale_attributes(self.buf, self.searched, upto):
                if self.cursor <= start and end <= upto:  # never into the data URL at `upto`
                    self.drop(start, end)
            self.searched = upto

    def finish(self) -> tuple[list, list[Edit]]:
        self.drop_attributes(len(self.buf))
        self.pieces.append(_kept(self.view[self.cursor:]))
        return self.pieces, self.edits


def _extract_document(
    buf, html_document: bool, prefix: str, run: _Run, where: Where = _top_level,
    window: _PageWindow | None = None, depth: int = 0,
) -> tuple[list, list[Edit]]:
    """The pieces of the rewritten document and the edits made, in order."""
    doc = _Rewrite(buf, memoryview(buf), drops_wanted=html_document and depth == 0)
    for found in scan(buf, html_document):
        if isinstance(found, Leftover):
            doc.drop_attributes(found.offset)
            offset, context = where(found.offset)
            run.problems.append(Problem(run.page, offset, context + found.message))
            doc.searched = max(doc.searched, found.offset + 1)
            continue
        doc.drop_attributes(found.start)
        doc.searched = max(doc.searched, found.end)
        if isinstance(found, BaseTag):
            for start, end in base_href_names(buf, found.start, found.end):
                doc.drop(start, end, NEUTRAL_HREF)
        elif isinstance(found, CspContent):
            old = bytes(doc.view[found.start:found.end])
            new = csp_with_self(old)
            if new != old:
                doc.replace(found.start, found.end, new, {"kind": "csp", "old": text(old), "new": text(new)})
        elif isinstance(found, DataURL):
            ref, edit = _extract_url(doc.view, found, prefix, run, where, depth)
            if edit is not None:
                doc.replace(found.start, found.end, ref, edit)
        if window is not None:
            window.advance(doc.cursor)
    return doc.finish()


def _extract_url(
    view: memoryview, url: DataURL, prefix: str, run: _Run, where: Where, depth: int,
) -> tuple[bytes, Edit] | tuple[None, None]:
    """Decode, extract and store one data URL; (None, None) when it is left in place."""
    payload = view[url.payload_start:url.end]
    try:
        if url.base64:
            content, spelling = decode_base64(payload, url.html_escaped)
        else:
            content, spelling = decode_plain(payload, url.html_escaped), None
    except Malformed as e:
        offset, context = where(url.start)
        run.problems.append(Problem(run.page, offset, f"{context}malformed data URL left in place: {e}"))
        return None, None
    if not content:
        # Nothing to move out, and an empty file would block every commit (git-lfs never
        # makes a pointer of an empty file): `data:;base64,` stays as written.
        return None, None
    mime = media_type(url.mime)
    edit: Edit = {"kind": "data", "header": text(view[url.start:url.payload_start])}
    if mime in RECURSE_INTO and depth < MAX_NESTING:
        outer, outer_where = url.start, where

        def nested(offset: int) -> tuple[int, str]:
            at, context = outer_where(outer)
            return at, f"{context}in the {mime} data URL, at offset {offset}: "

        sub_pieces, children = _extract_document(content, RECURSE_INTO[mime], "", run, nested, depth=depth + 1)
        if children:
            content = b"".join(sub_pieces)
            edit["children"] = children
    name = run.store.put(content, extension(url.mime, content))
    edit["file"] = name
    edit["ref"] = prefix + name
    if not url.base64:
        edit["raw"] = text(payload)
    elif spelling.patches:
        edit["patches"] = [[offset, length, text(replacement)] for offset, length, replacement in spelling.patches]
    return (prefix + name).encode("ascii"), edit


def extract_sample(sample: Sample, checkpoint: Checkpoint | None = None) -> ExtractResult:
    """Move every data URL of a sample's page into its resources folder, in place.

    Atomic and idempotent; malformed data URLs stay where they are and come back as
    problems. `checkpoint(stage)` is called after each resource ("resource"), before
    the page is replaced ("page") and after ("done"); tests kill the process there.
    Resource files no manifest layer names (left by an interrupted run) are removed.
    """
    staged = stage_sample(sample, checkpoint)
    if isinstance(staged, ExtractResult):
        return staged
    return commit_pages([staged])[0]


def stage_sample(sample: Sample, checkpoint: Checkpoint | None = None) -> StagedPage | ExtractResult:
    """Extract a page up to the point of putting it in place (`commit_pages` does that, for a
    batch of pages at once); the result itself when there is nothing to put in place."""
    page = sample.path
    refuse_unsafe_resources(sample)
    manifest = load_manifest(sample) or Manifest(page=sample.name)
    remove_stale_temps(sample.resources_dir)
    remove_stages(page, stage_folder(sample.root))
    with open_page(page) as buf:
        return _stage_mapped(sample, buf, manifest, checkpoint)


def _stage_mapped(sample: Sample, buf, manifest: Manifest, checkpoint: Checkpoint | None) -> StagedPage | ExtractResult:
    page = sample.path
    if not buf:
        return ExtractResult(False)  # an empty page holds nothing to extract; `check` reports it
    if not looks_like_html(bytes(buf[:4096])):
        return ExtractResult(False, [], [Problem(page, 0, "not an HTML page; refused")])
    mode = page.stat().st_mode & 0o7777
    carried = applied_layers(manifest.layers, page)
    if len(carried) != len(manifest.layers):  # layers of a run killed before the page was replaced
        manifest.layers = carried
        save_manifest(sample, manifest)
    run = _Run(page, ResourceStore(sample.resources_dir, checkpoint))
    window = _PageWindow(buf)
    pieces: list | None = None
    staged: list[Path] = []
    try:
        pieces, edits = _extract_document(buf, True, reference_prefix(sample), run, window=window)
        if not edits:
            run.store.finish()
            remove_orphans(sample.resources_dir, manifest_files(manifest))
            return ExtractResult(False, [], run.problems)
        window.advance(len(buf), final=True)
        extracted = hashlib.sha256()
        for piece in pieces:
            extracted.update(piece)
        manifest.layers.append(ExtractionLayer(
            original_size=len(buf), original_sha256=window.sha256.hexdigest(),
            extracted_size=sum(len(p) for p in pieces), extracted_sha256=extracted.hexdigest(),
            edits=edits,
        ))
        run.store.make_directory()  # the manifest's folder, even when only the CSP changed
        folder = stage_folder(sample.root)
        staged.append(stage(manifest_path(sample), [manifest_bytes(manifest)], folder=folder))
        staged.append(stage(page, pieces, mode, folder))
    except BaseException:  # nothing visible changed yet: remove what was written
        for path in staged:
            path.unlink(missing_ok=True)
        run.store.rollback()
        raise
    finally:
        pieces = None  # let go of the views into the map before it closes
    return StagedPage(sample, manifest, run.store, staged[0], staged[1], run.problems, checkpoint)


def refuse_unsafe_resources(sample: Sample) -> None:
    """A page or resources folder (or `resources/`) that is a symbolic link would send writes,
    and the browser's reads, anywhere on the machine; a file where the folder belongs can't
    hold resources. Either refuses the sample with one line naming the path (`check` reports
    them too)."""
    for path in (sample.path, sample.resources_dir.parent, sample.resources_dir):
        if path.is_symlink():
            raise CorpusError(f"{path}: is a symbolic link; samples and their resources must be real "
                              "files and folders inside the set")
    for folder in (sample.resources_dir.parent, sample.resources_dir):
        if folder.exists() and not folder.is_dir():
            raise CorpusError(f"{folder}: is a file where the folder of {sample.name}'s resources belongs; "
                              "move it aside")
