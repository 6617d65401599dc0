"""Keeping a vectorize run's finished pages as it goes: the one checkpointing writer.

Whatever runs the pages (local worker processes, vectors/workers.py; a Dask
cluster, cluster/vectorize.py) hands each outcome to `Checkpoint.add` as it
arrives. Every CHECKPOINT_SECONDS, or every tenth of the pages if that comes
first, the vector file is rewritten (atomically) with the kept pages and those
finished so far. Its pageHashes name only those pages, so after an interrupted
run (SIGKILL, Ctrl-C, a lost cluster client) the next run keeps them and does
only the rest. Leaving the `with` block by an exception writes what is finished
once more; the caller writes the complete file after a run that ends normally.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

from corpus.errors import CorpusError
from corpus.vectors.vectorfile import PageVectors, VectorFile, dump_vectors

CHECKPOINT_SECONDS = 5.0
CHECKPOINT_FRACTION = 0.1  # a tenth of the pages: at most ten rewrites of the file in a long run


class Checkpoint:
    """Rewrites `out` with `partial_file(pages done so far)` every tenth of `total` pages or 5 s."""

    def __init__(self, partial_file: Callable[[list[PageVectors]], VectorFile], out: Path, total: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.partial_file = partial_file
        self.out = out
        self.clock = clock
        self.done: list[PageVectors] = []
        self._step = max(1, int(total * CHECKPOINT_FRACTION))
        self._saved = 0  # len(done) at the last write
        self._last = clock()

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
        if self.clock() - self._last >= CHECKPOINT_SECONDS or len(self.done) - self._saved >= self._step:
            self.save()

    def save(self) -> None:
        dump_vectors(self.partial_file(self.done), self.out)
        self._saved, self._last = len(self.done), self.clock()


def _finite(page: PageVectors) -> bool:
    return all(math.isfinite(value) for node in page.nodes for value in node.features)
