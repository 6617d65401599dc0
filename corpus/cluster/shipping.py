"""A page and its resources as plain bytes, so a worker with no shared filesystem can
render it: the client packs them, the worker writes them into a temp folder laid
out like the set (the page at its path, its files in `resources/<stem>/`)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from corpus.tree.sample import RESOURCES_DIR


@dataclass(frozen=True)
class PageBundle:
    relpath: str  # the page's path relative to its set folder (posix)
    html: bytes
    resources: tuple[tuple[str, bytes], ...]  # (path relative to the set folder, bytes)

    @property
    def size(self) -> int:
        return len(self.html) + sum(len(data) for _, data in self.resources)


def resources_folder(set_dir: Path, page: Path) -> Path:
    """The folder the sandbox serves a page's files from (browser.py allows only this one)."""
    return page.parent / RESOURCES_DIR / page.stem


def pack_page(set_dir: Path, page: Path, html: bytes | None = None) -> PageBundle:
    """The page's bytes (or `html`, already read and checked) and every file of its resources folder."""
    set_dir = set_dir.resolve()
    page = page.resolve()
    folder = resources_folder(set_dir, page)
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    return PageBundle(
        page.relative_to(set_dir).as_posix(),
        page.read_bytes() if html is None else html,
        tuple((p.relative_to(set_dir).as_posix(), p.read_bytes()) for p in files),
    )


class UnpackedPage:
    """`with UnpackedPage(bundle, folder) as (set_dir, page):` the bundle written into
    `folder/set/` (an empty folder; a new temp folder when None), emptied after."""

    def __init__(self, bundle: PageBundle, folder: Path | None = None) -> None:
        self.bundle = bundle
        self.folder = folder

    def __enter__(self) -> tuple[Path, Path]:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="corpus-page-"))
        set_dir = self.folder / "set"
        page = set_dir / _safe(self.bundle.relpath)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(self.bundle.html)
        for rel, data in self.bundle.resources:
            target = set_dir / _safe(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return set_dir, page

    def __exit__(self, *exc: object) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _safe(rel: str) -> PurePosixPath:
    """A relative path that stays inside the folder (the client made it; refuse anything else)."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"{rel}: not a path inside a set folder")
    return path
