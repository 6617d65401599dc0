"""Headless Chromium for rendering samples, sealed off from the network.

Playwright for Python drives Debian's Chromium (`/usr/bin/chromium`; set
`CORPUS_CHROMIUM` to use another build): Playwright never downloads a browser.
A sample is served from a made-up origin; every request is answered from the
sample's own page and resources folder, and anything else is refused, so no
request leaves the machine. Answering a request never raises (a raise inside a
Playwright route callback fails the whole page load, or the run): whatever goes
wrong answers that one request 404 and is named on stderr once per page.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self
from urllib.parse import quote, unquote, urlsplit

from corpus.errors import CorpusError
from corpus.extract.mime import content_type
from corpus.tree.sample import RESOURCES_DIR

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Sent with every sample: forms cannot submit anywhere (with scripts off, nothing else
# but a meta refresh navigates, and `without_navigation` switches that off).
NO_NAVIGATION_CSP = "form-action 'none'"
SAMPLE_ORIGIN = "http://sample.corpus.invalid"
# Where `fathom train` served a set to FathomFox: pages at `<origin>/<path relative to
# the set>`, so form actions and relative links resolve as they did there. Only
# request routing answers it; nothing listens on the port.
LOCAL_ORIGIN = "http://localhost:8000"

# What every Chromium the project starts is given, rendering or collecting.
COMMON_CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI; the page is sandboxed by the routing below
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--font-render-hinting=none",  # the same pixels run to run
]
# What seals a rendering browser off from the network, a second fence behind request
# routing: no host name resolves. Collecting, which reaches the web on purpose, leaves it out.
SEALING_CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND"]
SEALED_CHROMIUM_ARGS = COMMON_CHROMIUM_ARGS + SEALING_CHROMIUM_ARGS


def chromium_path() -> str:
    path = os.environ.get("CORPUS_CHROMIUM", DEFAULT_CHROMIUM)
    if not Path(path).exists():
        raise CorpusError(
            f"{path}: Chromium not found (Debian: apt-get install chromium, or set CORPUS_CHROMIUM)"
        )
    return path


class RenderError(CorpusError):
    """One page could not be rendered (the browser itself works)."""


@dataclass(frozen=True)
class Viewport:
    width: int = 1366
    height: int = 768


def sample_url(page_path: Path) -> str:
    return f"{SAMPLE_ORIGIN}/{page_path.name}"


def _served_file(page_path: Path, url: str) -> Path | None:
    """The file a request may be answered with: the page itself or one of its resources; None to refuse.

    Only regular files inside the sample's own resources folder are served, reached
    without passing through any symbolic link (`resources/7 -> /etc` is a hole, not
    a folder). Never raises: a name the OS refuses (a path segment over 255 bytes,
    ENAMETOOLONG), a NUL byte or anything odd is simply refused.
    """
    try:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != SAMPLE_ORIGIN:
            return None
        rel = unquote(parts.path).lstrip("/")
        if rel == page_path.name:
            return page_path
        segments = rel.split("/")
        if len(segments) < 3 or segments[:2] != [RESOURCES_DIR, page_path.stem]:
            return None
        if any(segment in ("", ".", "..") or "\0" in segment for segment in segments):
            return None
        return _regular_file_without_links(page_path.parent, segments)
    except (OSError, ValueError):
        return None


def _regular_file_without_links(base: Path, segments: list[str]) -> Path | None:
    """`base/segments...` when every step is a real folder and the end a regular file (lstat only)."""
    path = base
    for i, segment in enumerate(segments):
        path = path / segment
        mode = os.lstat(path).st_mode
        last = i == len(segments) - 1
        if not (stat.S_ISREG(mode) if last else stat.S_ISDIR(mode)):
            return None  # a link, a device, a fifo, or a file where a folder should be
    # The folders above the set can be links (a corpus on another disk); what the page may
    # reach must still lie inside its own resources folder once everything is resolved.
    allowed = (base / segments[0] / segments[1]).resolve()
    if not path.resolve().is_relative_to(allowed):
        return None
    return path


def _read_served(path: Path) -> bytes | None:
    """The bytes of a served file, opened without following a link swapped in meanwhile."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return None
        return f.read()


_META_REFRESH = re.compile(rb"""(<meta\b[^>]*?http-equiv\s*=\s*["']?\s*)refresh""", re.IGNORECASE)


def without_navigation(html: bytes) -> bytes:
    """The page with `<meta http-equiv=refresh>` switched off (renamed), bytes otherwise the same.

    A refresh would navigate away (to a refused URL, or reload the page forever) while
    the page is measured, and the browser would throw "execution context was destroyed".
    """
    return _META_REFRESH.sub(rb"\1x-corpus-no-refresh", html)


class ClosedOnExit:
    """`with thing:` closes it when the block ends, as `contextlib.closing` would: for the
    objects that hold a browser (`close` shuts it down; the next use starts another)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class SampleBrowser:
    """One Chromium for a whole run; `open(page)` gives a Playwright page showing a sample."""

    def __init__(self, browser, viewport: Viewport) -> None:  # browser: playwright Browser
        self._browser = browser
        self.viewport = viewport
        self.refused: list[str] = []  # URLs the sandbox refused, for diagnostics
        self._warned: set[Path] = set()  # pages whose failed request was already named on stderr

    def _new_context(self, javascript: bool, viewport: Viewport | None = None):
        viewport = viewport or self.viewport
        return self._browser.new_context(
            viewport={"width": viewport.width, "height": viewport.height},
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
            self.route(context, lambda route: self._answer(route, page_path, html), lambda: page_path)
            if timeout_ms is not None:
                context.set_default_timeout(timeout_ms)
            page = context.new_page()
            page.goto(sample_url(page_path), wait_until="load")
            yield page
        finally:
            context.close()

    @contextmanager
    def _context(self, javascript: bool, viewport: Viewport | None, timeout_ms: float | None) -> Iterator[object]:
        context = self._new_context(javascript, viewport)
        try:
            if timeout_ms is not None:
                context.set_default_timeout(timeout_ms)
            yield context
        finally:
            context.close()

    @contextmanager
    def tab(self, javascript: bool = False, timeout_ms: float | None = None) -> Iterator[SampleTab]:
        """One context and page shown sample after sample: far cheaper than `open` per sample."""
        with self._context(javascript, None, timeout_ms) as context:
            yield SampleTab(self, context)

    @contextmanager
    def set_tab(self, viewport: Viewport, timeout_ms: float | None = None) -> Iterator[SetTab]:
        """A tab with JavaScript on (the page's own CSP still applies) that shows pages of
        a set at `LOCAL_ORIGIN/<path relative to the set>`, as FathomFox saw them."""
        with self._context(True, viewport, timeout_ms) as context:
            yield SetTab(self, context)

    def route(self, context, answer: Callable[[object], None], page: Callable[[], Path | None]) -> None:
        """Send every request of `context` to `answer(route)`, guarded: if it raises, the
        request is answered 404 (and the page shown now, `page()`, named on stderr once)."""

        def guarded(route) -> None:
            try:
                answer(route)
            except Exception as e:  # never out of a route callback: see the module docstring
                self._request_failed(route, page(), e)

        context.route("**/*", guarded)

    def _request_failed(self, route, page: Path | None, error: Exception) -> None:
        url = route.request.url
        self.refused.append(url)
        if page not in self._warned:
            self._warned.add(page)
            shown = url if len(url) <= 100 else url[:100] + "..."
            reason = " ".join(str(error).split())[:200]
            print(f"corpus: warning: {page}: answered 404 to {shown} ({type(error).__name__}: {reason})",
                  file=sys.stderr, flush=True)
        try:
            route.fulfill(status=404, body=b"")
        except Exception:  # already answered, or the page is gone: nothing is waiting for it
            pass

    def _answer(self, route, page_path: Path, html: bytes | None = None) -> None:
        """Answer one request from the sample, or refuse it."""
        url = route.request.url
        served = _served_file(page_path, url)
        body = None
        if served == page_path:
            page = served.read_bytes() if html is None else html
            # No navigation away from the sample: a meta refresh is switched off, and
            # forms may not submit (a refused navigation would replace the page with
            # an error page, destroying what was being measured).
            route.fulfill(status=200, body=without_navigation(page),
                          headers={"content-type": "text/html", "content-security-policy": NO_NAVIGATION_CSP})
            return
        if served is not None:
            body = _read_served(served)
        if body is None:
            self.refused.append(url)
            route.abort("blockedbyclient")
            return
        route.fulfill(status=200, body=body, headers={"content-type": content_type(served)})


class SampleTab:
    """A page that shows one sample at a time (see `SampleBrowser.tab`).

    Routing serves whichever sample is shown now; Playwright turns the HTTP cache
    off while routing, so nothing of one sample leaks into the next.
    """

    def __init__(self, browser: SampleBrowser, context) -> None:  # context: playwright BrowserContext
        self._browser = browser
        self._current: tuple[Path, bytes | None] | None = None
        browser.route(context, self._answer, lambda: None if self._current is None else self._current[0])
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


class SetTab:
    """One page of a set at a time, served from `LOCAL_ORIGIN` (see `SampleBrowser.set_tab`).

    Only the page and its own resources folder are answered; every other request
    is refused and recorded in the browser's `refused`.
    """

    def __init__(self, browser: SampleBrowser, context) -> None:  # context: playwright BrowserContext
        self._browser = browser
        self._current: tuple[Path, Path] | None = None  # (set folder, page)
        self._html: bytes | None = None  # bytes shown in place of the page's own
        self._shown = False  # the top document of the current page has been answered
        browser.route(context, self._answer, lambda: None if self._current is None else self._current[1])
        self.page = context.new_page()

    def show(self, set_dir: Path, page_path: Path, html: bytes | None = None) -> object:
        """Load `page_path` (inside `set_dir`; `html` replacing its bytes) and return the Playwright page."""
        set_dir, page_path = set_dir.resolve(), page_path.resolve()
        self._current = (set_dir, page_path)
        self._html = html
        self._shown = False
        relpath = page_path.relative_to(set_dir).as_posix()
        self.page.goto(f"{LOCAL_ORIGIN}/{quote(relpath)}", wait_until="load")
        return self.page

    def _answer(self, route) -> None:
        request = route.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            if self._shown:
                # Saved pages hold <meta http-equiv=refresh> and the like: "204 No
                # Content" keeps the tab on the sample instead of an error page or a loop.
                route.fulfill(status=204, body=b"")
                return
            self._shown = True
        served = None if self._current is None else _served_from_set(*self._current, request.url)
        if served is None:
            self._browser.refused.append(route.request.url)
            route.abort("blockedbyclient")
            return
        if served == self._current[1]:
            body = served.read_bytes() if self._html is None else self._html
            route.fulfill(status=200, body=body, headers={"content-type": "text/html"})
            return
        route.fulfill(status=200, body=served.read_bytes(), headers={"content-type": content_type(served)})


def _served_from_set(set_dir: Path, page_path: Path, url: str) -> Path | None:
    """The page itself, or a file in its own resources folder; None for anything else.

    Never raises: a name the OS refuses (a path segment over 255 bytes, as a data URL
    left in a `srcset` becomes when read as a relative URL: ENAMETOOLONG) is refused.
    """
    try:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != LOCAL_ORIGIN:
            return None
        candidate = (set_dir / unquote(parts.path).lstrip("/")).resolve()
        if candidate == page_path:
            return page_path
        allowed = (page_path.parent / RESOURCES_DIR / page_path.stem).resolve()
        if candidate.is_file() and candidate.is_relative_to(allowed):
            return candidate
    except (OSError, ValueError):
        pass
    return None


@contextmanager
def launch(viewport: Viewport = Viewport(), show: bool = False) -> Iterator[SampleBrowser]:
    """Start Playwright and Chromium once (in a visible window with `show`); close both at the end."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CorpusError("playwright is not installed (pip install playwright)") from None
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=not show, args=SEALED_CHROMIUM_ARGS)
        try:
            yield SampleBrowser(browser, viewport)
        finally:
            browser.close()
