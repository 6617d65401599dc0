"""Extracting many pages in one run: results in page order, one page's trouble never
stopping the others, the pages spread over worker processes when there are several.

A real page's extraction is CPU work (decoding, hashing) and file creation, both of
which scale with cores: processes, not threads, because the decoding loop around the
C calls holds the GIL. Each page is extracted whole by one worker, so crash safety is
the same as in one process: a page is the original or fully extracted, whatever dies.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from corpus.errors import CorpusError
from corpus.extract.extract import ExtractResult, Problem, extract_sample
from corpus.samples.tree import Sample

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

AHEAD_PER_WORKER = 4  # pages queued per worker: enough to keep it busy, few enough to stop soon


def default_jobs() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_for(pages: int, jobs: int) -> int:
    """Worker processes for a run: none beyond the pages, and 1 (this process) for a single page."""
    return max(1, min(jobs, pages))


def extract_one(sample: Sample) -> ExtractResult:
    """`extract_sample`, with a page's own trouble (CorpusError) turned into a problem of that page."""
    try:
        return extract_sample(sample)
    except CorpusError as e:
        return ExtractResult(False, [], [Problem(sample.path, 0, str(e).removeprefix(f"{sample.path}: "))])


def extract_samples(samples: Sequence[Sample], jobs: int | None = None) -> Iterator[ExtractResult]:
    """`extract_one` of each sample, yielded in the order of `samples`.

    With `jobs` > 1 (default: one per CPU) and more than one page, pages go to that
    many worker processes; otherwise they are extracted here. Errors other than a
    page's CorpusError (a full disk, say) end the run, as they do in one process.
    """
    jobs = workers_for(len(samples), jobs or default_jobs())
    if jobs == 1:
        for sample in samples:
            yield extract_one(sample)
        return
    from concurrent.futures import ProcessPoolExecutor  # only runs of several pages pay for the import
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_ignore_interrupts) as pool:
        pending: deque[tuple[Sample, Future[ExtractResult]]] = deque()
        queue = iter(samples)
        waited_for = samples[0]
        try:
            for sample in queue:
                pending.append((sample, pool.submit(extract_one, sample)))
                if len(pending) >= jobs * AHEAD_PER_WORKER:
                    break
            while pending:
                waited_for, future = pending.popleft()
                result = future.result()
                for sample in queue:  # one in, one out: the queue stays bounded for any corpus size
                    pending.append((sample, pool.submit(extract_one, sample)))
                    break
                yield result
        except BrokenProcessPool:
            raise CorpusError(f"{waited_for.path}: a worker process died while this page or one beside it was "
                              "being extracted (out of memory? killed?); every page is whole: run "
                              "`corpus extract` again to finish") from None
        finally:
            for _, future in pending:
                future.cancel()  # pages not started stay as they are; those started finish whole


def _context() -> multiprocessing.context.BaseContext:
    """fork where there is one: the workers start in milliseconds with everything imported.

    Forking is safe while the parent runs no other thread, as `corpus extract` does not.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the parent stops the run and cancels the pages
    not started, while each worker finishes the page it is on (a page is never left half done
    either way, but a finished page is work kept)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
