"""Writing a sample's extracted resources: content-addressed, synced in one go, undoable.

Real saved pages hold about a thousand small resources, so the cost that matters
is per file: each file is written once, straight to its content-addressed name
(no temporary name, no rename: os.open with O_EXCL, one write, close), and the
folder is listed once instead of asking the disk about every name. `finish` then
makes everything durable at once, before the page may point at them. Files are
written by the thread that decodes them: measured, writer threads did not pay
once the per-file fsync was gone, and they held decoded data waiting for the
disk; a run over several pages uses processes instead (see `run.py`).

Crash safety does not need per-file atomicity here: a name holding only part of
its content (a crash mid-write) is never trusted, because the page is replaced
only after `finish`, and a later run checks the content of every name it finds
before reusing it (names are hashes of the content).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from corpus.store.atomic import TEMP_PREFIX, fsync_dir

NAME_HASH_CHARS = 16
CONTENT_NAME = re.compile(rf"[0-9a-f]{{{NAME_HASH_CHARS}}}\.[a-z0-9]+")

Checkpoint = Callable[[str], None]


def content_name(data: bytes, ext: str) -> str:
    return f"{hashlib.sha256(data).hexdigest()[:NAME_HASH_CHARS]}.{ext}"


def name_matches(name: str, data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest()[:NAME_HASH_CHARS] == name.split(".", 1)[0]


def remove_stale_temps(directory: Path) -> None:
    """Temporary files a killed run left behind (callers hold the writer lock)."""
    if directory.is_dir():
        for leftover in directory.glob(f"{TEMP_PREFIX}*.tmp"):
            leftover.unlink(missing_ok=True)


def remove_orphans(directory: Path, keep: set[str]) -> list[str]:
    """Delete content-addressed files in `directory` not named in `keep`; return their names.

    Only names this store writes (`<16 hex>.<ext>`) are candidates: a folder made by
    another tool (fathom-extract's `1.png`) keeps its files. Such orphans come from
    an interrupted extraction, or from resources the page no longer refers to.
    """
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    removed = []
    for name in sorted(names):
        if name not in keep and CONTENT_NAME.fullmatch(name):
            try:
                os.unlink(directory / name)
            except IsADirectoryError:
                continue
            removed.append(name)
    if removed:
        fsync_dir(directory)
    return removed


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): one call makes every file and folder of a file system durable.

    Looked up in the running process (libc is loaded): ctypes.util.find_library
    would start ldconfig on every run.
    """
    import ctypes  # here: the import costs a start-up that needs no sync

    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    return function


def make_durable(files: list[str], folders: list[Path]) -> None:
    """Make `files` and the entries of `folders` (where the files are named) durable.

    With syncfs(2) that is one system call per file system (one, in a corpus) however
    many pages and files there are, instead of one fsync per file (each of which waits
    for its own journal commit on ext4). Measured on ext4 with 1,000 files of
    200 B-50 KB: syncfs 15-100 ms, fdatasync of each file afterwards 130-840 ms, even
    with 200 MB of other programs' unsynced writes on the disk. Without syncfs: an
    fsync per file, then per folder.
    """
    if not files and not folders:
        return
    folders = folders or list(dict.fromkeys(Path(path).parent for path in files))
    syncfs = _syncfs()
    if syncfs is not None:
        synced: set[int] = set()
        for folder in folders:
            fd = os.open(folder, os.O_RDONLY)
            try:
                device = os.fstat(fd).st_dev
                if device in synced or syncfs(fd) == 0:
                    synced.add(device)
                    continue
            finally:
                os.close(fd)
            break  # syncfs failed: fall back to fsync for everything
        else:
            return
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in folders:
        fsync_dir(folder)


NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def _write_new(path: str, data: bytes) -> None:
    """Create `path` holding `data`; FileExistsError if the name is taken."""
    fd = os.open(path, NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


class ResourceStore:
    """The resources folder of one sample during one extraction."""

    def __init__(self, directory: Path, checkpoint: Checkpoint | None = None) -> None:
        self.directory = directory
        self._folder = os.fspath(directory)
        self.names: set[str] = set()
        self.created: list[str] = []  # files this run wrote (or began to write)
        self._created_dirs: list[Path] = []
        self._checkpoint = checkpoint
        self._existing: set[str] | None = None  # the folder's names, listed once

    def put(self, data: bytes, ext: str) -> str:
        """Store `data` (once per content) and return its file name."""
        name = content_name(data, ext)
        if name not in self.names:
            self.names.add(name)
            existing = self.make_directory()
            path = os.path.join(self._folder, name)  # a str: a Path per resource adds up
            if name not in existing:
                try:
                    self.created.append(path)
                    _write_new(path, data)
                except FileExistsError:  # appeared since the listing: treat it as found
                    self.created.pop()
                    existing.add(name)
            if name in existing and not self._holds(path, name):
                os.unlink(path)  # cut short by a crash: write it again
                self.created.append(path)
                _write_new(path, data)
        if self._checkpoint is not None:
            self._checkpoint("resource")
        return name

    def finish(self) -> None:
        """Make every file written durable (before a page may refer to them)."""
        make_durable(self.created, self.folders() if self.created or self._created_dirs else [])

    def rollback(self) -> None:
        """Remove what this run created (after a failure; the page was not touched)."""
        for path in self.created:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        for directory in reversed(self._created_dirs):
            try:
                directory.rmdir()
            except OSError:
                pass

    @staticmethod
    def _holds(path: str, name: str) -> bool:
        """Whether a file found under `name` holds that content (a crash may have cut it short)."""
        try:
            with open(path, "rb") as f:
                return name_matches(name, f.read())
        except OSError:
            return False

    def make_directory(self) -> set[str]:
        """Create the folder if needed (once; `rollback` removes it) and return the names it held."""
        if self._existing is not None:
            return self._existing
        try:
            self._existing = set(os.listdir(self.directory))
            return self._existing
        except FileNotFoundError:
            pass
        missing = [d for d in (self.directory.parent, self.directory) if not d.exists()]
        self.directory.mkdir(parents=True, exist_ok=True)
        self._created_dirs.extend(missing)  # made durable with the files (see `folders`)
        self._existing = set()
        return self._existing

    def folders(self) -> list[Path]:
        """The folders whose entries must be durable before a page refers to the files: the
        resources folder, and the folders holding the ones this extraction created."""
        return [self.directory] + [created.parent for created in self._created_dirs]
