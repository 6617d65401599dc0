"""Turning metrics and per-page results into text for people and JSON for scripts."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import click

from trainer.metrics import Confusion, Evaluation, Metrics, PageResult
from trainer.model import Network

OUTCOME_COLORS = {"TP": "green", "FN": "red", "FP": "red", "pruned": "red"}


def weights_text(network: Network) -> str:
    """The exchange shape, one rule per line, ready to paste into a ruleset."""
    if not network.is_linear:
        layers = [{"weight": layer.weight, "bias": layer.bias} for layer in network.layers]
        return json.dumps({"features": network.feature_names, "layers": layers})
    lines = ",\n    ".join(json.dumps([name, weight]) for name, weight in network.coeffs())
    return f'{{"coeffs": [\n    {lines}\n  ],\n  "bias": {json.dumps(network.bias)}}}'


def _interval(interval: tuple[float, float] | None) -> str:
    if interval is None:
        return "95% Wilson CI: (n/a)"
    return f"95% Wilson CI: ({interval[0]:.4f}, {interval[1]:.4f})"


def mcc_text(value: float | None, c: Confusion | None = None) -> str:
    """MCC to 4 places, or why it is undefined (never a misleading 0)."""
    if value is not None:
        return f"{value:.4f}"
    if c is None:
        return "undefined"
    return f"undefined (no {'targets' if c.positives == 0 else 'non-targets'})"


def metrics_text(title: str, m: Metrics) -> str:
    c = m.confusion
    pruned = f"   ({c.pruned} pruned)" if c.pruned else ""
    rows = [
        f"{title}: {c.total} tags, {c.positives} targets, cutoff {m.cutoff:.4f}",
        f"   Accuracy: {m.accuracy:.4f}   {_interval(m.accuracy_interval)}",
        f"        FPR: {m.false_positive_rate:.4f}   {_interval(m.false_positive_rate_interval)}",
        f"        FNR: {m.false_negative_rate:.4f}   {_interval(m.false_negative_rate_interval)}",
        f"  Precision: {m.precision:.4f}   Recall: {m.recall:.4f}   F1: {m.f1:.4f}",
        f"        MCC: {mcc_text(m.mcc, c)}" + _hindsight(m),
        "                     predicted +   predicted -",
        f"      true target  {c.true_positives:>11}   {c.false_negatives:>11}{pruned}",
        f"  true non-target  {c.false_positives:>11}   {c.true_negatives:>11}",
    ]
    return "\n".join(rows)


def _hindsight(m: Metrics) -> str:
    if m.optimal_mcc is None:
        return ""
    return f"   (in hindsight, this set's best: MCC {m.optimal_mcc:.4f} at cutoff {m.optimal_cutoff:.4f})"


def pages_text(title: str, pages: list[PageResult]) -> str:
    """Each page's targets and errors with scores; quiet pages get one line."""
    width = max((len(p.filename) for p in pages), default=0)
    lines = [f"{title} per-tag results:"]
    for page in pages:
        name = page.filename.rjust(width)
        if not page.tags:
            lines.append(f"  {name}  " + click.style("No targets found.", fg="green"))
            continue
        for i, tag in enumerate(page.tags):
            score = "pruned" if tag.score is None else f"{tag.score:.8f}"
            outcome = "" if tag.outcome == "TP" else tag.outcome
            body = f"{_fit(tag.markup, 80):<80}  {outcome:>6}  {score}"
            lines.append(f"  {name if i == 0 else ' ' * width}  " + click.style(body, fg=OUTCOME_COLORS[tag.outcome]))
        if page.true_negatives:
            plural = "s" if page.true_negatives > 1 else ""
            lines.append(f"  {' ' * width}  ...and {page.true_negatives} correct negative{plural}")
    return "\n".join(lines)


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    return {"metrics": evaluation.metrics.to_json(), "pages": [asdict(p) for p in evaluation.pages]}


def timing_text(times: list[float]) -> str | None:
    """How long the vectorizer spent per page, when the vector file says."""
    if not times:
        return None
    return f"Time per page (ms): min {min(times):.0f}, mean {sum(times) / len(times):.1f}, max {max(times):.0f}"
