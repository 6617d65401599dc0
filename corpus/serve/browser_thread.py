"""All browser work of the viewer on one thread.

Playwright's sync API belongs to the thread that started it, while the HTTP
server answers each request on a thread of its own; so rendering facts and taking
crops are handed to this one thread and waited for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from corpus.render.browser import Viewport
from corpus.render.facts import (
    MARK,
    Renderer,
    for_browser,
    mark_elements,
)
from corpus.store.filecache import FileCache
from corpus.tree.sample import Sample
from corpus.vectors.jsvectorize import JsPageVectorizer, JsRun

T = TypeVar("T")
CROPS_KIND = "viewer-crops"  # in the file cache, per viewport
CROP_PAD = 8  # px of context around the element


class Browsers:
    """The browsers of the viewer, each started on first use: a `Renderer` for Python
    rulesets and crops, and one JavaScript vectorizer per ruleset bundle."""

    def __init__(self, root: Path, viewport: Viewport) -> None:
        self.renderer = Renderer(viewport, root)
        self._js: dict[str, JsPageVectorizer] = {}

    def js_vectorizer(self, run: JsRun, key: str) -> JsPageVectorizer:
        if key not in self._js:
            for old in self._js.values():  # a changed ruleset: one browser is enough
                old.close()
            self._js = {key: JsPageVectorizer(run)}
        return self._js[key]

    def close(self) -> None:
        self.renderer.close()
        for vectorizer in self._js.values():
            vectorizer.close()


class BrowserThread:
    """Owns the viewer's `Browsers`; runs callables on its one thread."""

    def __init__(self, root: Path, viewport: Viewport) -> None:
        self.root = root
        self.viewport = viewport
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="corpus-browser")
        self._browsers: Browsers | None = None

    def run(self, work: Callable[[Browsers], T]) -> T:
        """Run `work(browsers)` on the browser thread and return its result (or raise its error)."""
        return self._executor.submit(self._call, work).result()

    def _call(self, work: Callable[[Browsers], T]) -> T:
        if self._browsers is None:
            self._browsers = Browsers(self.root, self.viewport)
        return work(self._browsers)

    def close(self) -> None:
        if self._browsers is not None:
            self.run(lambda browsers: browsers.close())
        self._executor.shutdown(wait=True)

    def crop(self, sample: Sample, element: int) -> bytes:
        """A PNG of one element of the sample as the vectorizer renders it (cached by page hash)."""
        html = sample.path.read_bytes()
        digest = hashlib.sha256(html).hexdigest()
        cache = FileCache(self.root, f"{CROPS_KIND}/{self.viewport.width}x{self.viewport.height}", ".png")
        key = f"{digest}-{element}"
        cached = cache.get(key)
        if cached is not None:
            return cached

        def take(browsers: Browsers) -> bytes:
            with browsers.renderer.browser().open(sample.path, html=for_browser(mark_elements(html))) as page:
                box = page.locator(f'[{MARK}="{element}"]').first.bounding_box()
                if box is None or box["width"] <= 0 or box["height"] <= 0:
                    return b""  # not rendered (hidden, or made of nothing)
                clip = {"x": max(0.0, box["x"] - CROP_PAD), "y": max(0.0, box["y"] - CROP_PAD),
                        "width": box["width"] + 2 * CROP_PAD, "height": box["height"] + 2 * CROP_PAD}
                return page.screenshot(clip=clip, full_page=True)

        def take_and_keep(browsers: Browsers) -> bytes:
            png = take(browsers)
            if png:
                cache.put(key, png)
            return png

        return self.run(take_and_keep)
