"""--show-browser reaches the worker's browser in RunConfig, not through the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus.cli.fathomopts import vectorize_options
from corpus.vectors.workers import PageVectorizer, RunConfig
from tests import rulesets

RULESET = rulesets.PASSWORD


def test_show_browser_is_an_option_of_the_run_not_of_the_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DISPLAY", ":99")
    before = dict(os.environ)
    assert vectorize_options(1, True).show_browser is True
    assert dict(os.environ) == before  # nothing leaks into later runs of this process or its children

    from corpus.ruleset import ruleset_hash

    path = tmp_path / "rulesets.py"
    path.write_text(RULESET)
    config = RunConfig(path, ruleset_hash(path), "new-password", (800, 600), None, False, show_browser=True)
    with PageVectorizer(config) as vectorizer:
        assert vectorizer.renderer.show is True
