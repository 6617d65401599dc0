"""One thread for browser work, holding one browser-backed object at a time.

Playwright's sync API belongs to the thread that started it, and between calls it
leaves its event loop marked as that thread's running loop: a second Playwright
started on the same thread fails ("Playwright Sync API inside the asyncio loop"),
and so would any asyncio code run there (Dask's, the HTTP server's). So browser work
is handed to a plain thread of its own and waited for, and that thread holds one
browser-backed object (a renderer, a vectorizer, a browser) at a time: asking for
another (another ruleset, crops after vectors) closes the old one first. The one
held is reused call after call, so Chromium starts once per setting, not per page.

Used by the viewer (corpus/serve/browser_thread.py) and the cluster's workers
(corpus/cluster/plugin.py).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from corpus.render.browser import SampleBrowser, Viewport, launch

T = TypeVar("T")


class BrowserThread:
    """One plain thread and the browser-backed object it holds (only ever touched on it)."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="corpus-browser")
        self._held: tuple[Hashable, AbstractContextManager[Any], Any] | None = None  # (key, manager, object)

    def run(self, work: Callable[[BrowserThread], T]) -> T:
        """Run `work(self)` on the thread and return its result (or raise its error)."""
        return self._executor.submit(work, self).result()

    def kept(self, key: Hashable, open_one: Callable[[], AbstractContextManager[T]]) -> T:
        """On the thread: what `open_one()` enters, for `key`; the one held if it has that
        key, else the old one is left first, then this one is opened."""
        if self._held is not None and self._held[0] == key:
            return self._held[2]
        self._release()
        manager = open_one()
        value = manager.__enter__()
        self._held = (key, manager, value)
        return value

    def browser(self, viewport: Viewport) -> SampleBrowser:
        """On the thread: a bare browser for `viewport` (crops)."""
        return self.kept(("browser", viewport), lambda: launch(viewport))

    def close(self) -> None:
        """Close what the thread holds, then the thread."""
        try:
            self._executor.submit(self._release).result()
        finally:
            self._executor.shutdown(wait=True)

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held[1].__exit__(None, None, None)
