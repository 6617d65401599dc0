"""Collecting a list of pages: one Chromium, N pages in flight, each landed as it is frozen.

Pages load and freeze concurrently (asyncio, one browser context per page);
landing runs on the event loop's thread one page at a time, so the corpus index
and the journal see one writer. A failure belongs to its URL only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from corpus.collect.safety import AddressGuard
from corpus.collect.targets import Target
from corpus.collect.visit import CollectFailure, CollectOptions, Frozen, visit
from corpus.errors import CorpusError
from corpus.progress import progress
from corpus.render.browser import CHROMIUM_ARGS, chromium_path

# Collecting reaches the web on purpose: the render sandbox's "no host name resolves"
# fence is left out. Pages read their subresources across origins as FathomFox, an
# add-on, could (freeze-dry fetches them from inside the page).
COLLECT_ARGS = [arg for arg in CHROMIUM_ARGS if not arg.startswith("--host-resolver-rules")] + [
    "--disable-web-security", "--disable-site-isolation-trials"]


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


async def _collect_all(targets: list[Target], options: CollectOptions, sink: Sink, script: str,
                       show_progress: bool) -> list[Outcome]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise CorpusError("playwright is not installed (pip install playwright)") from None
    guard = AddressGuard(options.allow_local)
    slots = asyncio.Semaphore(max(1, options.jobs))
    seen: set[str] = set()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=COLLECT_ARGS)
        try:
            with progress("collecting pages", len(targets), show=show_progress) as advance:
                async def one(target: Target) -> Outcome:
                    twice = target.url in seen
                    seen.add(target.url)
                    outcome = (Outcome(target.url, "skipped", reason="listed twice") if twice
                               else await _collect_one(browser, target, options, sink, script, guard, slots))
                    advance(1)
                    return outcome

                return list(await asyncio.gather(*(one(t) for t in targets)))
        finally:
            await browser.close()


async def _collect_one(browser, target: Target, options: CollectOptions, sink: Sink, script: str,
                       guard: AddressGuard, slots: asyncio.Semaphore) -> Outcome:
    from playwright.async_api import Error as PlaywrightError

    if (reason := sink.already(target)) is not None:
        return Outcome(target.url, "skipped", reason=reason)
    try:
        async with slots:
            frozen = await visit(browser, target.url, options, script, guard)
        landed = sink.accept(target, frozen)  # on the loop's thread: one page lands at a time
    except CollectFailure as e:
        return Outcome(target.url, "failed", reason=str(e))
    except PlaywrightError as e:  # the page crashed, or closed itself
        return Outcome(target.url, "failed", reason=str(e).splitlines()[0])
    if isinstance(landed, str):
        return Outcome(target.url, "skipped", original=frozen.original, reason=landed)
    return Outcome(target.url, "collected", landed.page, frozen.original, notes=frozen.notes + landed.problems)
