"""Running work in parallel: the CPU count, and one ordered, bounded map over worker processes.

`ordered_map(work, items, workers=N)` yields `work(item)` for each item, in the order
of `items`, each as soon as it and every one before it are done. At most
`workers * ahead` items are handed out and not yet yielded, so memory stays bounded
for any number of items, however slow one of them is.

Per-worker state (a browser, a loaded ruleset) is made by `state`, a factory of a
context manager that each worker enters once before its first item and leaves after
its last; with `state`, `work` is called as `work(state, item)`.

The behaviours every caller gets:

- A worker that dies (killed, out of memory, a crash in C code): the item it was
  running is yielded, in its place, as a `Died` naming it, a fresh worker takes its
  place, and the other items go on. The caller decides whether that ends its run.
- An exception raised by `work` (or by `state`) is raised here, at that item's place.
- Ctrl-C: workers ignore SIGINT (it reaches the whole process group), so none prints a
  traceback; the parent gets one KeyboardInterrupt. Whenever the map is left early
  (Ctrl-C, an exception, the caller stops iterating), workers take no more items,
  get `grace` seconds to finish the one they are on and leave their state, and are
  terminated after that.
- With `workers` 1 (or in a daemonic process, which may not start processes of its
  own) everything runs in this process, with the same results.

The start method is the caller's: "spawn" for workers that start threads (Playwright),
"fork" for workers that should start in milliseconds with the parent's memory (with
fork, `work`, `state` and the items need not pickle; results always do).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from corpus.errors import CorpusError

T = TypeVar("T")
R = TypeVar("R")

AHEAD = 2  # items handed to each worker at once: one to run, one ready when it is done
GRACE_SECONDS = 10.0


def usable_cpus() -> int:
    """How many CPUs this process may run on (its affinity, which containers and taskset narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def fastest_start() -> str:
    """fork where there is one (workers start in milliseconds with the parent's memory), else spawn.

    Fork only from a parent that runs no other thread (Playwright's, say): a child
    inherits a copy of each lock as it was, held or not.
    """
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


@dataclass(frozen=True)
class Died(Generic[T]):
    """In place of a result: the worker process running `item` died."""

    item: T
    message: str  # "the worker process running NAME died (exit code, signal)"


def ordered_map(
    work: Callable[..., R],
    items: Iterable[T],
    *,
    workers: int,
    state: Callable[[], AbstractContextManager[Any]] | None = None,
    start: str = "spawn",
    ahead: int = AHEAD,
    name: Callable[[T], str] = repr,
    grace: float = GRACE_SECONDS,
) -> Iterator[R | Died[T]]:
    """`work(item)` (or `work(state, item)`) for each item, in order; see the module docstring.

    The workers start now, so this process can do other work while they run; they are
    stopped when the iterator is exhausted, closed or dropped. `name(item)` is how a
    `Died` message names the item.
    """
    if workers <= 1 or multiprocessing.current_process().daemon:
        return _in_process(work, items, state)
    results = _pooled(_Pool(work, state, multiprocessing.get_context(start), workers, name), items, ahead, grace)
    next(results)  # into its try, so that closing or dropping it stops the workers
    return results


def _pooled(pool: _Pool, items: Iterable[T], ahead: int, grace: float) -> Iterator[Any]:
    try:
        yield None
        yield from pool.run(iter(items), len(pool.workers) * ahead, ahead)
    finally:
        pool.close(grace)


def _in_process(work: Callable[..., R], items: Iterable[T],
                state: Callable[[], AbstractContextManager[Any]] | None) -> Iterator[R]:
    if state is None:
        for item in items:
            yield work(item)
        return
    with state() as made:
        for item in items:
            yield work(made, item)


@dataclass(eq=False)  # a worker is itself, not its fields
class _Worker:
    process: Any  # a multiprocessing Process of the pool's context
    tasks: Any  # its own queue: a worker killed while reading one leaves the others' untouched
    results: Connection
    running: deque[int] = field(default_factory=deque)  # indexes handed to it, oldest first


@dataclass
class _Outcome:
    kind: str  # "done", "error" (work raised) or "died"
    value: Any


class _Pool:
    """The worker processes of one ordered_map, and the bookkeeping of what each is running."""

    def __init__(self, work: Callable[..., Any], state: Callable[[], AbstractContextManager[Any]] | None,
                 context: Any, size: int, name: Callable[[Any], str]) -> None:
        self.work, self.state, self.context, self.name = work, state, context, name
        self.stop = context.Event()
        self.items: dict[int, Any] = {}  # handed out, not yet yielded
        self.outcomes: dict[int, _Outcome] = {}
        self.retry: deque[int] = deque()  # not yet handed out: new items, and those a dead worker never came to
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        tasks = self.context.Queue()
        receiver, sender = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_serve, args=(self.work, self.state, tasks, sender, self.stop),
                                       daemon=True)
        process.start()
        sender.close()
        return _Worker(process, tasks, receiver)

    def run(self, items: Iterator[Any], window: int, ahead: int) -> Iterator[Any]:
        following = 0  # the next index to yield
        taken = 0  # indexes taken from `items`
        exhausted = False
        while True:
            while not exhausted and taken < following + window:
                try:
                    self.items[taken] = next(items)
                except StopIteration:
                    exhausted = True
                    break
                self.retry.append(taken)
                taken += 1
            self._hand_out(ahead)
            while following in self.outcomes:
                outcome = self.outcomes.pop(following)
                item = self.items.pop(following)
                following += 1
                if outcome.kind == "error":
                    raise outcome.value
                yield Died(item, outcome.value) if outcome.kind == "died" else outcome.value
            if exhausted and following == taken:
                return
            if not (following in self.outcomes or (not exhausted and taken < following + window)):
                self._receive()

    def _hand_out(self, ahead: int) -> None:
        while self.retry:
            worker = min(self.workers, key=lambda w: len(w.running))
            if len(worker.running) >= ahead:
                return
            index = self.retry.popleft()
            worker.running.append(index)
            with _ctrl_c_held_back():
                worker.tasks.put((index, self.items[index]))

    def _receive(self) -> None:
        """Wait for a result or a worker's death, and file it."""
        by_handle: dict[Any, _Worker] = {}
        for worker in self.workers:
            by_handle[worker.results] = worker
            by_handle[worker.process.sentinel] = worker
        for ready in wait(list(by_handle)):
            worker = by_handle[ready]
            if worker in self.workers and not self._drain(worker):
                self._replace(worker)

    def _drain(self, worker: _Worker) -> bool:
        """File every message the worker has sent; False when it is gone."""
        # Whether it had exited is read first: a result sent between the poll and a later
        # read would be left in the pipe, its item reported as died and run again.
        dead = worker.process.exitcode is not None
        try:
            while worker.results.poll():
                kind, value = worker.results.recv()
                if kind == "setup":  # its state could not be made: no item can run
                    raise value
                self.outcomes[worker.running.popleft()] = _Outcome(kind, value)
        except (EOFError, OSError):
            return False
        return not dead

    def _replace(self, worker: _Worker) -> None:
        worker.process.join()
        if worker.running:
            index = worker.running.popleft()
            self.outcomes[index] = _Outcome("died", f"the worker process running {self.name(self.items[index])} "
                                                    f"died ({_exit_status(worker.process.exitcode)})")
        self.retry.extendleft(reversed(worker.running))
        _discard(worker)
        self.workers[self.workers.index(worker)] = self._start()

    def close(self, grace: float) -> None:
        """Workers stop taking items, finish the one they are on, and are gone within `grace` seconds."""
        self.stop.set()
        with _ctrl_c_held_back():
            for worker in self.workers:
                worker.tasks.put(None)
        deadline = time.monotonic() + grace
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.exitcode is None:
                worker.process.terminate()
                worker.process.join()
            _discard(worker)


def _discard(worker: _Worker) -> None:
    worker.tasks.cancel_join_thread()  # what a dead worker never read must not hold up our exit
    with _ctrl_c_held_back():
        worker.tasks.close()
    worker.results.close()


@contextmanager
def _ctrl_c_held_back() -> Iterator[None]:
    """Ctrl-C waits until the block is done, then acts as it would have.

    A queue's put and close take a lock that a KeyboardInterrupt raised inside them
    leaves taken, and the next put (the one that tells the workers to stop) would
    then wait forever. Signals reach Python's main thread only, so elsewhere there
    is nothing to hold back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            signal.raise_signal(signal.SIGINT)


def _exit_status(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"exit code {code}"


def _serve(work: Callable[..., Any], state: Callable[[], AbstractContextManager[Any]] | None,
           tasks: Any, results: Connection, stop: Any) -> None:
    """A worker process: make the state, then run items until told to stop."""
    # Ctrl-C reaches the whole process group: the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        manager = nullcontext() if state is None else state()
        made = manager.__enter__()
    except BaseException as e:
        _send(results, "setup", e)
        return
    try:
        while not stop.is_set() and (task := tasks.get()) is not None:
            index, item = task
            try:
                value = work(item) if state is None else work(made, item)
            except BaseException as e:
                _send(results, "error", e)
            else:
                _send(results, "done", value)
    finally:
        try:
            manager.__exit__(None, None, None)
        except Exception:  # the results are sent; a failing cleanup must not turn them into a crash
            pass


def _send(results: Connection, kind: str, value: Any) -> None:
    if kind != "done":
        value = _portable(value)
    try:
        results.send((kind, value))
    except Exception as e:  # a result that does not pickle
        results.send(("error", CorpusError(f"{type(e).__name__}: {e}")))


def _portable(error: BaseException) -> BaseException:
    """`error`, or a CorpusError naming it when it would not come back whole from a pipe.

    An exception that pickles may still not unpickle (one whose __init__ takes more
    arguments than it passes to Exception's): the parent's recv() would raise an
    unrelated TypeError in its place."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return CorpusError(f"{type(error).__name__}: {error}")
    return error
