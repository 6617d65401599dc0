"""The worker side: one browser per worker thread, kept alive across tasks.

Playwright's sync API belongs to the thread that started it, and between calls it
leaves its event loop marked as that thread's running loop, which would break
Dask's own asyncio use in a task thread. So each Dask task thread hands browser
work to a plain thread of its own (`on_browser_thread`), which keeps one
vectorizer (or crops browser) for the current settings and reuses it page after
page: Chromium starts once per thread, not once per page. Pages are unpacked into
that thread's stable folder under the worker's local directory, which is what
lets a JavaScript vectorizer (serving pages from one set folder) be kept.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from distributed import WorkerPlugin, get_worker

from corpus.render.browser import SampleBrowser, Viewport, launch
from corpus.vectors.workers import JsTaskVectorizer, PageVectorizer, RunConfig, open_vectorizer

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
        """Identifies the settings: a thread keeps one vectorizer per key."""
        c = self.config
        parts = [c.ruleset_hash, c.trainee, repr(c.viewport), repr(c.timings), repr(c.delay), repr(c.js)]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


class BrowserPlugin(WorkerPlugin):
    """Registered by the client; its state lives on each worker (set up there, never pickled)."""

    name = PLUGIN_NAME

    def setup(self, worker: Any) -> None:
        self.root = Path(worker.local_directory) / "corpus"
        # Per thread: a thread's vectorizers die with it, never reach another thread.
        self._local = threading.local()

    def teardown(self, worker: Any) -> None:
        # Playwright objects may only be closed from their own threads; when the worker
        # exits, Playwright's driver sees its pipe close and takes Chromium down with it.
        shutil.rmtree(self.root, ignore_errors=True)

    def on_browser_thread(self, work: Callable[[], T]) -> T:
        """Run `work` on the browser thread that belongs to the calling task thread."""
        executor = getattr(self._local, "executor", None)
        if executor is None:
            executor = self._local.executor = ThreadPoolExecutor(1, thread_name_prefix="corpus-browser")
        return executor.submit(work).result()

    def thread_dir(self) -> Path:
        """This thread's scratch folder, emptied before each page."""
        folder = self.root / f"thread-{threading.get_ident()}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def _kept(self, key: Any, open_one: Callable[[], Any], close: Callable[[Any], None]) -> Any:
        """This thread's object for `key`, opened on first use. A thread keeps one
        at a time: Playwright's sync API allows one running instance per thread, so
        switching settings (another ruleset, or crops after vectors) closes the old one."""
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == key:
            return held[1]
        if held is not None:
            self._local.held = None
            close(held[1])
        value = open_one()
        self._local.held = (key, value)
        return value

    def vectorizer(self, remote: RemoteRun, set_dir: Path) -> PageVectorizer | JsTaskVectorizer:
        def open_one() -> PageVectorizer | JsTaskVectorizer:
            ruleset = self.root / f"ruleset-{remote.key}" / remote.ruleset_name
            if not ruleset.exists():
                ruleset.parent.mkdir(parents=True, exist_ok=True)
                ruleset.write_bytes(remote.ruleset_bytes)
            return open_vectorizer(replace(remote.config, ruleset_path=ruleset, cache_root=None, set_dir=set_dir))

        return self._kept(("vectors", remote.key, set_dir), open_one, lambda v: v.__exit__(None, None, None))

    def browser(self, viewport: tuple[int, int]) -> SampleBrowser:
        def open_one() -> tuple[Any, SampleBrowser]:
            context = launch(Viewport(*viewport))
            return context, context.__enter__()

        return self._kept(("browser", viewport), open_one, lambda held: held[0].__exit__(None, None, None))[1]


def worker_plugin() -> BrowserPlugin:
    """The plugin on the worker running the current task."""
    return get_worker().plugins[PLUGIN_NAME]


def worker_address() -> str:
    return get_worker().address
