"""Fixtures of the viewer's tests: a served corpus and a real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.render.browser import chromium_path
from tests.serve.support import make_corpus, viewer


@pytest.fixture
def served(corpus_root: Path, commit) -> Iterator[tuple[Path, str]]:
    """A corpus with vectors and a model, and `corpus serve` running on it."""
    make_corpus(corpus_root, commit)
    with viewer(corpus_root) as url:
        yield corpus_root, url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield chromium
        finally:
            chromium.close()
