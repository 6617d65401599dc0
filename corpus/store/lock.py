"""One writer at a time: commands that change the corpus hold an exclusive lock.

The lock is an flock(2) on `.git/corpus.lock`, which the kernel drops when its
holder dies: a `kill -9` never leaves a stale lock behind. The file records the
holder's pid only to name it in the "busy" message.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.errors import CorpusError
from corpus.store.gitcli import git_dir

LOCK_NAME = "corpus.lock"
POLL_SECONDS = 0.1
# Lock files this process holds, and the thread holding each. An flock belongs to
# an open file, so a second open by the holding thread would block on itself (a hook
# holding the lock calls code that takes it again): that thread enters again. Another
# thread (the viewer answers each request on its own) opens the file anew and waits
# on the flock like another process. The lock is process state by nature, hence this.
_HELD: dict[Path, int] = {}


class CorpusBusy(CorpusError):
    """Another corpus command holds the writer lock."""


@contextmanager
def writer_lock(root: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold `.git/corpus.lock` for the duration.

    Waits up to `wait_seconds` (hooks wait, so a commit made during `pick` checks
    the tree once the move is done); CorpusBusy when another writer still holds it.
    """
    path = git_dir(root) / LOCK_NAME
    if _HELD.get(path) == threading.get_ident():
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
                    raise CorpusBusy(
                        f"{path}: another corpus command (pid {holder}) is changing this corpus; "
                        "try again when it ends"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _HELD[path] = threading.get_ident()
        try:
            yield
        finally:
            del _HELD[path]
    finally:
        os.close(fd)  # closing releases the flock
