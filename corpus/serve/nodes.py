"""One sample as the model sees it: each candidate element with its score and outcome.

The page is vectorized afresh with the corpus's ruleset (rendered facts come from
the render cache that `vectorize` filled, else from Chromium), keeping which start
tag each node came from, so the browser overlay can outline the very element.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.render.facts import PageFacts, Renderer
from corpus.samples.tree import Sample
from corpus.vectors.document import PageDocument, vectorize_elements
from corpus.vectors.ruleset import RULESET_NAME, load_ruleset
from trainer.modelfile import ModelFile


@dataclass(frozen=True)
class ViewNode:
    element: int | None  # start tag number; None when the parser made the element up
    markup: str
    outcome: str  # TP, FP, FN, TN (candidates) or pruned (a target no candidate picked)
    score: float | None  # None: no model, or a pruned target
    contributions: list[tuple[str, float, float]]  # (rule, feature value, value x coefficient)

    def to_json(self) -> dict[str, Any]:
        return {"element": self.element, "markup": self.markup, "outcome": self.outcome, "score": self.score,
                "contributions": [list(c) for c in self.contributions]}


def _outcome(is_target: bool, called: bool | None) -> str:
    if called is None:  # no model: only the labels are known
        return "TP" if is_target else "TN"
    return {(True, True): "TP", (True, False): "FN", (False, True): "FP", (False, False): "TN"}[(is_target, called)]


def _score(model: ModelFile | None, names: list[str], features: list[float]) -> tuple[float | None, list[tuple[str, float, float]]]:
    if model is None:
        return None, [(name, value, 0.0) for name, value in zip(names, features)]
    network = model.network
    by_name = dict(zip(names, features))
    row = [[by_name.get(name, 0.0) for name in network.feature_names]]
    score = float(network.scores(row)[0])
    if not network.is_linear:  # hidden layers: no per-rule share of the score to show
        return score, [(name, by_name.get(name, 0.0), 0.0) for name in network.feature_names]
    return score, [(name, by_name.get(name, 0.0), by_name.get(name, 0.0) * w) for name, w in network.coeffs()]


def sample_nodes(root: Path, sample: Sample, trainee: str, model: ModelFile | None,
                 renderer: Renderer, viewport: tuple[int, int]) -> list[ViewNode]:
    """Every candidate of `trainee` on the page, and its pruned targets, with model results."""
    ruleset = load_ruleset(root / RULESET_NAME)
    spec = ruleset.get(trainee)
    html = sample.path.read_bytes()
    digest = hashlib.sha256(html).hexdigest()

    def facts(marked: bytes) -> PageFacts:
        return renderer.facts(sample.path, digest, marked)

    doc = PageDocument(html, viewport, facts, sample.relpath)
    cutoff = model.cutoff if model is not None else None
    nodes = []
    for element, vector in vectorize_elements(doc, spec):
        number = doc.start_tag_number(element)
        if vector.pruned:
            nodes.append(ViewNode(number, vector.markup or "", "pruned", None, []))
            continue
        score, contributions = _score(model, spec.feature_names, vector.features)
        called = None if score is None or cutoff is None else score >= cutoff
        nodes.append(ViewNode(number, vector.markup or "", _outcome(vector.is_target, called), score, contributions))
    return nodes

