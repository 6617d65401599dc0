"""Vectorizing a list of pages, in this process or in a pool of worker processes.

Each worker loads the ruleset and starts its own browser (lazily, when a rule
first asks for rendered facts, or at once for a JavaScript ruleset); results come
back as plain data, in page order (corpus.parallel). A page that fails (its ruleset
throws or returns a non-number, or it cannot be rendered, or its worker dies) is
reported and skipped; the others go on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from corpus.errors import CorpusError
from corpus.parallel import Died, ordered_map
from corpus.progress import progress as show_progress
from corpus.render.browser import ClosedOnExit, RenderError, Viewport
from corpus.render.facts import PageFacts, Renderer
from corpus.vectors.document import PageDocument, RuleError, vectorize_document
from corpus.vectors.jsvectorize import JsPageVectorizer, JsRun, PageFailure
from corpus.vectors.ruleset import load_ruleset
from corpus.vectors.vectorfile import PageVectors

# Errors that concern one page only: it is left out of the file and the run goes on.
PAGE_ERRORS = (RuleError, RenderError, PageFailure)


@dataclass(frozen=True)
class PageTask:
    filename: str  # relative to the set folder: the page's key in the vector file
    path: Path
    sha256: str
    where: str  # how messages name the page


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker process needs; plain data so it pickles."""

    ruleset_path: Path
    ruleset_hash: str
    trainee: str
    viewport: tuple[int, int]
    cache_root: Path | None
    timings: bool
    delay: float = 0.0  # seconds to wait after a page loads (fathom's --delay)
    set_dir: Path | None = None  # the set's folder: JavaScript rulesets see pages served from it
    js: JsRun | None = None  # set for a JavaScript ruleset; None runs the Python one
    show_browser: bool = False  # a visible browser window (--show-browser; needs a display)


@dataclass(frozen=True)
class PageFailed:
    filename: str
    message: str  # one line naming page, rule and what went wrong


def read_page(task: PageTask) -> bytes:
    """The page's bytes, checked against the hash the plan was made with."""
    try:
        html = task.path.read_bytes()
    except OSError as e:
        raise PageFailure(f"{task.where}: cannot read the page: {e.strerror}") from None
    if hashlib.sha256(html).hexdigest() != task.sha256:
        raise PageFailure(f"{task.where}: the page changed during the run; run again")
    return html


class PageVectorizer(ClosedOnExit):
    """Vectorizes pages one by one with one Python ruleset and one (lazily started) browser."""

    def __init__(self, config: RunConfig) -> None:
        ruleset = load_ruleset(config.ruleset_path)
        if ruleset.hash != config.ruleset_hash:
            raise CorpusError(f"{config.ruleset_path}: the ruleset changed during the run; run again")
        self.config = config
        self.trainee = ruleset.get(config.trainee)
        self.renderer = Renderer(Viewport(*config.viewport), config.cache_root, config.delay, config.show_browser)

    def close(self) -> None:
        """Shut the browser down, if one was started; the next render starts another."""
        self.renderer.close()

    @property
    def renders(self) -> int:
        return self.renderer.renders

    def run(self, task: PageTask) -> PageVectors:
        started = time.perf_counter()
        html = read_page(task)

        def facts(marked: bytes) -> PageFacts:
            return self.renderer.facts(task.path, task.sha256, marked)

        doc = PageDocument(html, self.config.viewport, facts, task.where)
        nodes = vectorize_document(doc, self.trainee)
        elapsed = round((time.perf_counter() - started) * 1000) if self.config.timings else 0
        return PageVectors(task.filename, nodes, elapsed)


class JsTaskVectorizer(JsPageVectorizer):
    """The JavaScript vectorizer behind the same `run(task)` as `PageVectorizer`."""

    def __init__(self, config: RunConfig) -> None:
        assert config.js is not None and config.set_dir is not None
        super().__init__(config.js, config.show_browser)
        self.config = config

    def run(self, task: PageTask) -> PageVectors:
        read_page(task)
        vectors = self.vectorize(self.config.set_dir, task.path, task.filename, task.where)
        return vectors if self.config.timings else PageVectors(vectors.filename, vectors.nodes, 0)


def open_vectorizer(config: RunConfig) -> PageVectorizer | JsTaskVectorizer:
    return JsTaskVectorizer(config) if config.js is not None else PageVectorizer(config)


def run_one(vectorizer: PageVectorizer | JsTaskVectorizer, task: PageTask) -> PageVectors | PageFailed:
    """The page's vectors, or why it failed: no exception of one page ends the run."""
    try:
        return vectorizer.run(task)
    except PAGE_ERRORS as e:
        return PageFailed(task.filename, str(e))
    except Exception as e:  # not foreseen: still this page's alone, as on a cluster worker
        # The browser may be what broke: the next page starts a fresh one.
        vectorizer.close()
        detail = (str(e).strip().splitlines() or [""])[0]
        return PageFailed(task.filename, f"{task.where}: unexpected {type(e).__name__}: {detail}")


@contextmanager
def counting_vectorizer(config: RunConfig) -> Iterator[Callable[[PageTask], tuple[PageVectors | PageFailed, int]]]:
    """A worker's state: one vectorizer, as a function of a task giving its outcome and
    how many renders (0 or 1) it took."""
    with open_vectorizer(config) as vectorizer:
        def run(task: PageTask) -> tuple[PageVectors | PageFailed, int]:
            before = vectorizer.renders
            return run_one(vectorizer, task), vectorizer.renders - before

        yield run


def _run_counted(run: Callable[[PageTask], tuple[PageVectors | PageFailed, int]],
                 task: PageTask) -> tuple[PageVectors | PageFailed, int]:
    return run(task)


Outcome = PageVectors | PageFailed
OnResult = Callable[[Outcome], None]  # called with each page's outcome as it arrives


def run_tasks(
    config: RunConfig, tasks: list[PageTask], jobs: int, advance: Callable[[int], None],
    on_result: OnResult = lambda outcome: None,
) -> tuple[list[Outcome], int]:
    """Vectorize `tasks` in this process (jobs=1) or in `jobs` worker processes.

    Returns each page's vectors or failure, and how many pages were rendered (not from cache);
    `on_result` sees each outcome, in order, before `advance` counts it.
    A worker that dies takes only the page it was on with it: that page is a failure.
    """
    out: list[Outcome] = []
    renders = 0
    # spawn, not fork: workers start Playwright threads and must not inherit a
    # half-copied parent (the ruleset module is loaded afresh in each).
    for result in ordered_map(_run_counted, tasks, workers=worker_count(jobs, tasks),
                              state=partial(counting_vectorizer, config), start="spawn",
                              name=lambda task: task.where):
        if isinstance(result, Died):
            outcome: Outcome = PageFailed(result.item.filename, f"{result.message} (out of memory? killed?); "
                                                                "run again with --jobs 1 to see why")
        else:
            outcome, rendered = result
            renders += rendered
        out.append(outcome)
        on_result(outcome)
        advance(1)
    return out, renders


def worker_count(jobs: int, tasks: list[PageTask]) -> int:
    return max(1, min(jobs, len(tasks)))


class Runner(Protocol):
    """Where a vectorize run's pages run: `LocalRunner` here, or a cluster (corpus/cluster/)."""

    def run(self, config: RunConfig, tasks: list[PageTask], label: str, progress: bool,
            on_result: OnResult) -> tuple[list[Outcome], int]:
        """Each task's vectors or failure, in order, and how many pages were rendered; each
        outcome is also handed to `on_result` as soon as it is known (the caller checkpoints
        with it, vectors/checkpoint.py)."""
        ...


@dataclass(frozen=True)
class LocalRunner:
    """Pages in this process (jobs 1) or in `jobs` worker processes of this machine."""

    jobs: int = 1

    def run(self, config: RunConfig, tasks: list[PageTask], label: str, progress: bool,
            on_result: OnResult) -> tuple[list[Outcome], int]:
        workers = worker_count(self.jobs, tasks)
        shown = f"{label} on {workers} workers" if workers > 1 else label
        with show_progress(shown, len(tasks), progress) as advance:
            return run_tasks(config, tasks, self.jobs, advance, on_result)
