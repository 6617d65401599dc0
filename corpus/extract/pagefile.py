"""A page's bytes through a memory map (pages run to 200 MB and are read once, front to back),
and new content staged beside a file under a temporary name, to replace it later."""

from __future__ import annotations

import functools
import hashlib
import mmap
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.errors import CorpusError
from corpus.store.atomic import TEMP_PREFIX
from corpus.store.gitcli import work_dir
from corpus.tree.sample import SAMPLES_DIR, find_root


@contextmanager
def open_page(path: Path) -> Iterator[mmap.mmap | bytes]:
    """The page's bytes, mapped (b"" for an empty file, which cannot be mapped)."""
    if not path.is_file():
        raise CorpusError(f"{path}: no such page")
    with path.open("rb") as f:
        if f.seek(0, 2) == 0:
            yield b""
            return
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield buf
        finally:
            try:
                buf.close()
            except BufferError:  # a traceback still holds a view; the map goes with it
                pass


def staged_name(path: Path, folder: Path | None = None) -> Path:
    """Where new content for `path` is staged: in `folder` (default beside it), named after
    its path, hashed (any name fits, and pages extracted side by side never touch each
    other's), and fixed, so that finding a killed run's leftover costs one unlink, not a
    listing of the folder."""
    key = os.fsencode(path if folder is not None else path.name)
    return (folder or path.parent) / f"{TEMP_PREFIX}{hashlib.sha256(key).hexdigest()[:16]}.tmp"


STAGE_DIR = "extract"  # under `.git/corpus-work/`


def stage_folder(root: Path) -> Path | None:
    """`.git/corpus-work/extract/` of the corpus at `root`, where pages and manifests are
    staged: a kill leaves nothing in the working tree for `git add -A` to pick up. None
    outside a corpus, or where `.git/` is on another file system (a rename cannot cross)."""
    try:
        return _found_stage_folder(root)
    except _NoStageFolder:
        return None  # not remembered: a long-lived process sees a corpus `init` makes here later


class _NoStageFolder(Exception):
    pass


@functools.lru_cache(maxsize=8)  # caches found folders only: an exception is not cached
def _found_stage_folder(root: Path) -> Path:
    if not ((root / ".git").exists() and (root / SAMPLES_DIR).is_dir()):
        raise _NoStageFolder
    folder = work_dir(root) / STAGE_DIR
    folder.mkdir(exist_ok=True)
    if folder.stat().st_dev != (root / SAMPLES_DIR).stat().st_dev:
        raise _NoStageFolder
    return folder


def stage_folder_of(path: Path) -> Path | None:
    """`stage_folder` of the corpus holding `path`: where a writer replacing a file of a
    corpus puts its temporary file. None for a file outside any corpus (the folder beside
    it is then the one place a rename is sure to work)."""
    try:
        return stage_folder(find_root(path.parent))
    except CorpusError:
        return None


def stage(path: Path, pieces: Iterable, mode: int | None = None, folder: Path | None = None) -> Path:
    """Write the pieces (streamed, never joined) to `staged_name(path, folder)`; not synced.

    `mode` is the new file's permissions (default: what open() gives under the umask).
    One process stages a given path at a time (callers hold the writer lock).
    """
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)  # a journaled command since may have removed it
    tmp = staged_name(path, folder)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        fd = os.open(tmp, flags, 0o666 if mode is None else 0o600)
    except FileExistsError:  # a killed run's: nobody else writes this name
        tmp.unlink()
        fd = os.open(tmp, flags, 0o666 if mode is None else 0o600)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def remove_stages(path: Path, folder: Path | None = None) -> None:
    """What a killed run staged for `path` (beside it, as older runs did, and in `folder`)."""
    staged_name(path).unlink(missing_ok=True)
    if folder is not None:
        staged_name(path, folder).unlink(missing_ok=True)


def write_pieces(path: Path, pieces: Iterable, mode: int) -> None:
    """Replace `path` atomically with the concatenated pieces, synced.

    In a corpus the pieces are staged under `.git/` (`stage_folder_of`): a kill leaves
    nothing in a set folder. The caller syncs the folder: once the rename is done, the
    new content stands.
    """
    tmp = stage(path, pieces, mode, stage_folder_of(path))
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
