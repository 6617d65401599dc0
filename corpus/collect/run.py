"""Collecting a list of pages: one Chromium, N pages in flight, each landed as it is frozen.

Pages load and freeze concurrently (asyncio, one browser context per page);
landing (extracting, fsyncs, `git add`) runs on a thread of its own, one page at a
time, so the corpus index and the journal see one writer and the pages still in
flight are not held up (their timers keep running). A failure belongs to its URL only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from corpus.collect.safety import AddressGuard
from corpus.collect.targets import Target, normal_url
from corpus.collect.visit import CollectFailure, CollectOptions, Frozen, visit
from corpus.errors import CorpusError
from corpus.progress import progress
from corpus.render.browser import COMMON_CHROMIUM_ARGS, chromium_path

# Collecting reaches the web on purpose: the render sandbox's sealing arguments are left
# out. Pages read their subresources across origins as FathomFox, an add-on, could
# (freeze-dry fetches them from inside the page).
COLLECT_ARGS = [*COMMON_CHROMIUM_ARGS, "--disable-web-security", "--disable-site-isolation-trials"]


class Sink(Protocol):
    def already(self, target: Target) -> str | None: ...
    def accept(self, target: Target, frozen: Frozen): ...  # Landed, or a reason it was skipped


@dataclass
class Outcome:
    """What became of one URL: `collected` (with `page`), `skipped` or `failed` (with `reason`)."""

    url: str
    status: str
    page: str | None = None
    original: str | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)  # still loading when frozen; data: URLs left inline


def collect(targets: list[Target], options: CollectOptions, sink: Sink, script: str,
            show_progress: bool = False) -> list[Outcome]:
    """Every target collected, skipped or failed, in the order given."""
    return asyncio.run(_collect_all(targets, options, sink, script, show_progress))


async def launch_collector(playwright):
    """The Chromium that collects (async Playwright's Browser), here or on a cluster's worker."""
    return await playwright.chromium.launch(executable_path=chromium_path(), args=COLLECT_ARGS)


class KeptBrowser:
    """The collecting Chromium, started again when it has died: a crash fails the pages it
    had in flight, not the rest of the list."""

    def __init__(self, playwright) -> None:
        self.playwright = playwright
        self.browser = None
        self._starting: asyncio.Lock | None = None  # made on the loop that uses it

    async def get(self):
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:  # pages ask at once: one new browser only
            if self.browser is None or not self.browser.is_connected():
                self.browser = await launch_collector(self.playwright)
            return self.browser

    async def close(self) -> None:
        from playwright.async_api import Error

        try:
            if self.browser is not None:
                await self.browser.close()
        except Error:  # it died: nothing left to close
            pass


async def _collect_all(targets: list[Target], options: CollectOptions, sink: Sink, script: str,
                       show_progress: bool) -> list[Outcome]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise CorpusError("playwright is not installed (pip install playwright)") from None
    guard = AddressGuard(options.allow_local)
    slots = asyncio.Semaphore(max(1, options.jobs))
    landing = asyncio.Lock()
    seen: set[str] = set()
    async with async_playwright() as playwright:
        browser = KeptBrowser(playwright)
        try:
            with progress("collecting pages", len(targets), show=show_progress) as advance:
                async def one(target: Target) -> Outcome:
                    outcome = skipped_before_visit(target, seen, sink)
                    if outcome is None:
                        async with slots:
                            frozen = await frozen_or_reason(await browser.get(), target.url, options, script, guard)
                        async with landing:  # one page at a time, off the loop
                            outcome = await asyncio.to_thread(land_one, target, frozen, sink)
                    advance(1)
                    return outcome

                return list(await asyncio.gather(*(one(t) for t in targets)))
        finally:
            await browser.close()


def skipped_before_visit(target: Target, seen: set[str], sink: Sink) -> Outcome | None:
    """A target listed twice or already where it would land, skipped without loading it."""
    url = normal_url(target.url)
    twice = url in seen
    seen.add(url)
    if twice:
        return Outcome(target.url, "skipped", reason="listed twice")
    try:
        reason = sink.already(target)
    except OSError as e:  # a NAME the file system refuses (too long): that URL fails, the rest go on
        return Outcome(target.url, "failed", reason=str(e))
    return None if reason is None else Outcome(target.url, "skipped", reason=reason)


async def frozen_or_reason(browser, url: str, options: CollectOptions, script: str,
                           guard: AddressGuard) -> Frozen | str:
    """The page loaded and frozen, or why it could not be."""
    from playwright.async_api import Error as PlaywrightError

    try:
        return await visit(browser, url, options, script, guard)
    except CollectFailure as e:
        return str(e)
    except PlaywrightError as e:  # the page crashed, or closed itself
        return str(e).splitlines()[0]


def land_one(target: Target, frozen: Frozen | str, sink: Sink) -> Outcome:
    """What became of `target` once `frozen` (or why it failed) is handed to the sink."""
    if isinstance(frozen, str):
        return Outcome(target.url, "failed", reason=frozen)
    try:
        landed = sink.accept(target, frozen)
    except (CorpusError, OSError) as e:  # no name the rubric takes; git or the disk failed
        return Outcome(target.url, "failed", reason=str(e))
    if isinstance(landed, str):
        return Outcome(target.url, "skipped", original=frozen.original, reason=landed)
    return Outcome(target.url, "collected", landed.page, frozen.original, notes=frozen.notes + landed.problems)
