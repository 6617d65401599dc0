"""Extracted pages waiting to be put in place, and putting a batch of them in place with
three syncs in all, however many pages the batch holds.

Extraction stages a page: its resource files are written, and its new manifest and new
page are written beside the old ones under temporary names; nothing visible has changed.
`commit_pages` then, for the whole batch:

1. makes every staged file and resource durable (one syncfs);
2. renames each manifest into place, and makes that durable;
3. renames each page into place, and makes that durable.

So no page is ever replaced before its manifest and every resource it refers to are on
the disk, whatever is killed when. A run killed in step 2 leaves manifests whose new layer
the page does not carry yet; the next run recognizes the page as that layer's original
and drops it (`applied_layers`). Small pages are most of a real corpus, and three syncs
per page cost more than extracting one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import escape_line
from corpus.extract.manifest import (
    MANIFEST_NAME,
    Manifest,
    manifest_path,
    save_manifest,
    walk_files,
)
from corpus.extract.store import ResourceStore, make_durable, remove_orphans
from corpus.tree.sample import Sample

Checkpoint = Callable[[str], None]


@dataclass(frozen=True)
class Problem:
    path: Path
    offset: int
    message: str

    def __str__(self) -> str:
        return escape_line(f"{self.path}:{self.offset}: {self.message}")


@dataclass
class ExtractResult:
    changed: bool
    names: list[str] = field(default_factory=list)  # the page's resource files, in `folder`
    problems: list[Problem] = field(default_factory=list)
    folder: Path | None = None

    @property
    def resources(self) -> list[Path]:
        """The resource files as paths (names are kept as strings: a thousand Paths per page
        cost more than extracting it, and travel slowly between processes)."""
        if self.folder is None:
            return []
        return [self.folder / name for name in self.names]


@dataclass
class StagedPage:
    """One page extracted but not in place: its files written, its manifest and page staged."""

    sample: Sample
    manifest: Manifest  # with the new layer on top
    store: ResourceStore  # the resource files this extraction wrote
    staged_manifest: Path
    staged_page: Path
    problems: list[Problem]
    checkpoint: Checkpoint | None = None
    state: str = "staged"  # then "manifest" (its manifest renamed), then "page" (in place)

    def discard(self) -> None:
        """Undo this page's extraction (it was not put in place): the page is the original."""
        self.staged_manifest.unlink(missing_ok=True)
        self.staged_page.unlink(missing_ok=True)
        if self.state == "manifest":
            self.manifest.layers.pop()  # renamed in, but the page never got it: take it back
            save_manifest(self.sample, self.manifest)
        self.store.rollback()


def manifest_files(manifest: Manifest) -> set[str]:
    """Every file a manifest names, in all its layers, and the manifest itself."""
    return {MANIFEST_NAME, *(name for layer in manifest.layers for name in walk_files(layer.edits))}


def commit_pages(pages: list[StagedPage]) -> list[ExtractResult]:
    """Put the staged pages in place, in three synced steps for all of them (see above).

    `checkpoint("page")` is called for each page before it is replaced and
    `checkpoint("done")` after; tests kill the process there. If anything fails, the
    pages already replaced stand and the others are undone; then the error goes on.
    """
    try:
        make_durable([os.fspath(path) for page in pages for path in (page.staged_manifest, page.staged_page)]
                     + [path for page in pages for path in page.store.created],
                     _folders(folder for page in pages for folder in page.store.folders()))
        for page in pages:
            os.replace(page.staged_manifest, manifest_path(page.sample))
            page.state = "manifest"
        make_durable([], _folders(page.sample.resources_dir for page in pages))
        for page in pages:
            if page.checkpoint is not None:
                page.checkpoint("page")
            os.replace(page.staged_page, page.sample.path)
            page.state = "page"
        make_durable([], _folders(page.sample.path.parent for page in pages))
        for page in pages:
            if page.checkpoint is not None:
                page.checkpoint("done")
    except BaseException:
        for page in pages:
            if page.state != "page":
                page.discard()
        raise
    results = []
    for page in pages:
        folder = page.sample.resources_dir
        remove_orphans(folder, manifest_files(page.manifest))
        names = sorted(set(walk_files(page.manifest.layers[-1].edits)))
        results.append(ExtractResult(True, names, page.problems, folder))
    return results


def _folders(paths) -> list[Path]:
    """The distinct folders, in order."""
    return list(dict.fromkeys(paths))
