"""How well a network does on a set, counted per tag (candidate node).

Every target counts once: a pruned target (no candidate selector picked it)
never reaches the model and is always a false negative. Rates whose
denominator is zero are reported as 0, with no interval. Intervals are Wilson
score intervals: unlike the normal approximation they stay honest at rates of
0 and 1 on few tags (Wald gives (0, 0) for 0 errors out of 5). MCC is
undefined (None) when the set lacks targets or non-targets.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from trainer.dataset import Dataset
from trainer.model import Network

Z_95 = 1.959964  # two-sided 95% point of the normal distribution


@dataclass
class Confusion:
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int  # pruned targets included
    pruned: int  # how many of the false negatives were pruned

    @property
    def positives(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def negatives(self) -> int:
        return self.true_negatives + self.false_positives

    @property
    def total(self) -> int:
        return self.positives + self.negatives


def confusion_at(y: np.ndarray, scores: np.ndarray, cutoff: float, pruned: int) -> Confusion:
    """Count outcomes when every candidate scoring `cutoff` or more is called a target."""
    truth = np.asarray(y) > 0.5
    predicted = np.asarray(scores) >= cutoff
    return Confusion(
        true_positives=int(np.sum(predicted & truth)),
        false_positives=int(np.sum(predicted & ~truth)),
        true_negatives=int(np.sum(~predicted & ~truth)),
        false_negatives=int(np.sum(~predicted & truth)) + pruned,
        pruned=pruned,
    )


def wilson_interval(rate: float, n: int) -> tuple[float, float] | None:
    """95% Wilson score interval for a proportion `rate` observed out of n."""
    if n == 0:
        return None
    z2 = Z_95 * Z_95
    centre = (rate + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * math.sqrt(rate * (1 - rate) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def mcc(c: Confusion) -> float | None:
    """Matthews correlation: 1 perfect, 0 chance, -1 inverted.

    None (undefined) when the set has no targets or no non-targets: then no
    number measures how well the two are told apart. When both are present but
    every candidate gets the same call, the limit 0 is used.
    """
    if c.positives == 0 or c.negatives == 0:
        return None
    tp, fp, tn, fn = c.true_positives, c.false_positives, c.true_negatives, c.false_negatives
    denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / denominator if denominator else 0.0


@dataclass
class Metrics:
    cutoff: float
    accuracy: float
    accuracy_interval: tuple[float, float] | None
    false_positive_rate: float
    false_positive_rate_interval: tuple[float, float] | None
    false_negative_rate: float
    false_negative_rate_interval: tuple[float, float] | None
    precision: float
    recall: float
    f1: float
    mcc: float | None  # None: undefined (the set lacks targets or non-targets)
    confusion: Confusion
    # The cutoff with the best MCC on this very set: hindsight, optimistic on it. A
    # model's own cutoff is chosen on validation (trainer/pipeline.py).
    optimal_cutoff: float
    optimal_mcc: float | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Metrics:
        values = dict(data)
        values["confusion"] = Confusion(**values["confusion"])
        for key in ("accuracy_interval", "false_positive_rate_interval", "false_negative_rate_interval"):
            values[key] = tuple(values[key]) if values[key] is not None else None
        return cls(**values)


def compute_metrics(y: np.ndarray, scores: np.ndarray, pruned: int, cutoff: float) -> Metrics:
    c = confusion_at(y, scores, cutoff, pruned)
    accuracy = ratio(c.true_positives + c.true_negatives, c.total)
    fpr = ratio(c.false_positives, c.negatives)
    fnr = ratio(c.false_negatives, c.positives)
    precision = ratio(c.true_positives, c.true_positives + c.false_positives)
    recall = ratio(c.true_positives, c.positives)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    best_cutoff, best_mcc = optimal_cutoff(y, scores, pruned)
    if c.positives == 0 or c.negatives == 0:
        best_mcc = None
    return Metrics(
        cutoff=cutoff,
        accuracy=accuracy,
        accuracy_interval=wilson_interval(accuracy, c.total),
        false_positive_rate=fpr,
        false_positive_rate_interval=wilson_interval(fpr, c.negatives),
        false_negative_rate=fnr,
        false_negative_rate_interval=wilson_interval(fnr, c.positives),
        precision=precision,
        recall=recall,
        f1=f1,
        mcc=mcc(c),
        confusion=c,
        optimal_cutoff=best_cutoff,
        optimal_mcc=best_mcc,
    )


def optimal_cutoff(y: np.ndarray, scores: np.ndarray, pruned: int) -> tuple[float, float]:
    """The cutoff giving the highest MCC, and that MCC.

    Only the order of scores matters, so the candidates are the gaps between
    distinct scores; each cutoff sits halfway across its gap. Ties go to the
    cutoff nearest 0.5.
    """
    scores = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(y) > 0.5
    distinct = np.unique(scores)[::-1]  # highest first
    if distinct.size == 0:
        return 0.5, 0.0
    # Cutting just below distinct[i] calls everything scoring >= distinct[i] a target.
    below = np.append(distinct[1:], 0.0)
    halfway = (distinct + below) / 2
    # Adjacent floats have no halfway point; cutting at the score itself still includes it.
    cutoffs = np.where(halfway > below, halfway, distinct)
    above_all = max((1.0 + distinct[0]) / 2, float(np.nextafter(distinct[0], np.inf)))
    cutoffs = np.append(cutoffs, above_all)  # calls nothing a target
    order = np.argsort(-scores, kind="stable")
    ranked_truth = truth[order]
    ranked_scores = scores[order]
    # How many candidates (and targets) score at least each distinct value.
    called = np.searchsorted(-ranked_scores, -distinct, side="right")
    targets_called = np.concatenate([[0], np.cumsum(ranked_truth)])[called]
    called = np.append(called, 0)
    targets_called = np.append(targets_called, 0)
    tp = targets_called.astype(np.float64)
    fp = called - tp
    positives = truth.sum() + pruned
    negatives = (~truth).sum()
    fn = positives - tp
    tn = negatives - fp
    denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(denominator > 0, (tp * tn - fp * fn) / denominator, 0.0)
    best = values.max()
    ties = np.flatnonzero(np.isclose(values, best, rtol=0, atol=1e-12))
    pick = ties[np.argmin(np.abs(cutoffs[ties] - 0.5))]
    return float(cutoffs[pick]), float(values[pick])


@dataclass
class TagResult:
    markup: str
    score: float | None  # None for a pruned target
    outcome: str  # "TP", "FN", "FP" or "pruned"


@dataclass
class PageResult:
    filename: str
    tags: list[TagResult] = field(default_factory=list)  # targets and errors, in page order
    true_negatives: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for t in self.tags if t.outcome != "TP")


def page_results(dataset: Dataset, scores: np.ndarray, cutoff: float) -> list[PageResult]:
    """Per page, each target and each error with its score and markup.

    Scores follow the candidates in page order; pruned nodes, wherever they sit in
    a page, take no score. Counted with arrays: only the few targets and errors
    become objects, so a million true negatives cost no Python loop.
    """
    table = dataset.nodes
    candidate = ~table.pruned
    called = np.zeros(len(table.markup), dtype=bool)
    called[candidate] = np.asarray(scores) >= cutoff
    node_scores = np.zeros(len(table.markup), dtype=np.float64)
    node_scores[candidate] = scores
    quiet = candidate & ~table.is_target & ~called  # true negatives
    seen = np.concatenate([[0], np.cumsum(quiet)])
    results = [
        PageResult(filename, true_negatives=int(seen[end] - seen[start]))
        for filename, start, end in zip(table.filenames, table.starts[:-1], table.starts[1:])
    ]
    shown = np.flatnonzero(table.is_target | (called & candidate))  # targets, pruned or not, and false positives
    pages = np.searchsorted(table.starts, shown, side="right") - 1
    for node, page in zip(shown.tolist(), pages.tolist()):
        markup = table.markup[node]
        if markup is None:
            markup = "(no markup: vectorized before markup was recorded)"
        if table.pruned[node]:
            tag = TagResult(markup, None, "pruned")
        elif table.is_target[node]:
            tag = TagResult(markup, float(node_scores[node]), "TP" if called[node] else "FN")
        else:
            tag = TagResult(markup, float(node_scores[node]), "FP")
        results[page].tags.append(tag)
    return sorted(results, key=lambda r: r.filename)


@dataclass
class Evaluation:
    metrics: Metrics
    pages: list[PageResult]


def evaluate(network: Network, dataset: Dataset, cutoff: float) -> Evaluation:
    scores = network.scores(dataset.x)
    return Evaluation(
        compute_metrics(dataset.y, scores, dataset.pruned_targets, cutoff), page_results(dataset, scores, cutoff)
    )
