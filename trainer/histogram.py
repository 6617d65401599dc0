"""Per rule, how its values split between targets and non-targets.

A rule that gives targets and non-targets the same spread of values cannot help
the model; one whose values part them is pulling its weight. Each class is drawn
as shares of its own total, so 100 targets and 5,000 non-targets compare fairly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trainer.dataset import Dataset

BAR_WIDTH = 24


@dataclass
class Bucket:
    label: str  # "0", "1", or "[low, high)"
    targets: int
    non_targets: int


@dataclass
class FeatureHistogram:
    name: str
    buckets: list[Bucket]
    targets: int
    non_targets: int


def feature_histograms(dataset: Dataset, buckets: int = 10, rules: Sequence[str] = ()) -> list[FeatureHistogram]:
    """One histogram per rule (all rules, or those named). Yes/no rules get two buckets."""
    truth = dataset.y > 0.5
    out = []
    for column, name in enumerate(dataset.feature_names):
        if rules and name not in rules:
            continue
        values = dataset.x[:, column].astype(np.float64)
        if np.isin(values, (0.0, 1.0)).all():
            edges = np.array([0.0, 0.5, 1.0])
            labels = ["0", "1"]
        else:
            low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
            edges = np.linspace(low, high if high > low else low + 1, buckets + 1)
            labels = [
                f"[{a:.3g}, {b:.3g}{']' if i == buckets - 1 else ')'}" for i, (a, b) in enumerate(zip(edges, edges[1:]))
            ]
        target_counts, _ = np.histogram(values[truth], bins=edges)
        other_counts, _ = np.histogram(values[~truth], bins=edges)
        out.append(
            FeatureHistogram(
                name,
                [Bucket(label, int(t), int(o)) for label, t, o in zip(labels, target_counts, other_counts)],
                int(truth.sum()),
                int((~truth).sum()),
            )
        )
    return out


def _bar(count: int, total: int) -> str:
    share = count / total if total else 0.0
    filled = round(share * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def histograms_text(histograms: list[FeatureHistogram]) -> str:
    blocks = []
    for h in histograms:
        width = max(len(b.label) for b in h.buckets)
        targets_title = f"targets ({h.targets})"
        lines = [h.name, f"  {'value':<{width}}  {targets_title:<{BAR_WIDTH + 8}}  non-targets ({h.non_targets})"]
        for b in h.buckets:
            targets = f"{_bar(b.targets, h.targets)} {b.targets:>6}"
            others = f"{_bar(b.non_targets, h.non_targets)} {b.non_targets:>6}"
            lines.append(f"  {b.label:<{width}}  {targets}  {others}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
