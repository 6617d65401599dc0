"""Vectorizing pages with a JavaScript ruleset in headless Chromium, as FathomFox did.

Per page: load it at `http://localhost:8000/<path relative to the set>` in a tab of
the trainee's viewport (JavaScript on, so `<noscript>` parses as it did, while the
saved page's own CSP keeps its scripts blocked), wait `delay` seconds, then
evaluate the bundle (fathom-web, the user's rulesets.js, corpus's harness) from
outside the page and let the harness return the vectors of this document and of
its same-origin iframes.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.render.browser import ClosedOnExit, RenderError, Viewport, launch
from corpus.vectors.vectorfile import NodeVector, PageVectors

# Bump when how pages are shown changes (serving, emulation), so vector files made
# the old way are redone; what the harness does is in the bundle's hash already.
VECTORIZER_VERSION = 2
PAGE_TIMEOUT_MS = 60_000  # a page that has not loaded by then is reported, not waited on forever


class PageFailure(CorpusError):
    """One page could not be vectorized (its ruleset threw, returned a non-number, or
    the page did not render); the other pages go on."""


@dataclass(frozen=True)
class JsRun:
    """What a worker needs to vectorize with a JavaScript ruleset; plain data so it pickles."""

    code: str  # the bundle from load_js_ruleset
    trainee: str
    viewport: tuple[int, int]
    firefox: bool  # emulate what FathomFox saw in Firefox where Chromium differs
    delay: float  # seconds to wait after load, as fathom's --delay


class JsPageVectorizer(ClosedOnExit):
    """One browser and one tab, showing the pages of a set one after another."""

    def __init__(self, run: JsRun, show: bool = False) -> None:
        self.run_config = run
        self.show = show  # a visible browser window (--show-browser)
        self.renders = 0
        self._stack = ExitStack()
        self._tab: Any = None
        self._script = f"([id, options]) => {{\n{run.code}\nreturn globalThis.__corpusVectorize(id, options);\n}}"

    def close(self) -> None:
        self._stack.close()
        self._tab = None

    def _ensure_tab(self) -> Any:
        if self._tab is None:
            viewport = Viewport(*self.run_config.viewport)
            browser = self._stack.enter_context(launch(viewport, self.show))
            self._tab = self._stack.enter_context(browser.set_tab(viewport, PAGE_TIMEOUT_MS))
        return self._tab

    def vectorize(self, set_dir: Path, page_path: Path, filename: str, where: str,
                  html: bytes | None = None) -> PageVectors:
        """The page's vectors; `html` is shown in place of the page's bytes (its resources still served)."""
        result = self.evaluate(set_dir, page_path, where, html, {"firefox": self.run_config.firefox})
        nodes = [
            NodeVector(bool(n["isTarget"]), [float(x) for x in n["features"]], n["markup"], bool(n.get("pruned")))
            for n in result["nodes"]
        ]
        return PageVectors(filename, nodes, int(result["time"]))

    def evaluate(self, set_dir: Path, page_path: Path, where: str, html: bytes | None,
                 options: dict[str, Any]) -> dict[str, Any]:
        """Show the page, wait the delay, and run the harness with `options` on it: what it
        returns. RenderError when the page does not render, PageFailure when the ruleset fails."""
        from playwright.sync_api import Error as PlaywrightError

        tab = self._ensure_tab()
        try:
            page = tab.show(set_dir, page_path, html)
            if self.run_config.delay > 0:
                page.wait_for_timeout(self.run_config.delay * 1000)
            self.renders += 1
            # A function compiled by the debugger protocol, not eval() in the page: the
            # page's CSP (no 'unsafe-eval') governs the page's scripts, not this.
            result = page.evaluate(self._script, [self.run_config.trainee, options])
        except PlaywrightError as e:
            first = (str(e).strip().splitlines() or ["unknown error"])[0]
            raise RenderError(f"{where}: the page could not be rendered: {first}") from None
        if "error" in result:
            rule = f"rule `{result['rule']}`" if result.get("rule") else "the ruleset"
            raise PageFailure(f"{where}: {rule} of trainee `{self.run_config.trainee}` failed: {result['error']}")
        return result
