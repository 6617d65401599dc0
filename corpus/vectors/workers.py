"""Vectorizing a list of pages, in this process or in a pool of worker processes.

Each worker loads the ruleset and starts its own browser (lazily, when a rule
first asks for rendered facts, or at once for a JavaScript ruleset); results come
back over a queue as plain data. A page that fails (its ruleset throws or returns
a non-number, or it cannot be rendered) is reported and skipped; the others go on.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.render.browser import RenderError, Viewport
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


class PageVectorizer:
    """Vectorizes pages one by one with one Python ruleset and one (lazily started) browser."""

    def __init__(self, config: RunConfig) -> None:
        ruleset = load_ruleset(config.ruleset_path)
        if ruleset.hash != config.ruleset_hash:
            raise CorpusError(f"{config.ruleset_path}: the ruleset changed during the run; run again")
        self.config = config
        self.trainee = ruleset.get(config.trainee)
        self.renderer = Renderer(Viewport(*config.viewport), config.cache_root, config.delay)

    def __enter__(self) -> PageVectorizer:
        return self

    def __exit__(self, *exc: object) -> None:
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
        super().__init__(config.js)
        self.config = config

    def run(self, task: PageTask) -> PageVectors:
        read_page(task)
        vectors = self.vectorize(self.config.set_dir, task.path, task.filename, task.where)
        return vectors if self.config.timings else PageVectors(vectors.filename, vectors.nodes, 0)


def open_vectorizer(config: RunConfig) -> PageVectorizer | JsTaskVectorizer:
    return JsTaskVectorizer(config) if config.js is not None else PageVectorizer(config)


def run_one(vectorizer: PageVectorizer | JsTaskVectorizer, task: PageTask) -> PageVectors | PageFailed:
    try:
        return vectorizer.run(task)
    except PAGE_ERRORS as e:
        return PageFailed(task.filename, str(e))


def _worker(config: RunConfig, tasks: Any, results: Any) -> None:
    """A worker process: pull tasks until a None, send back vectors or one error."""
    renders = 0
    try:
        with open_vectorizer(config) as vectorizer:
            while (task := tasks.get()) is not None:
                results.put(("page", run_one(vectorizer, task)))
            renders = vectorizer.renders
    except CorpusError as e:
        results.put(("error", str(e), e.exit_code))
        return
    except BaseException as e:  # a bug: report it rather than hang the parent
        results.put(("error", "".join(traceback.format_exception_only(type(e), e)).strip(), 1))
        return
    results.put(("done", renders))


def run_tasks(
    config: RunConfig, tasks: list[PageTask], jobs: int, advance: Callable[[int], None]
) -> tuple[list[PageVectors | PageFailed], int]:
    """Vectorize `tasks` in this process (jobs=1) or in `jobs` worker processes.

    Returns each page's vectors or failure, and how many pages were rendered (not from cache).
    """
    if not tasks:
        return [], 0
    jobs = max(1, min(jobs, len(tasks)))
    if jobs == 1:
        out: list[PageVectors | PageFailed] = []
        with open_vectorizer(config) as vectorizer:
            for task in tasks:
                out.append(run_one(vectorizer, task))
                advance(1)
            return out, vectorizer.renders
    return _run_parallel(config, tasks, jobs, advance)


def _run_parallel(
    config: RunConfig, tasks: list[PageTask], jobs: int, advance: Callable[[int], None]
) -> tuple[list[PageVectors | PageFailed], int]:
    # spawn, not fork: workers start Playwright threads and must not inherit a
    # half-copied parent (the ruleset module is loaded afresh in each).
    ctx = multiprocessing.get_context("spawn")
    task_queue = ctx.Queue()
    results = ctx.Queue()
    for task in tasks:
        task_queue.put(task)
    for _ in range(jobs):
        task_queue.put(None)
    workers = [ctx.Process(target=_worker, args=(config, task_queue, results), daemon=True) for _ in range(jobs)]
    for w in workers:
        w.start()
    out: list[PageVectors | PageFailed] = []
    renders = 0
    finished = 0
    try:
        while finished < jobs:
            try:
                message = results.get(timeout=1.0)
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise CorpusError("a vectorizing worker process died; run again with --jobs 1 to see why")
                continue
            if message[0] == "page":
                out.append(message[1])
                advance(1)
            elif message[0] == "done":
                renders += message[1]
                finished += 1
            else:
                error = CorpusError(message[1])
                error.exit_code = message[2]
                raise error
    finally:
        for w in workers:
            if w.is_alive() and finished < jobs:
                w.terminate()
        for w in workers:
            w.join(timeout=10)
    return out, renders
