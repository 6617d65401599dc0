"""Vectorizing pages on a Dask cluster with the same per-page code as local workers.

A task carries the page's bytes and its resources folder's files (PageBundle)
and the ruleset (RemoteRun); the worker unpacks them into its thread's folder and
runs `corpus.vectors.workers`' vectorizer on them, so a page's vectors are the
same wherever it runs. Rendered facts travel with tasks and results, so the
client's render cache serves cluster runs too (see rendercache.py). Results come
back as pages finish and are handed to `on_result`, so the caller's checkpoint
(corpus/vectors/checkpoint.py, the same one a local run uses) keeps what a run
interrupted by Ctrl-C, a lost client or a killed scheduler finished. `ClusterRunner`
is the `Runner` (see vectors/workers.py) that corpus/cluster/choice.py picks.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from corpus.cluster.rendercache import read_facts, worker_cache_root, write_facts
from corpus.cluster.runner import ClusterStats, announce, connect, error_line, stream
from corpus.cluster.shipping import PageBundle, UnpackedPage, pack_page
from corpus.progress import progress as show_progress
from corpus.vectors.jsvectorize import PageFailure
from corpus.vectors.workers import (
    OnResult,
    Outcome,
    PageFailed,
    PageTask,
    RunConfig,
    read_page,
    run_one,
)

Result = tuple[Outcome, int, bytes | None]  # vectors or failure, pages rendered, facts rendered


def vectorize_page(remote: Any, task: PageTask, bundle: PageBundle, facts: bytes | None) -> tuple[str, Result]:
    """Runs on a worker: (worker address, result). `facts` are the page's rendered facts
    from the client's cache; facts the worker had to render come back in the result."""
    from corpus.cluster.plugin import worker_address, worker_plugin

    plugin = worker_plugin()
    cache_root = worker_cache_root(plugin.root)
    if facts is not None:
        write_facts(cache_root, remote.config, task.sha256, facts)

    def work(thread: Any) -> Result:
        # The thread's folder stays the same page after page, so its vectorizer (whose
        # JavaScript tab serves pages from one set folder) is kept.
        with UnpackedPage(bundle, thread.scratch()) as (set_dir, page):
            vectorizer = thread.vectorizer(remote, set_dir, plugin.root)
            before = vectorizer.renders
            outcome = run_one(vectorizer, replace(task, path=page))
            rendered = vectorizer.renders - before
        return outcome, rendered, read_facts(cache_root, remote.config, task.sha256) if rendered else None

    return worker_address(), plugin.on_browser_thread(work)


def remote_run(config: RunConfig) -> Any:
    from corpus.cluster.plugin import RemoteRun

    return RemoteRun(config, config.ruleset_path.name, config.ruleset_path.read_bytes())


def run_on_cluster(
    address: str,
    config: RunConfig,
    tasks: list[PageTask],
    advance: Callable[[int], None],
    on_result: Callable[[Outcome], None],
    stats: ClusterStats,
) -> tuple[list[Outcome], int]:
    """Vectorize `tasks` on the cluster at `address`; same return as workers.run_tasks."""
    if not tasks:
        return [], 0
    assert config.set_dir is not None
    remote = remote_run(config)
    out: list[Outcome] = []
    renders = 0
    with connect(address) as client:
        announce(client, address, "vectorizing")

        def call(task: PageTask) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            html = read_page(task)  # a PageFailure here is this page's outcome
            facts = read_facts(config.cache_root, config, task.sha256)  # rendered before: not again
            return vectorize_page, (remote, task, pack_page(config.set_dir, task.path, html), facts)

        for task, result in stream(client, tasks, call, stats):
            if isinstance(result, PageFailure):
                outcome: Outcome = PageFailed(task.filename, str(result))
            elif isinstance(result, BaseException):
                outcome = PageFailed(task.filename, f"{task.where}: failed on the cluster: {error_line(result)}")
            else:
                outcome, rendered, facts = result
                renders += rendered
                if facts is not None:
                    write_facts(config.cache_root, config, task.sha256, facts)
            out.append(outcome)
            if isinstance(outcome, PageFailed) and isinstance(result, tuple):
                stats.failed += 1
            on_result(outcome)
            advance(1)
    return out, renders


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
