"""Writing a sample's extracted resources: content-addressed, synced, undoable.

Files are written by a few threads while the main thread goes on decoding (the
disk, not the CPU, is what a 200 MB page waits for). Each file is written to a
temporary name, synced and renamed, so a name in the folder always holds its
whole content; `finish` waits for all of them and syncs the folder before the
page may point at them.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from corpus.samples.atomic import fsync_dir, write_temp

NAME_HASH_CHARS = 16
TEMP_PREFIX = ".corpus-"
MAX_PENDING_BYTES = 32 * 1024 * 1024  # decoded data waiting for the disk, at most

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


class ResourceStore:
    """The resources folder of one sample during one extraction."""

    def __init__(self, directory: Path, checkpoint: Checkpoint | None = None) -> None:
        self.directory = directory
        self.names: dict[str, Path] = {}
        self.created: list[Path] = []
        self._created_dirs: list[Path] = []
        self._checkpoint = checkpoint
        self._pool: ThreadPoolExecutor | None = None
        self._futures: list[Future[None]] = []
        self._pending = 0
        self._pending_changed = threading.Condition()

    def put(self, data: bytes, ext: str) -> str:
        """Store `data` (once per content) and return its file name."""
        name = content_name(data, ext)
        if name not in self.names:
            path = self.directory / name
            self.names[name] = path
            self._make_directory()
            if not (path.is_file() and name_matches(name, path.read_bytes())):
                self._write_later(path, data)
        if self._checkpoint is not None:
            self._checkpoint("resource")
        return name

    def finish(self) -> None:
        """Wait until every file is on disk; raise the first write error."""
        try:
            for future in self._futures:
                future.result()
        finally:
            self._shutdown()
        if self.names:
            fsync_dir(self.directory)

    def rollback(self) -> None:
        """Remove what this run created (after a failure; the page was not touched)."""
        for future in self._futures:
            future.exception()
        self._shutdown()
        for path in self.created:
            path.unlink(missing_ok=True)
        for directory in reversed(self._created_dirs):
            try:
                directory.rmdir()
            except OSError:
                pass

    def _make_directory(self) -> None:
        if self.directory.is_dir():
            return
        missing = [d for d in (self.directory.parent, self.directory) if not d.exists()]
        self.directory.mkdir(parents=True, exist_ok=True)
        self._created_dirs.extend(missing)
        for created in missing:
            fsync_dir(created.parent)

    def _write_later(self, path: Path, data: bytes) -> None:
        with self._pending_changed:
            while self._pending and self._pending + len(data) > MAX_PENDING_BYTES:
                self._pending_changed.wait()
            self._pending += len(data)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="corpus-extract")
        self._futures.append(self._pool.submit(self._write, path, data))

    def _write(self, path: Path, data: bytes) -> None:
        try:
            tmp = write_temp(path.parent, data, prefix=TEMP_PREFIX)
            os.replace(tmp, path)
            self.created.append(path)
        finally:
            with self._pending_changed:
                self._pending -= len(data)
                self._pending_changed.notify_all()

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
