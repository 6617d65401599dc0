"""Writing a sample's extracted resources: content-addressed, synced in one go, undoable.

A run shares one `Writers` pool across all its pages: a few threads write files
while the main thread goes on decoding. Real saved pages hold about a thousand
small resources, so the cost that matters is per file: each file is written once,
straight to its content-addressed name (no temporary name, no rename), small files
travel to the pool in batches, and the folder is listed once instead of asking
the disk about every name. `finish` then makes everything durable at once, files
first and the folder after, before the page may point at them.

Crash safety does not need per-file atomicity here: a name holding only part of
its content (a crash mid-write) is never trusted, because the page is replaced
only after `finish`, and a later run checks the content of every name it finds
before reusing it (names are hashes of the content).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from corpus.samples.atomic import fsync_dir

NAME_HASH_CHARS = 16
TEMP_PREFIX = ".corpus-"
MAX_PENDING_BYTES = 4 * 1024 * 1024  # decoded data waiting for the disk, at most (it counts in peak memory)
BATCH_BYTES = 1024 * 1024  # small files go to a writer thread together, up to this much
BATCH_FILES = 128
WRITER_THREADS = 4
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


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): one call makes every file and folder of a file system durable."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    return function


_SYNCFS = _load_syncfs()


def sync_files(directory: Path, files: list[str]) -> None:
    """Make `files` (all in `directory`) and the folder's entries durable: files first, then the folder.

    With syncfs(2) that is one system call per page instead of one fsync per file
    (each of which waits for its own journal commit on ext4).
    """
    if not files:
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        if _SYNCFS is not None and _SYNCFS(fd) == 0:
            return
        for path in files:
            file_fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(file_fd)
            finally:
                os.close(file_fd)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


class Writers:
    """The writer threads of one run, shared by every page it extracts."""

    def __init__(self, threads: int = WRITER_THREADS) -> None:
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._pending = 0
        self._pending_changed = threading.Condition()

    def __enter__(self) -> Writers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, batch: list[tuple[str, bytes]]) -> Future[None]:
        size = sum(len(data) for _, data in batch)
        with self._pending_changed:
            while self._pending and self._pending + size > MAX_PENDING_BYTES:
                self._pending_changed.wait()
            self._pending += size
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="corpus-extract")
        return self._pool.submit(self._write, batch, size)

    def _write(self, batch: list[tuple[str, bytes]], size: int) -> None:
        try:
            for path, data in batch:
                _write_file(path, data)
        finally:
            with self._pending_changed:
                self._pending -= size
                self._pending_changed.notify_all()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class ResourceStore:
    """The resources folder of one sample during one extraction."""

    def __init__(self, directory: Path, checkpoint: Checkpoint | None = None,
                 writers: Writers | None = None) -> None:
        self.directory = directory
        self._folder = os.fspath(directory)
        self.names: set[str] = set()
        self.created: list[str] = []  # files this run wrote (or began to write)
        self._created_dirs: list[Path] = []
        self._checkpoint = checkpoint
        self._own_writers = writers is None
        self._writers = writers or Writers()
        self._futures: list[Future[None]] = []
        self._batch: list[tuple[str, bytes]] = []
        self._batch_bytes = 0
        self._existing: set[str] | None = None  # the folder's names, listed once

    def put(self, data: bytes, ext: str) -> str:
        """Store `data` (once per content) and return its file name."""
        name = content_name(data, ext)
        if name not in self.names:
            self.names.add(name)
            if self._existing is None:
                self._existing = self._make_directory()
            path = os.path.join(self._folder, name)  # a str: a Path per resource adds up
            if not (name in self._existing and self._holds(path, name)):
                self.created.append(path)
                self._batch.append((path, data))
                self._batch_bytes += len(data)
                if self._batch_bytes >= BATCH_BYTES or len(self._batch) >= BATCH_FILES:
                    self._flush()
        if self._checkpoint is not None:
            self._checkpoint("resource")
        return name

    def finish(self) -> None:
        """Wait until every file is written, then make them durable; raise the first write error."""
        self._flush()
        try:
            for future in self._futures:
                future.result()
        finally:
            self._futures = []
            if self._own_writers:
                self._writers.close()
        sync_files(self.directory, self.created)

    def rollback(self) -> None:
        """Remove what this run created (after a failure; the page was not touched)."""
        self._batch = []
        for future in self._futures:
            future.exception()
        self._futures = []
        if self._own_writers:
            self._writers.close()
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

    def _flush(self) -> None:
        if self._batch:
            self._futures.append(self._writers.submit(self._batch))
            self._batch, self._batch_bytes = [], 0

    def _make_directory(self) -> set[str]:
        """Create the folder if needed and return the names already in it."""
        try:
            return set(os.listdir(self.directory))
        except FileNotFoundError:
            pass
        missing = [d for d in (self.directory.parent, self.directory) if not d.exists()]
        self.directory.mkdir(parents=True, exist_ok=True)
        self._created_dirs.extend(missing)
        for created in missing:
            fsync_dir(created.parent)
        return set()
