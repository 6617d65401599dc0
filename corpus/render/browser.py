"""Headless Chromium for rendering samples, sealed off from the network.

Playwright for Python drives Debian's Chromium (`/usr/bin/chromium`; set
`CORPUS_CHROMIUM` to use another build): Playwright never downloads a browser.
A sample is served from a made-up origin; every request is answered from the
sample's own page and resources folder, and anything else is refused, so no
request leaves the machine.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from corpus.errors import CorpusError
from corpus.samples.tree import RESOURCES_DIR

DEFAULT_CHROMIUM = "/usr/bin/chromium"
SAMPLE_ORIGIN = "http://sample.corpus.invalid"

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI; the page is sandboxed by the routing below
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--font-render-hinting=none",  # the same pixels run to run
    # A second fence behind request routing: no host name resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium_path() -> str:
    path = os.environ.get("CORPUS_CHROMIUM", DEFAULT_CHROMIUM)
    if not Path(path).exists():
        raise CorpusError(
            f"{path}: Chromium not found (Debian: apt-get install chromium, or set CORPUS_CHROMIUM)"
        )
    return path


@dataclass(frozen=True)
class Viewport:
    width: int = 1366
    height: int = 768


def sample_url(page_path: Path) -> str:
    return f"{SAMPLE_ORIGIN}/{page_path.name}"


def _served_file(page_path: Path, url: str) -> Path | None:
    """The file a request may be answered with: the page itself or one of its resources."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != SAMPLE_ORIGIN:
        return None
    rel = unquote(parts.path).lstrip("/")
    if rel == page_path.name:
        return page_path
    allowed = (page_path.parent / RESOURCES_DIR / page_path.stem).resolve()
    candidate = (page_path.parent / rel).resolve()
    if candidate.is_file() and candidate.is_relative_to(allowed):
        return candidate
    return None


class SampleBrowser:
    """One Chromium for a whole run; `open(page)` gives a Playwright page showing a sample."""

    def __init__(self, browser, viewport: Viewport) -> None:  # browser: playwright Browser
        self._browser = browser
        self.viewport = viewport
        self.refused: list[str] = []  # URLs the sandbox refused, for diagnostics

    def _new_context(self, javascript: bool):
        return self._browser.new_context(
            viewport={"width": self.viewport.width, "height": self.viewport.height},
            device_scale_factor=1,
            java_script_enabled=javascript,
            reduced_motion="reduce",
            service_workers="block",
            offline=False,
        )

    @contextmanager
    def open(
        self,
        page_path: Path,
        javascript: bool = False,
        html: bytes | None = None,
        timeout_ms: float | None = None,
    ) -> Iterator[object]:
        """Show a sample; `html` replaces the page's bytes (its resources are still served)."""
        page_path = page_path.resolve()
        context = self._new_context(javascript)
        try:
            context.route("**/*", lambda route: self._answer(route, page_path, html))
            if timeout_ms is not None:
                context.set_default_timeout(timeout_ms)
            page = context.new_page()
            page.goto(sample_url(page_path), wait_until="load")
            yield page
        finally:
            context.close()

    @contextmanager
    def tab(self, javascript: bool = False, timeout_ms: float | None = None) -> Iterator[SampleTab]:
        """One context and page shown sample after sample: far cheaper than `open` per sample."""
        context = self._new_context(javascript)
        try:
            if timeout_ms is not None:
                context.set_default_timeout(timeout_ms)
            yield SampleTab(self, context)
        finally:
            context.close()

    def _answer(self, route, page_path: Path, html: bytes | None = None) -> None:
        url = route.request.url
        served = _served_file(page_path, url)
        if served is None:
            self.refused.append(url)
            route.abort("blockedbyclient")
            return
        if served == page_path:
            body = served.read_bytes() if html is None else html
            route.fulfill(status=200, body=body, headers={"content-type": "text/html"})
            return
        route.fulfill(status=200, body=served.read_bytes(), headers={"content-type": _content_type(served)})


class SampleTab:
    """A page that shows one sample at a time (see `SampleBrowser.tab`).

    Routing serves whichever sample is shown now; Playwright turns the HTTP cache
    off while routing, so nothing of one sample leaks into the next.
    """

    def __init__(self, browser: SampleBrowser, context) -> None:  # context: playwright BrowserContext
        self._browser = browser
        self._current: tuple[Path, bytes | None] | None = None
        context.route("**/*", self._answer)
        self._page = context.new_page()

    def show(self, page_path: Path, html: bytes | None = None) -> object:
        """Load a sample (`html` replacing its bytes) and return the Playwright page."""
        self._current = (page_path.resolve(), html)
        self._page.goto(sample_url(self._current[0]), wait_until="load")
        return self._page

    def _answer(self, route) -> None:
        if self._current is None:
            self._browser.refused.append(route.request.url)
            route.abort("blockedbyclient")
            return
        self._browser._answer(route, *self._current)


def _content_type(path: Path) -> str:
    extra = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
             ".svg": "image/svg+xml", ".css": "text/css", ".ico": "image/x-icon", ".webp": "image/webp"}
    return extra.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@contextmanager
def launch(viewport: Viewport = Viewport()) -> Iterator[SampleBrowser]:
    """Start Playwright and Chromium once; close both at the end."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CorpusError("playwright is not installed (pip install playwright)") from None
    executable = chromium_path()
    with sync_playwright() as playwright:
        # `--show-browser` (corpus/cli/fathomopts.py) sets CORPUS_SHOW_BROWSER for the worker processes.
        headless = os.environ.get("CORPUS_SHOW_BROWSER") != "1"
        browser = playwright.chromium.launch(executable_path=executable, headless=headless, args=CHROMIUM_ARGS)
        try:
            yield SampleBrowser(browser, viewport)
        finally:
            browser.close()
