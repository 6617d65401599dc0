"""fathom-web's own scores for a set's candidates, from a JavaScript ruleset in Chromium.

What `corpus ship` checks a shipped ruleset with: each page shown as the
vectorizer shows it (corpus/vectors/jsvectorize.py), then the trainee's
`rulesetMaker().against(document)` scores each candidate with the file's
coefficients and bias (`fnode.scoreFor(type)`), next to its feature values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.tree.rubric import load_rubric
from corpus.tree.sample import SAMPLES_DIR, set_samples
from corpus.vectors.jsruleset import load_js_ruleset
from corpus.vectors.jsvectorize import JsPageVectorizer, JsRun


@dataclass(frozen=True)
class ScoredCandidate:
    page: str
    markup: str
    features: list[float]  # in the ruleset's feature order
    score: float  # fathom-web's scoreFor


class JsPageScorer(JsPageVectorizer):
    """The vectorizer's browser and tab, asking the harness for scores as well."""

    def scores(self, set_dir: Path, page_path: Path, filename: str) -> list[ScoredCandidate]:
        tab = self._ensure_tab()
        page = tab.show(set_dir, page_path, None)
        if self.run_config.delay > 0:
            page.wait_for_timeout(self.run_config.delay * 1000)
        options = {"firefox": self.run_config.firefox, "scores": True}
        result = page.evaluate(self._script, [self.run_config.trainee, options])
        if "error" in result:
            raise CorpusError(f"{filename}: the ruleset failed: {result['error']}")
        return [ScoredCandidate(filename, n["markup"], [float(x) for x in n["features"]], float(n["score"]))
                for n in result["nodes"] if not n.get("pruned")]


def browser_scores(root: Path, ruleset: Path, trainee: str, set_name: str, *, firefox: bool = True,
                   delay: float = 0.0) -> tuple[list[str], Iterator[ScoredCandidate]]:
    """The ruleset's feature names for `trainee`, and its candidates in `samples/<set_name>` with scores."""
    js = load_js_ruleset(ruleset)
    spec = js.get(trainee)
    viewport = spec.viewport or load_rubric(root).viewport
    run = JsRun(js.code, trainee, viewport, firefox, delay)
    set_dir = (root / SAMPLES_DIR / set_name).resolve()

    def candidates() -> Iterator[ScoredCandidate]:
        with JsPageScorer(run) as scorer:
            for sample in set_samples(root, set_name):
                yield from scorer.scores(set_dir, sample.path.resolve(), sample.name)

    return spec.feature_names, candidates()
