"""A cluster run of `corpus vectorize` that keeps what it finished.

Results arrive as pages finish; every CHECKPOINT_SECONDS, or every tenth of the
pages if that comes first, the vector file is rewritten (atomically) with the kept
pages and those finished so far. Their
pageHashes name only those pages, so after an interrupted run (Ctrl-C, a lost
client, a killed scheduler) the next run keeps them and does only the rest.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus.cluster.runner import ClusterStats
from corpus.cluster.vectorize import Outcome, run_on_cluster
from corpus.progress import progress as show_progress
from corpus.vectors.vectorfile import PageVectors, VectorFile, dump_vectors
from corpus.vectors.workers import PageTask, RunConfig

CHECKPOINT_SECONDS = 5.0
CHECKPOINT_FRACTION = 0.1  # a tenth of the pages: at most ten rewrites of the file in a long run


def vectorize_on_cluster(
    address: str,
    config: RunConfig,
    tasks: list[PageTask],
    label: str,
    progress: bool,
    partial_file: Callable[[list[PageVectors]], VectorFile],
    out: Path,
) -> tuple[list[Outcome], int]:
    """Like workers.run_tasks, on the cluster at `address`, writing `partial_file(done)` to `out` as it goes."""
    stats = ClusterStats()
    done: list[PageVectors] = []
    last, saved = time.monotonic(), 0
    step = max(1, int(len(tasks) * CHECKPOINT_FRACTION))

    def on_result(outcome: Outcome) -> None:
        nonlocal last, saved
        if isinstance(outcome, PageVectors):
            done.append(outcome)
            if time.monotonic() - last >= CHECKPOINT_SECONDS or len(done) - saved >= step:
                dump_vectors(partial_file(done), out)
                last, saved = time.monotonic(), len(done)

    with show_progress(f"{label} on {address}", len(tasks), progress, detail=stats.line) as advance:
        results = run_on_cluster(address, config, tasks, advance, on_result, stats)
    if progress and tasks:
        print(f"corpus: {len(tasks)} pages on the cluster; {stats.line()}", file=sys.stderr)
    return results


@dataclass(frozen=True)
class ClusterRunner:
    """A vectorize run's pages on the Dask cluster at `address` (a `Runner`, see vectors/workers.py)."""

    address: str

    def run(self, config: RunConfig, tasks: list[PageTask], label: str, progress: bool,
            partial_file: Callable[[list[PageVectors]], VectorFile], out: Path) -> tuple[list[Outcome], int]:
        return vectorize_on_cluster(self.address, config, tasks, label, progress, partial_file, out)
