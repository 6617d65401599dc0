"""Rendered facts: each element's box, visibility and computed style, from Chromium.

Pairing browser elements with lxml elements: before parsing, `mark_elements` writes
an attribute `data-corpus-i="N"` into the N-th start tag of the page bytes. Both lxml
and Chromium then parse the same marked bytes, so every element that came from a
start tag carries its number in both trees, whatever each parser repairs (Chromium
adds `<tbody>`, moves misplaced table content, clones formatting elements; libxml2
does its own repairs). Elements a parser makes up carry no number and get no facts,
except `<html>`, `<head>` and `<body>`, which are paired by name. The vectorizer
removes the attribute from the lxml tree before rules see it.

All facts of a page come back from one `page.evaluate` call and are cached, gzipped,
per (page sha256, viewport) in the file cache under `<root>/.corpus-cache/render/`
(store/filecache.py), so re-running with an edited ruleset never renders again.
"""

from __future__ import annotations

import gzip
import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.render.browser import (
    ClosedOnExit,
    RenderError,
    SampleBrowser,
    Viewport,
    launch,
    without_navigation,
)
from corpus.render.rendered import Box, Rendered
from corpus.starttags import start_tags
from corpus.store.filecache import FileCache

MARK = "data-corpus-i"
# Bump when the marking, the script or the property list changes: old cache entries
# then simply stop matching.
RENDER_FORMAT = 1
RENDER_TIMEOUT_MS = 60_000
PAIRED_BY_NAME = ("html", "head", "body")

STYLE_PROPERTIES = (
    "display", "visibility", "opacity", "position", "float", "z-index", "overflow",
    "font-size", "font-weight", "font-style", "font-family", "line-height", "text-align",
    "text-transform", "text-decoration-line", "color", "background-color", "background-image",
    "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
    "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
    "border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
    "border-top-left-radius", "cursor",
)

# --- marking start tags ---------------------------------------------------------------

def mark_elements(html: bytes) -> bytes:
    """Number every start tag in the page bytes with a `data-corpus-i` attribute."""
    out: list[bytes] = []
    copied = 0  # html[:copied] is already in `out`
    for count, tag in enumerate(start_tags(html)):
        out.append(html[copied:tag.name_end])
        out.append(b' %s="%d"' % (MARK.encode(), count))
        copied = tag.name_end
    out.append(html[copied:])
    return b"".join(out)


def for_browser(marked_html: bytes) -> bytes:
    """The marked page as the browser gets it (the sandbox now does this for every page it
    serves; kept for callers that show a page some other way)."""
    return without_navigation(marked_html)


# --- facts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageFacts:
    width: float  # the document's scroll size
    height: float
    elements: dict[str, Rendered]  # by mark number (as text), or "html" / "head" / "body"


# Runs in Playwright's isolated world, so it works with the page's JavaScript off.
# Styles repeat a lot: each distinct one is sent once and elements refer to it.
_FACTS_SCRIPT = """
async ([mark, props]) => {
  if (document.fonts) { await document.fonts.ready; }
  for (const a of document.getAnimations()) { a.cancel(); }
  const styleIndex = new Map();
  const styles = [];
  const sx = window.scrollX, sy = window.scrollY;
  const take = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    const values = props.map((p) => cs.getPropertyValue(p));
    const key = values.join('\\u0001');
    let si = styleIndex.get(key);
    if (si === undefined) { si = styles.length; styles.push(values); styleIndex.set(key, si); }
    const shown = el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true,
                                      opacityProperty: true, visibilityProperty: true});
    const visible = shown && r.width > 0 && r.height > 0;
    return [r.left + sx, r.top + sy, r.width, r.height, visible ? 1 : 0, si];
  };
  const elements = {};
  for (const el of document.querySelectorAll('[' + mark + ']')) {
    const k = el.getAttribute(mark);
    if (!(k in elements)) { elements[k] = take(el); }
  }
  const named = {html: document.documentElement, head: document.head, body: document.body};
  for (const [k, el] of Object.entries(named)) { if (el) { elements[k] = take(el); } }
  const root = document.documentElement;
  // One JSON string: Playwright's own serializing of a large object costs far more.
  return JSON.stringify({width: root.scrollWidth, height: root.scrollHeight, props, styles, elements});
}
"""


def facts_from_json(data: dict[str, Any]) -> PageFacts:
    props = data["props"]
    styles = [dict(zip(props, values)) for values in data["styles"]]
    elements = {
        key: Rendered(Box(float(x), float(y), float(w), float(h)), bool(visible), styles[si])
        for key, (x, y, w, h, visible, si) in data["elements"].items()
    }
    return PageFacts(float(data["width"]), float(data["height"]), elements)


def render_cache(cache_root: Path, viewport: Viewport) -> FileCache:
    """Where pages' rendered facts are kept (gzipped JSON): by the page's sha256, per
    render format and viewport. Cluster runs ship these files between client and workers."""
    return FileCache(cache_root, f"render/v{RENDER_FORMAT}-{viewport.width}x{viewport.height}", ".json.gz")


class Renderer(ClosedOnExit):
    """Rendered facts for pages: from the cache, else from one lazily started Chromium.

    One per process; `close()` (or `with`) shuts the browser down if it was started.
    """

    def __init__(self, viewport: Viewport, cache_root: Path | None, delay: float = 0.0, show: bool = False) -> None:
        self.viewport = viewport
        self.show = show  # a visible browser window (--show-browser)
        self.delay = delay  # seconds to wait after load before reading facts (fathom's --delay)
        self.cache = None if cache_root is None else render_cache(cache_root, viewport)
        self.renders = 0  # pages actually rendered (not served from the cache)
        self._stack = ExitStack()
        self._browser: SampleBrowser | None = None
        self._tab: Any = None

    def close(self) -> None:
        self._stack.close()
        self._browser = self._tab = None

    def facts(self, page_path: Path, page_hash: str, marked_html: bytes) -> PageFacts:
        cached = None if self.cache is None else self.cache.get(page_hash)
        if cached is not None:
            try:
                return facts_from_json(json.loads(gzip.decompress(cached)))
            except (OSError, ValueError, KeyError, TypeError, EOFError):
                pass  # a damaged cache entry is rendered again
        data = self._render(page_path, marked_html)
        if self.cache is not None:
            self.cache.put(page_hash, gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0))
        return facts_from_json(data)

    def browser(self) -> SampleBrowser:
        """The sandboxed Chromium this renderer uses, started on first use."""
        if self._browser is None:
            self._browser = self._stack.enter_context(launch(self.viewport, self.show))
        return self._browser

    def _render(self, page_path: Path, marked_html: bytes) -> dict[str, Any]:
        from playwright.sync_api import Error as PlaywrightError

        try:
            if self._tab is None:
                self._tab = self._stack.enter_context(self.browser().tab(timeout_ms=RENDER_TIMEOUT_MS))
            page = self._tab.show(page_path, html=marked_html)  # the sandbox switches refresh off
            if self.delay > 0:
                page.wait_for_timeout(self.delay * 1000)
            data = json.loads(page.evaluate(_FACTS_SCRIPT, [MARK, list(STYLE_PROPERTIES)]))
        except PlaywrightError as e:
            first = (str(e).strip().splitlines() or ["unknown error"])[0]
            raise RenderError(f"{page_path}: rendering failed: {first}") from None
        self.renders += 1
        return data

    @property
    def refused(self) -> list[str]:
        """URLs the sandbox refused so far (diagnostics)."""
        return [] if self._browser is None else list(self._browser.refused)
