"""Keeping a vectorize run's finished pages as it goes: the one checkpointing writer.

Whatever runs the pages (local worker processes, vectors/workers.py; a Dask
cluster, cluster/vectorize.py) hands each outcome to `Checkpoint.add` as it
arrives. The vector file is rewritten (atomically) with the kept pages and those
finished so far when a tenth of the file's pages have finished since the last
rewrite, or when the interval has passed: CHECKPOINT_SECONDS, or ten times the
last rewrite's duration if that is longer. So rewriting a large file for a few
pages (a hook's run) costs at most about a tenth of the run's time. Its
pageHashes name only those pages, so after an interrupted run (SIGKILL, Ctrl-C,
a lost cluster client) the next run keeps them and does only the rest. Leaving
the `with` block by an exception writes what is finished once more; the caller
writes the complete file after a run that ends normally.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

from corpus.errors import CorpusError
from corpus.store.atomic import atomic_write
from corpus.vectors.vectorfile import PageVectors, VectorFile, vector_bytes

CHECKPOINT_SECONDS = 5.0  # the shortest interval between rewrites by time
CHECKPOINT_FRACTION = 0.1  # a tenth of the file's pages: at most ten rewrites by page count
WRITE_SHARE = 10  # the interval is at least this many times the last rewrite's duration


class Checkpoint:
    """Rewrites `out` with `partial_file(pages done so far)`: see the module docstring.
    `pages` is how many pages the finished file will hold (kept and to do)."""

    def __init__(self, partial_file: Callable[[list[PageVectors]], VectorFile], out: Path, pages: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.partial_file = partial_file
        self.out = out
        self.clock = clock
        self.done: list[PageVectors] = []
        self.written: bytes | None = None  # the bytes of the last rewrite, if any
        self._step = max(1, int(pages * CHECKPOINT_FRACTION))
        self._saved = 0  # len(done) at the last write
        self._last = clock()
        self._interval = CHECKPOINT_SECONDS

    def __enter__(self) -> Checkpoint:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None and len(self.done) > self._saved:
            try:
                self.save()
            except (CorpusError, OSError):
                pass  # the error that ended the run is the one to report, not this one

    def add(self, outcome: object) -> None:
        """One page's outcome: its PageVectors are kept; a failure (anything else) is not,
        nor a page holding a NaN or an infinity, which no vector file can hold."""
        if not isinstance(outcome, PageVectors) or not _finite(outcome):
            return
        self.done.append(outcome)
        if self.clock() - self._last >= self._interval or len(self.done) - self._saved >= self._step:
            self.save()

    def save(self) -> None:
        started = self.clock()
        data = vector_bytes(self.partial_file(self.done), self.out)
        atomic_write(self.out, data)
        self.written, self._saved, self._last = data, len(self.done), self.clock()
        self._interval = max(CHECKPOINT_SECONDS, WRITE_SHARE * (self._last - started))


def _finite(page: PageVectors) -> bool:
    return all(math.isfinite(value) for node in page.nodes for value in node.features)
