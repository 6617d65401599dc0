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
from corpus.render.facts import MARK, Renderer, for_browser, mark_elements
from corpus.samples.atomic import atomic_write
from corpus.samples.tree import Sample

T = TypeVar("T")
CROPS_DIR = Path(".corpus-cache") / "viewer-crops"
CROP_PAD = 8  # px of context around the element


class BrowserThread:
    """Owns one `Renderer` (and so one Chromium); runs callables on its thread."""

    def __init__(self, root: Path, viewport: Viewport) -> None:
        self.root = root
        self.viewport = viewport
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="corpus-browser")
        self._renderer: Renderer | None = None

    def run(self, work: Callable[[Renderer], T]) -> T:
        """Run `work(renderer)` on the browser thread and return its result (or raise its error)."""
        return self._executor.submit(self._call, work).result()

    def _call(self, work: Callable[[Renderer], T]) -> T:
        if self._renderer is None:
            self._renderer = Renderer(self.viewport, self.root)
        return work(self._renderer)

    def close(self) -> None:
        def stop(renderer: Renderer) -> None:
            renderer.close()

        if self._renderer is not None:
            self.run(stop)
        self._executor.shutdown(wait=True)

    def crop(self, sample: Sample, element: int) -> bytes:
        """A PNG of one element of the sample as the vectorizer renders it (cached by page hash)."""
        html = sample.path.read_bytes()
        digest = hashlib.sha256(html).hexdigest()
        size = f"{self.viewport.width}x{self.viewport.height}"
        cached = self.root / CROPS_DIR / size / digest[:2] / f"{digest}-{element}.png"
        if cached.is_file():
            return cached.read_bytes()

        def take(renderer: Renderer) -> bytes:
            with renderer.browser().open(sample.path, html=for_browser(mark_elements(html))) as page:
                box = page.locator(f'[{MARK}="{element}"]').first.bounding_box()
                if box is None or box["width"] <= 0 or box["height"] <= 0:
                    return b""  # not rendered (hidden, or made of nothing)
                clip = {"x": max(0.0, box["x"] - CROP_PAD), "y": max(0.0, box["y"] - CROP_PAD),
                        "width": box["width"] + 2 * CROP_PAD, "height": box["height"] + 2 * CROP_PAD}
                return page.screenshot(clip=clip, full_page=True)

        def take_and_keep(renderer: Renderer) -> bytes:
            png = take(renderer)
            if png:
                renderer.ensure_cache_ignored()
                atomic_write(cached, png)
            return png

        return self.run(take_and_keep)
