"""One writer at a time: commands that change the corpus hold an exclusive lock."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.errors import CorpusError
from corpus.samples.gitutil import git_dir


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold `.git/corpus.lock` for the duration; fail at once if another writer has it."""
    path = git_dir(root) / "corpus.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise CorpusError(
                f"{path}: another corpus command (pid {holder}) is changing this corpus; try again when it ends"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock
