"""`corpus fox` sends a FathomFox user to the viewer, not to a bare file server."""

from __future__ import annotations

from pathlib import Path


def test_fox_points_at_the_viewer_for_looking_and_evaluating(tmp_path: Path, corpus_cli):
    text = corpus_cli("fox", cwd=tmp_path).stdout
    look = text[text.index("Look at a sample"):text.index("Vectorizer")]
    evaluator = text[text.index("Evaluator"):text.index("Corpus Collector")]
    assert "`corpus serve` in the corpus" in look and "-d" not in look
    assert "`corpus serve` too" in evaluator
    assert "`corpus serve -d DIR` only serves DIR's files, as `fathom serve` did" in text
