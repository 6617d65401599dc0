"""The viewer's browser work, on the one browser thread (corpus/render/browser_thread.py).

The HTTP server answers each request on a thread of its own, while Playwright's sync
API belongs to the thread that started it; so rendering facts, running a JavaScript
ruleset and taking crops are handed to one BrowserThread and waited for. It holds one
browser at a time: the Python renderer (facts and crops) or a JavaScript ruleset's
vectorizer, and switching between them restarts Chromium.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from corpus.render.browser import Viewport
from corpus.render.browser_thread import BrowserThread
from corpus.render.facts import (
    MARK,
    Renderer,
    for_browser,
    mark_elements,
)
from corpus.starttags import start_tags
from corpus.store.filecache import FileCache
from corpus.tree.sample import Sample
from corpus.vectors.jsvectorize import JsPageVectorizer, JsRun

T = TypeVar("T")
CROPS_KIND = "viewer-crops"  # in the file cache, per viewport
CROP_PAD = 8  # px of context around the element


class Browsers:
    """The viewer's browser-backed objects, each opened on first use by the thread that holds it:
    a `Renderer` for Python rulesets and crops, or the vectorizer of one JavaScript ruleset bundle.
    Use only on that thread."""

    def __init__(self, thread: BrowserThread, root: Path, viewport: Viewport) -> None:
        self._thread = thread
        self.root = root
        self.viewport = viewport

    @property
    def renderer(self) -> Renderer:
        return self._thread.kept("renderer", lambda: Renderer(self.viewport, self.root))

    def js_vectorizer(self, run: JsRun, key: str) -> JsPageVectorizer:
        return self._thread.kept(("js", key), lambda: JsPageVectorizer(run))


class ViewerBrowsers:
    """The viewer's browser thread; `run` hands it work on `Browsers`."""

    def __init__(self, root: Path, viewport: Viewport) -> None:
        self.root = root
        self.viewport = viewport
        self._thread = BrowserThread()
        self._browsers = Browsers(self._thread, root, viewport)

    def run(self, work: Callable[[Browsers], T]) -> T:
        """Run `work(browsers)` on the browser thread and return its result (or raise its error)."""
        return self._thread.run(lambda _: work(self._browsers))

    def close(self) -> None:
        self._thread.close()

    def crop(self, sample: Sample, element: int) -> bytes | None:
        """A PNG of one element of the sample as the vectorizer renders it (cached by page hash);
        b"" when the element is not rendered, None when the page has no such element (no such
        start tag, or one the browser dropped while parsing: a second `<body>`, say). The page
        is read once; its start tags are counted only when the crop is not cached."""
        html = sample.path.read_bytes()
        digest = hashlib.sha256(html).hexdigest()
        cache = FileCache(self.root, f"{CROPS_KIND}/{self.viewport.width}x{self.viewport.height}", ".png")
        key = f"{digest}-{element}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        # A number past the page's start tags would have the browser wait for it in vain.
        if element >= sum(1 for _ in start_tags(html)):
            return None

        def take(browsers: Browsers) -> bytes | None:
            with browsers.renderer.browser().open(sample.path, html=for_browser(mark_elements(html))) as page:
                # query_selector answers at once; a locator would wait 30 s for an element never there
                handle = page.query_selector(f'[{MARK}="{element}"]')
                if handle is None:
                    return None
                box = handle.bounding_box()
                if box is None or box["width"] <= 0 or box["height"] <= 0:
                    return b""  # not rendered (hidden, or made of nothing)
                clip = {"x": max(0.0, box["x"] - CROP_PAD), "y": max(0.0, box["y"] - CROP_PAD),
                        "width": box["width"] + 2 * CROP_PAD, "height": box["height"] + 2 * CROP_PAD}
                return page.screenshot(clip=clip, full_page=True)

        def take_and_keep(browsers: Browsers) -> bytes | None:
            png = take(browsers)
            if png:
                cache.put(key, png)
            return png

        return self.run(take_and_keep)
