"""One sample as the model sees it: each candidate element with its score and outcome.

The page is vectorized afresh with the trainee's ruleset, keeping which start tag
each node came from, so the browser overlay can outline the very element. Python
rulesets say so directly; a JavaScript ruleset runs (as `vectorize` runs it) on the
page with every start tag numbered, and each node's markup carries its number
(the number sits right after the tag name, well inside the 80 characters kept).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.render.facts import MARK, PageFacts, mark_elements
from corpus.serve.browser_thread import Browsers
from corpus.tree.sample import Sample
from corpus.vectors.document import PageDocument, vectorize_elements
from corpus.vectors.jsruleset import is_js_ruleset
from corpus.vectors.ruleset import load_ruleset
from corpus.vectors.vectorfile import NodeVector
from corpus.vectors.vectorize import prepare_ruleset

if TYPE_CHECKING:
    from trainer.modelfile import ModelFile

_MARK_IN_MARKUP = re.compile(rf' {MARK}="(\d+)"')


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
    by_name = dict(zip(names, features))
    if model is None:
        return None, [(name, value, 0.0) for name, value in by_name.items()]
    network = model.network
    score = float(network.scores([[by_name.get(name, 0.0) for name in network.feature_names]])[0])
    if not network.is_linear:  # hidden layers: no per-rule share of the score to show
        return score, [(name, by_name.get(name, 0.0), 0.0) for name in network.feature_names]
    return score, [(name, by_name.get(name, 0.0), by_name.get(name, 0.0) * w) for name, w in network.coeffs()]


def _view_node(number: int | None, vector: NodeVector, names: list[str], model: ModelFile | None) -> ViewNode:
    markup = vector.markup or ""
    if vector.pruned:
        return ViewNode(number, markup, "pruned", None, [])
    score, contributions = _score(model, names, vector.features)
    called = None if score is None or model is None else score >= model.cutoff
    return ViewNode(number, markup, _outcome(vector.is_target, called), score, contributions)


def _python_nodes(path: Path, sample: Sample, trainee: str, browsers: Browsers,
                  viewport: tuple[int, int]) -> tuple[list[str], list[tuple[int | None, NodeVector]]]:
    spec = load_ruleset(path).get(trainee)
    html = sample.path.read_bytes()
    digest = hashlib.sha256(html).hexdigest()

    def facts(marked: bytes) -> PageFacts:
        return browsers.renderer.facts(sample.path, digest, marked)

    doc = PageDocument(html, viewport, facts, sample.relpath)
    return spec.feature_names, [(doc.start_tag_number(e), v) for e, v in vectorize_elements(doc, spec)]


def _javascript_nodes(root: Path, path: Path, sample: Sample, trainee: str, browsers: Browsers,
                      viewport: tuple[int, int]) -> tuple[list[str], list[tuple[int | None, NodeVector]]]:
    prepared = prepare_ruleset(root, path, trainee, viewport, firefox=True, delay=0.0)
    assert prepared.js is not None and prepared.inputs_hash is not None
    vectorizer = browsers.js_vectorizer(prepared.js, prepared.inputs_hash)
    vectors = vectorizer.vectorize(sample.set_dir, sample.path, sample.name, sample.relpath,
                                   html=mark_elements(sample.path.read_bytes()))
    nodes = []
    for vector in vectors.nodes:
        found = _MARK_IN_MARKUP.search(vector.markup or "")  # none: a node of an iframe's document
        number = int(found.group(1)) if found else None
        markup = _MARK_IN_MARKUP.sub("", vector.markup or "", count=1)
        nodes.append((number, NodeVector(vector.is_target, vector.features, markup, vector.pruned)))
    return prepared.feature_names, nodes


def sample_nodes(root: Path, ruleset: Path, sample: Sample, trainee: str, model: ModelFile | None,
                 browsers: Browsers, viewport: tuple[int, int]) -> list[ViewNode]:
    """Every candidate of `trainee` on the page, and its pruned targets, with model
    results; `ruleset` is the file to run (rulesetchoice.py picks it)."""
    path = ruleset
    if is_js_ruleset(path):
        names, found = _javascript_nodes(root, path, sample, trainee, browsers, viewport)
    else:
        names, found = _python_nodes(path, sample, trainee, browsers, viewport)
    return [_view_node(number, vector, names, model) for number, vector in found]
