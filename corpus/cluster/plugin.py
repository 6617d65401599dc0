"""The worker side: browsers kept alive across tasks, on threads of their own.

Playwright's sync API must not run on a Dask task thread (see
corpus/render/browser_thread.py), so the plugin owns a few browser threads (as many
as tasks run at once); a task borrows one, hands it the browser work and gives it
back. A browser thread keeps one vectorizer (or crops browser) for the current
settings and reuses it page after page: Chromium starts once per thread, not once
per page. Pages are unpacked into the thread's
stable folder under the worker's local directory, which is what lets a JavaScript
vectorizer (serving pages from one set folder) be kept.
"""

from __future__ import annotations

import hashlib
import queue
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import count
from pathlib import Path
from typing import Any, TypeVar

from distributed import WorkerPlugin, get_worker

from corpus.cluster.rendercache import worker_cache_root
from corpus.render.browser_thread import BrowserThread
from corpus.vectors.workers import (
    JsTaskVectorizer,
    PageVectorizer,
    RunConfig,
    open_vectorizer,
)

PLUGIN_NAME = "corpus-browsers"
T = TypeVar("T")


@dataclass(frozen=True)
class RemoteRun:
    """A RunConfig with the ruleset's bytes instead of the client's paths."""

    config: RunConfig  # ruleset_path / set_dir / cache_root are the client's; the worker replaces them
    ruleset_name: str  # rulesets.py or rulesets.js: the suffix tells the loader which it is
    ruleset_bytes: bytes  # Python rulesets are loaded from these; JavaScript ones are in config.js already

    @property
    def key(self) -> str:
        """Identifies the settings: a browser thread keeps one vectorizer per key."""
        c = self.config
        parts = [c.ruleset_hash, c.trainee, repr(c.viewport), repr(c.timings), repr(c.delay), repr(c.js)]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


class WorkerThread(BrowserThread):
    """A browser thread of a worker, with a page folder of its own."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder  # this thread's scratch space

    def scratch(self) -> Path:
        """The thread's page folder, emptied (call on the thread, before each page)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        return self.folder

    def vectorizer(self, remote: RemoteRun, set_dir: Path, rulesets: Path) -> PageVectorizer | JsTaskVectorizer:
        def open_one() -> PageVectorizer | JsTaskVectorizer:
            ruleset = rulesets / f"ruleset-{remote.key}" / remote.ruleset_name
            if not ruleset.exists():
                ruleset.parent.mkdir(parents=True, exist_ok=True)
                ruleset.write_bytes(remote.ruleset_bytes)
            # The worker's own render cache, where the client's cached facts for a page are put.
            config = replace(remote.config, ruleset_path=ruleset, cache_root=worker_cache_root(rulesets), set_dir=set_dir)
            return open_vectorizer(config)

        return self.kept(("vectors", remote.key, set_dir), open_one)


class BrowserPlugin(WorkerPlugin):
    """Registered by the client; its state lives on each worker (set up there, never pickled)."""

    name = PLUGIN_NAME
    # Registering again (every run does) keeps the plugin the workers have, and so
    # their running browsers, instead of tearing it down and starting over.
    idempotent = True

    def setup(self, worker: Any) -> None:
        self.root = Path(worker.local_directory) / "corpus"
        self._idle: queue.SimpleQueue[WorkerThread] = queue.SimpleQueue()
        self._all: list[WorkerThread] = []
        self._numbers = count()

    def teardown(self, worker: Any) -> None:
        for thread in self._all:
            try:
                thread.close()
            except Exception:  # a browser that died with its page: nothing left to close
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def on_browser_thread(self, work: Callable[[WorkerThread], T]) -> T:
        """Run `work` on an idle browser thread (a new one when all are busy)."""
        try:
            thread = self._idle.get_nowait()
        except queue.Empty:
            thread = WorkerThread(self.root / f"thread-{next(self._numbers)}")
            self._all.append(thread)
        try:
            return thread.run(work)
        finally:
            self._idle.put(thread)


def worker_plugin() -> BrowserPlugin:
    """The plugin on the worker running the current task."""
    return get_worker().plugins[PLUGIN_NAME]


def worker_address() -> str:
    return get_worker().address
