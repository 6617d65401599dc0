"""The client side: connect to a scheduler, keep a bounded number of pages in flight,
and hand results back as they finish (in completion order, not submission order).

Dask retries a lost worker's tasks on another worker by itself (up to its
`distributed.scheduler.allowed-failures`); tasks here are pure functions of their
arguments, so a retry gives the same result. An exception that survives the
retries (or KilledWorker) becomes that item's outcome: the caller reports it
once and the rest of the run goes on.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from corpus.cluster.address import require_distributed
from corpus.errors import CorpusError

Item = TypeVar("Item")
CONNECT_TIMEOUT_S = 30
RETRIES = 2  # extra tries for a task whose function raised (a lost worker is retried by the scheduler)
IN_FLIGHT_PER_THREAD = 2  # pages queued per worker thread: keeps workers busy, memory bounded


@dataclass
class ClusterStats:
    """Pages done and failed per worker, for progress lines and the final summary."""

    started: float = field(default_factory=time.monotonic)
    done: Counter[str] = field(default_factory=Counter)
    failed: int = 0

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        workers = ", ".join(f"{_short(w)} {n / elapsed:.1f}/s" for w, n in sorted(self.done.items()))
        return f"{self.failed} failed; {workers}" if workers else f"{self.failed} failed"


def _short(address: str) -> str:
    return address.removeprefix("tcp://")


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A dask.distributed Client on `address` with corpus's worker plugin registered."""
    require_distributed()
    from distributed import Client

    from corpus.cluster.plugin import BrowserPlugin

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise CorpusError(f"cannot reach the Dask scheduler at {address}: {' '.join(str(e).split())}") from None
    try:
        client.register_plugin(BrowserPlugin())
        yield client
    finally:
        client.close()


def dashboard_link(client: Any) -> str | None:
    """The scheduler's dashboard, when it runs one (`client.dashboard_link` guesses one anyway)."""
    if "dashboard" not in client.scheduler_info().get("services", {}):
        return None
    return client.dashboard_link


def announce(client: Any, address: str, doing: str) -> None:
    """One line on stderr: what runs where, on how many workers, and the dashboard."""
    link = dashboard_link(client)
    workers = len(client.scheduler_info().get("workers", {}))
    print(f"corpus: {doing} on {address} ({workers} workers)" + (f"; dashboard: {link}" if link else ""),
          file=sys.stderr)


def stream(
    client: Any,
    items: Iterable[Item],
    call: Callable[[Item], tuple[Callable[..., Any], tuple[Any, ...]]],
    stats: ClusterStats,
) -> Iterator[tuple[Item, Any]]:
    """Submit `call(item)` = (function, args) for each item, at most a few per worker
    thread at a time, and yield (item, result or the exception it ended with) as each
    finishes. The function must return (worker address, result)."""
    from distributed import as_completed

    threads = sum(client.nthreads().values()) or 1
    window = max(2, IN_FLIGHT_PER_THREAD * threads)
    pending = iter(items)
    refused: list[tuple[Item, Exception]] = []  # items whose call raised CorpusError before submitting
    running: dict[Any, Item] = {}
    finished = as_completed(loop=client.loop)
    tag = uuid.uuid4().hex[:8]

    def submit(item: Item) -> None:
        try:
            function, args = call(item)
        except CorpusError as e:
            refused.append((item, e))
            stats.failed += 1
            return
        key = f"corpus-{function.__name__}-{tag}-{len(running)}-{uuid.uuid4().hex[:8]}"
        future = client.submit(function, *args, key=key, pure=False, retries=RETRIES)
        running[future] = item
        finished.add(future)

    for item in pending:
        submit(item)
        if len(running) >= window:
            break
    yield from _drain(refused)
    for future in finished:
        item = running.pop(future)
        try:
            worker, result = future.result()
            stats.done[worker] += 1
        except Exception as e:  # the task's own error after its retries, or KilledWorker
            result = e
            stats.failed += 1
        future.release()
        for nxt in pending:  # refill the window by one
            submit(nxt)
            if len(running) >= window:
                break
        yield item, result
        yield from _drain(refused)
    yield from _drain(refused)


def _drain(refused: list[tuple[Item, Exception]]) -> Iterator[tuple[Item, Exception]]:
    while refused:
        yield refused.pop(0)


def error_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}" if type(error).__name__ not in text else text
