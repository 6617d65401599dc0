"""Where vectorizing runs: local worker processes, or the Dask cluster the settings name.

The one place that picks; `corpus vectorize`, the training commands and `retrain`
call it, and hand what it picks to `corpus.vectors.vectorize.update_vectors`.
"""

from __future__ import annotations

from corpus.vectors.workers import LocalRunner, Runner


def vectorize_runner(jobs: int = 1, address: str | None = None) -> Runner:
    """On the cluster at `address` (as `cluster.address.scheduler_for` resolves it) if any,
    else in `jobs` local processes."""
    if address is None:
        return LocalRunner(jobs)
    # Imported only for a cluster run: a local one needs none of the cluster's modules.
    from corpus.cluster.vectorize import ClusterRunner

    return ClusterRunner(address)
