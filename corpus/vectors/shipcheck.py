"""fathom-web's own scores for a set's candidates, from a JavaScript ruleset in Chromium.

What `corpus ship` checks a shipped ruleset with: each page shown as the
vectorizer shows it (JsPageVectorizer.evaluate, corpus/vectors/jsvectorize.py),
then the trainee's `rulesetMaker().against(document)` scores each candidate with
the file's coefficients and bias (`fnode.scoreFor(type)`), next to its feature
values. At most CHECK_PAGES pages are shown (the check renders them one after
another); a page that does not render or whose ruleset fails is skipped and counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.render.browser import RenderError
from corpus.tree.rubric import load_rubric
from corpus.tree.sample import SAMPLES_DIR, set_samples
from corpus.vectors.jsruleset import load_js_ruleset
from corpus.vectors.jsvectorize import JsPageVectorizer, JsRun, PageFailure

CHECK_PAGES = 50  # the first pages of the verify set (by name) that the check shows


@dataclass(frozen=True)
class ScoredCandidate:
    page: str
    markup: str
    features: list[float]  # in the ruleset's feature order
    score: float  # fathom-web's scoreFor


@dataclass
class PagesChecked:
    """Filled in as the candidates are read: how many pages were scored and skipped."""

    checked: int = 0
    skipped: int = 0
    first_skipped: str | None = None  # why the first skipped page was


class JsPageScorer(JsPageVectorizer):
    """The vectorizer's browser and tab, asking the harness for scores as well."""

    def scores(self, set_dir: Path, page_path: Path, filename: str) -> list[ScoredCandidate]:
        where = f"{SAMPLES_DIR}/{set_dir.name}/{filename}"
        result = self.evaluate(set_dir, page_path, where, None, {"firefox": self.run_config.firefox, "scores": True})
        return [ScoredCandidate(filename, n["markup"], [float(x) for x in n["features"]], float(n["score"]))
                for n in result["nodes"] if not n.get("pruned")]


def browser_scores(root: Path, ruleset: Path, trainee: str, set_name: str, *, firefox: bool = True,
                   delay: float = 0.0) -> tuple[list[str], Iterator[ScoredCandidate], PagesChecked]:
    """The ruleset's feature names for `trainee`, its candidates in the first CHECK_PAGES pages of
    `samples/<set_name>` with scores, and the count of pages checked and skipped (as they are read)."""
    js = load_js_ruleset(ruleset)
    spec = js.get(trainee)
    viewport = spec.viewport or load_rubric(root).viewport
    run = JsRun(js.code, trainee, viewport, firefox, delay)
    set_dir = (root / SAMPLES_DIR / set_name).resolve()
    tally = PagesChecked()

    def candidates() -> Iterator[ScoredCandidate]:
        with JsPageScorer(run) as scorer:
            for sample in set_samples(root, set_name)[:CHECK_PAGES]:
                try:
                    found = scorer.scores(set_dir, sample.path.resolve(), sample.name)
                except (RenderError, PageFailure) as e:
                    tally.skipped += 1
                    tally.first_skipped = tally.first_skipped or str(e)
                    continue
                tally.checked += 1
                yield from found

    return spec.feature_names, candidates(), tally
