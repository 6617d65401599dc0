"""Loading one page in Chromium and freezing it with freeze-dry, as FathomFox's collector did.

Each page gets its own browser context (no cookies or cache shared between
pages). Every request passes the address guard; once the page's document has been
asked for, the top frame may not navigate any more (a 204 keeps it where it is), dialogs are
dismissed and popups closed, so what is frozen is the page that was asked for.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urljoin

from corpus.collect.freezer import FREEZE_CALL, mark_requested
from corpus.collect.safety import AddressGuard
from corpus.errors import CorpusError
from corpus.render.browser import Viewport

HTML_TYPES = ("text/html", "application/xhtml+xml")
SCROLL_STEPS = 10  # an endless page grows forever: scroll at most this many times
SCROLL_PAUSE_MS = 300
MAX_HOPS = 10  # redirects followed for one subresource, as `_Pin` follows them
FREEZE_GRACE_S = 10.0  # beyond freeze-dry's own fetch timeout, for inlining and serializing
SCROLL_TO_BOTTOM = """() => {
    const height = document.documentElement.scrollHeight;
    window.scrollTo(0, height);
    return height;
}"""


class CollectFailure(CorpusError):
    """One URL could not be collected (the others go on)."""


@dataclass(frozen=True)
class CollectOptions:
    wait_s: float = 0.0  # after loading (and scrolling), before freezing
    timeout_s: float = 30.0  # for loading; freeze-dry gets as long again to fetch subresources
    scroll: bool = False
    viewport: Viewport = Viewport()
    jobs: int = 1
    allow_local: bool = False
    max_bytes: int = 64 * 2**20  # a frozen page over this is refused


@dataclass
class Frozen:
    html: str
    original: str  # where the page ended up (freeze-dry's `<link rel="original">`)
    notes: list[str] = field(default_factory=list)


class _Pin:
    """The context's request router: the guard for every request, and no top-level
    navigation but the first (the page's own document; the browser follows its redirects).

    Without --allow-local, every other request is fetched here one hop at a time, each
    redirect's target passing the guard: Playwright shows the router only the first URL of
    a redirect chain, and the browser would follow the rest (to a loopback or metadata
    address) unseen. WebSockets pass the guard too."""

    def __init__(self, guard: AddressGuard, timeout_s: float) -> None:
        self.guard = guard
        self.timeout_ms = timeout_s * 1000
        self.asked = False  # the top frame's document was requested: it stays
        self.redirected = False  # the document came from another URL than the one asked for
        self.refused: list[str] = []

    async def answer(self, route) -> None:  # route: playwright Route
        request = route.request
        if request.is_navigation_request() and _in_a_new_window(request):
            await route.abort("blockedbyclient")  # a popup's page: the popup is closed unread
            return
        top = request.is_navigation_request() and request.frame.parent_frame is None
        if top:
            # A refresh or a script that navigates away, even while the page still loads
            # (FathomFox froze the tab it had), gets a 204: the page stays.
            if self.asked:
                await route.fulfill(status=204, body=b"")
                return
            self.asked = True
        refusal = await self.guard.refusal(request.url)
        if refusal is not None:
            self.refused.append(refusal)
            await route.abort("blockedbyclient")
        elif top or self.guard.allow_local:
            # The top document's redirects are the browser's, so the page ends up at the
            # final URL; `_check_response` checks that chain once it is there.
            await route.continue_()
        else:
            await self._fetch_hop_by_hop(route)

    async def _fetch_hop_by_hop(self, route) -> None:
        """Answer `route` with what its URL ends at, each redirect's target checked first."""
        from playwright.async_api import Error

        url = route.request.url
        try:
            for _ in range(MAX_HOPS + 1):
                response = await route.fetch(url=url, max_redirects=0, timeout=self.timeout_ms)
                location = response.headers.get("location")
                if not (300 <= response.status < 400 and location):
                    await route.fulfill(response=response)
                    return
                url = urljoin(url, location)
                if (refusal := await self.guard.refusal(url)) is not None:
                    self.refused.append(f"redirected: {refusal}")
                    break
            await route.abort("blockedbyclient")  # a refused hop, or too many
        except Error:  # the server failed, or the page closed meanwhile: nothing waits for it
            await _abort_quietly(route)

    async def socket(self, ws) -> None:  # ws: playwright WebSocketRoute
        url = "http" + ws.url.removeprefix("ws")  # ws:// and wss:// as the guard's http:// and https://
        if (refusal := await self.guard.refusal(url)) is not None:
            self.refused.append(refusal)
            await ws.close(code=1008, reason="refused")
            return
        ws.connect_to_server()


async def _abort_quietly(route) -> None:
    from playwright.async_api import Error

    try:
        await route.abort("failed")
    except Error:  # already answered, or gone with its page
        pass


def _in_a_new_window(request) -> bool:
    """A navigation in a window the page opened: Playwright knows no frame for it (and says so
    by raising), the popup handler closes the window."""
    from playwright.async_api import Error

    try:
        request.frame
    except Error:
        return True
    return False


async def visit(browser, url: str, options: CollectOptions, script: str, guard: AddressGuard) -> Frozen:
    """Load `url`, let it settle, freeze it; CollectFailure with the reason when it cannot be."""
    if (refusal := await guard.refusal(url)) is not None:
        raise CollectFailure(refusal)
    context = await browser.new_context(
        viewport={"width": options.viewport.width, "height": options.viewport.height},
        device_scale_factor=1, service_workers="block", accept_downloads=False, bypass_csp=True)
    try:
        pin = _Pin(guard, options.timeout_s)
        await context.route("**/*", pin.answer)
        if not guard.allow_local:
            await context.route_web_socket("**/*", pin.socket)
        page = await context.new_page()
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        page.on("popup", lambda popup: asyncio.ensure_future(popup.close()))
        notes = await _load(page, url, options, pin)
        await _settle(page, options)
        frozen = await _freeze(page, url if pin.redirected else None, options, script)
        frozen.notes[:0] = notes
        return frozen
    finally:
        await context.close()


async def _load(page, url: str, options: CollectOptions, pin: _Pin) -> list[str]:
    """Open the page: its document must arrive (HTML, not an error); a load that never
    finishes (a hanging image, a stalled ad) is waited out to the timeout, then frozen as it is."""
    from playwright.async_api import Error, TimeoutError

    timeout_ms = options.timeout_s * 1000
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    except TimeoutError:
        raise CollectFailure(f"the document did not arrive within {options.timeout_s:g}s") from None
    except Error as e:
        raise CollectFailure(_load_error(e, pin)) from None
    if response is None:
        raise CollectFailure("no response")
    await _check_response(response, pin.guard)
    pin.redirected = response.request.redirected_from is not None
    try:
        await page.wait_for_load_state("load", timeout=timeout_ms)
    except TimeoutError:
        return [f"still loading after {options.timeout_s:g}s; frozen as it was"]
    return []


def _load_error(error: Exception, pin: _Pin) -> str:
    message = str(error).splitlines()[0].removeprefix("Page.goto: ")
    if "ERR_BLOCKED_BY_CLIENT" in message and pin.refused:
        return pin.refused[-1]
    if "Download is starting" in message or "ERR_ABORTED" in message:
        return f"not a page to show (a download?): {message}"
    return message


async def _check_response(response, guard: AddressGuard) -> None:
    """An HTML document, not an HTTP error, reached without passing through a refused address."""
    if response.status >= 400:
        raise CollectFailure(f"HTTP {response.status} {response.status_text}".rstrip())
    media = (await response.header_value("content-type") or "").split(";")[0].strip().lower()
    if media not in HTML_TYPES:
        raise CollectFailure(f"not an HTML page ({media or 'no content type'})")
    request = response.request
    while request is not None:  # the browser follows redirects before the router sees them
        if (refusal := await guard.refusal(request.url)) is not None:
            raise CollectFailure(f"redirected: {refusal}")
        request = request.redirected_from
async def _settle(page, options: CollectOptions) -> None:
    """Scroll to the bottom (at most SCROLL_STEPS times, while the page grows), then wait."""
    if options.scroll:
        height = -1
        for _ in range(SCROLL_STEPS):
            grown = await page.evaluate(SCROLL_TO_BOTTOM)
            if grown == height:
                break
            height = grown
            await page.wait_for_timeout(SCROLL_PAUSE_MS)
    if options.wait_s > 0:
        await page.wait_for_timeout(options.wait_s * 1000)


async def _freeze(page, requested: str | None, options: CollectOptions, script: str) -> Frozen:
    from playwright.async_api import Error

    timeout_ms = int(options.timeout_s * 1000)
    try:
        await page.evaluate(script)
        html = await asyncio.wait_for(page.evaluate(FREEZE_CALL, [timeout_ms]),
                                      options.timeout_s + FREEZE_GRACE_S)
    except asyncio.TimeoutError:
        raise CollectFailure(f"freezing did not finish within {options.timeout_s + FREEZE_GRACE_S:g}s") from None
    except Error as e:
        raise CollectFailure(f"freezing failed: {str(e).splitlines()[0]}") from None
    size = len(html.encode())
    if size > options.max_bytes:
        raise CollectFailure(f"the frozen page is {size / 2**20:.1f} MB, over the cap of "
                             f"{options.max_bytes / 2**20:.3g} MB")
    if requested is not None:
        html = mark_requested(html, requested)
    return Frozen(html, page.url)
