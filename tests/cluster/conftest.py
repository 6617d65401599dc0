"""One real dask.distributed LocalCluster per test module: 2 worker processes, small
memory limits, the dashboard on a free port. Needs the `cluster` extra (./setup.sh installs it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    try:
        from distributed import LocalCluster
    except ImportError:
        pytest.fail("dask.distributed is missing: pip install -e '.[cluster]' (./setup.sh installs it)")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1500MiB",
                      dashboard_address="127.0.0.1:0", silence_logs=40) as local:
        yield local.scheduler_address
