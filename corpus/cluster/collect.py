"""`corpus collect --scheduler`: pages loaded and frozen on a Dask cluster, landed by the client.

Each worker keeps one Chromium, driven by async Playwright on an event loop thread of
its own as a local `corpus collect` drives it; the worker's task threads hand it a page
each and wait, so a worker has as many pages in flight as it runs tasks. The frozen HTML
(or why a page failed) streams back, and the client lands each page with the same sink
and landing code as a local run, one at a time, in the order pages finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from distributed import WorkerPlugin, get_worker

from corpus.cluster.runner import ClusterStats, announce, connect, error_line, stream
from corpus.collect.run import (
    KeptBrowser,
    Outcome,
    Sink,
    frozen_or_reason,
    land_one,
    skipped_before_visit,
)
from corpus.collect.safety import AddressGuard
from corpus.collect.targets import Target
from corpus.collect.visit import CollectOptions, Frozen
from corpus.progress import progress

PLUGIN_NAME = "corpus-collect"
T = TypeVar("T")


class LoopBrowser:
    """One collecting Chromium (started again if it dies) on an event loop thread of its
    own; any thread may run a coroutine there and wait for it (`call`)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="corpus-collect", daemon=True)
        self.thread.start()
        self.playwright, self.kept = self.call(self._start())

    @staticmethod
    async def _start() -> tuple[Any, KeptBrowser]:
        from playwright.async_api import async_playwright

        playwright = await async_playwright().start()
        kept = KeptBrowser(playwright)
        await kept.get()
        return playwright, kept

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()

    async def visit(self, url: str, options: CollectOptions, script: str, guard: AddressGuard) -> Frozen | str:
        return await frozen_or_reason(await self.kept.get(), url, options, script, guard)

    def close(self) -> None:
        async def stop() -> None:
            await self.kept.close()
            await self.playwright.stop()

        try:
            self.call(stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()


class CollectPlugin(WorkerPlugin):
    """Registered by the client; on each worker, its browser, started by the first page."""

    name = PLUGIN_NAME
    idempotent = True  # a second run keeps the workers' running browsers

    def setup(self, worker: Any) -> None:
        self._browser: LoopBrowser | None = None
        self._starting = threading.Lock()

    def teardown(self, worker: Any) -> None:
        if self._browser is not None:
            try:
                self._browser.close()
            except Exception:  # a browser or driver that died: nothing left to close
                pass

    def browser(self) -> LoopBrowser:
        with self._starting:  # task threads ask at once: one browser only
            if self._browser is None:
                self._browser = LoopBrowser()
            return self._browser


def collect_page(url: str, options: CollectOptions, script: str) -> tuple[str, Frozen | str]:
    """Runs on a worker: (worker address, the frozen page or why it could not be)."""
    worker = get_worker()
    browser = worker.plugins[PLUGIN_NAME].browser()
    guard = AddressGuard(options.allow_local)  # the worker's own view of addresses: it makes the requests
    return worker.address, browser.call(browser.visit(url, options, script, guard))


def collect_on_cluster(address: str, targets: list[Target], options: CollectOptions, sink: Sink, script: str,
                       show_progress: bool = False) -> list[Outcome]:
    """As `corpus.collect.run.collect`, with the pages visited on the cluster at `address`."""
    outcomes: dict[int, Outcome] = {}
    seen: set[str] = set()
    with connect(address) as client, progress("collecting pages", len(targets), show=show_progress) as advance:
        announce(client, address, "collecting")
        client.register_plugin(CollectPlugin())
        todo = []
        for i, target in enumerate(targets):
            if (skipped := skipped_before_visit(target, seen, sink)) is not None:
                outcomes[i] = skipped
                advance(1)
            else:
                todo.append(i)
        shared = client.scatter(script, broadcast=True)  # sent to each worker once, not with every page

        def call(i: int) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            return collect_page, (targets[i].url, options, shared)

        for i, result in stream(client, todo, call, ClusterStats()):
            if isinstance(result, BaseException):  # lost workers, after Dask's retries
                result = f"failed on the cluster: {error_line(result)}"
            outcomes[i] = land_one(targets[i], result, sink)  # here, one page at a time
            advance(1)
    return [outcomes[i] for i in range(len(targets))]
