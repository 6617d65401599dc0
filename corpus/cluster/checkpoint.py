"""A cluster run of `corpus vectorize`: the `Runner` for a Dask cluster.

Results arrive as pages finish and each is handed to the caller's `on_result`
at once; the caller's checkpoint (corpus/vectors/checkpoint.py, the same one a
local run uses) rewrites the vector file with the pages finished so far, so after
an interrupted run (Ctrl-C, a lost client, a killed scheduler) the next run
keeps them and does only the rest.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from corpus.cluster.runner import ClusterStats
from corpus.cluster.vectorize import Outcome, run_on_cluster
from corpus.progress import progress as show_progress
from corpus.vectors.workers import OnResult, PageTask, RunConfig


def vectorize_on_cluster(
    address: str,
    config: RunConfig,
    tasks: list[PageTask],
    label: str,
    progress: bool,
    on_result: OnResult,
) -> tuple[list[Outcome], int]:
    """Like workers.run_tasks, on the cluster at `address`, handing each outcome to `on_result` as it comes."""
    stats = ClusterStats()
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
            on_result: OnResult) -> tuple[list[Outcome], int]:
        return vectorize_on_cluster(self.address, config, tasks, label, progress, on_result)
