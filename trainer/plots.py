"""PNG plots with matplotlib: the training curves of a run, and rule histograms.

The guide's advice "check that the loss doesn't oscillate" needs the curve; so
does choosing a cutoff. Drawn on matplotlib's Figure directly (no pyplot, so no
global figure state and no display needed), written atomically.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from corpus.store.atomic import atomic_write
from trainer.dataset import Dataset

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from trainer.histogram import FeatureHistogram
    from trainer.train import TrainingRun

TARGET_COLOR = "#e8710a"
OTHER_COLOR = "#1a73e8"


def _save(figure: Figure, path: Path) -> None:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    atomic_write(Path(path), buffer.getvalue())


def precision_recall(y: np.ndarray, scores: np.ndarray, pruned: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall at every distinct score taken as the cutoff (highest first).

    Pruned targets count among the targets, so recall never reaches 1 when any are pruned.
    """
    truth = np.asarray(y) > 0.5
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    ranked = np.asarray(scores, dtype=np.float64)[order]
    hits = np.cumsum(truth[order])
    last_of_each = np.flatnonzero(np.append(ranked[1:] != ranked[:-1], True))  # ties go together
    called = last_of_each + 1
    tp = hits[last_of_each]
    positives = truth.sum() + pruned
    recall = tp / positives if positives else np.zeros_like(tp, dtype=np.float64)
    return ranked[last_of_each], tp / called, recall


def training_plot(
    run: TrainingRun,
    candidates: dict[str, int],
    curve_set: tuple[str, Dataset],
    cutoff: float,
    path: Path,
) -> None:
    """Loss per iteration (training and validation, with the kept iteration marked) and the
    precision-recall curve of `curve_set` with the model's cutoff marked.

    `candidates` (set name -> candidate count) turns summed losses into per-candidate ones.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 4.5), layout="constrained")
    losses, pr = figure.subplots(1, 2)

    set_name, dataset = curve_set
    # Summed losses grow with the set; per candidate, the two curves share a scale.
    losses.plot(
        np.asarray(run.training_loss) / max(1, candidates.get("training", 1)), label="training", color=OTHER_COLOR
    )
    if run.validation_loss:
        per = max(1, candidates.get("validation", 1))
        losses.plot(np.asarray(run.validation_loss) / per, label="validation", color=TARGET_COLOR)
    kept = run.best_iteration if run.best_iteration is not None else run.iterations_run
    losses.axvline(kept, color="black", linestyle="--", linewidth=1, label=f"kept: iteration {kept}")
    losses.set_xlabel("iteration")
    losses.set_ylabel("loss per candidate (binary cross-entropy)")
    losses.set_title("Loss" + (" (stopped early)" if run.stopped_early else ""))
    losses.legend()
    losses.grid(alpha=0.3)

    scores = run.network.scores(dataset.x)
    thresholds, precision, recall = precision_recall(dataset.y, scores, dataset.pruned_targets)
    pr.plot(recall, precision, color=OTHER_COLOR, marker=".", markersize=3, label=f"{set_name} set")
    if thresholds.size:
        at = int(np.flatnonzero(thresholds >= cutoff)[-1]) if (thresholds >= cutoff).any() else None
        if at is not None:
            pr.plot(
                [recall[at]],
                [precision[at]],
                "o",
                color=TARGET_COLOR,
                markersize=9,
                label=f"cutoff {cutoff:.3f}: precision {precision[at]:.3f}, recall {recall[at]:.3f}",
            )
    pr.set_xlim(0, 1.02)
    pr.set_ylim(0, 1.02)
    pr.set_xlabel("recall")
    pr.set_ylabel("precision")
    pr.set_title(f"Precision and recall ({set_name}, {int(dataset.targets)} targets)")
    pr.legend(loc="lower left")
    pr.grid(alpha=0.3)
    _save(figure, path)


def histograms_plot(histograms: list[FeatureHistogram], path: Path) -> None:
    """One panel per rule: share of each class per bucket, each bar labeled with its count
    (so a value seen on 3 of 5,000 candidates is still visible)."""
    from matplotlib.figure import Figure

    columns = 2 if len(histograms) > 1 else 1
    rows = max(1, -(-len(histograms) // columns))
    figure = Figure(figsize=(6.5 * columns, 3.4 * rows), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False).ravel())
    for ax, h in zip(axes, histograms):
        positions = np.arange(len(h.buckets))
        width = 0.4
        for offset, color, label, counts, total in (
            (-width / 2, TARGET_COLOR, f"targets ({h.targets})", [b.targets for b in h.buckets], h.targets),
            (width / 2, OTHER_COLOR, f"non-targets ({h.non_targets})", [b.non_targets for b in h.buckets], h.non_targets),
        ):
            shares = [c / total if total else 0.0 for c in counts]
            bars = ax.bar(positions + offset, shares, width, color=color, label=label)
            ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], fontsize=7, padding=1)
        ax.set_xticks(positions, [b.label for b in h.buckets], rotation=30 if len(h.buckets) > 2 else 0, fontsize=7)
        ax.set_ylim(0, 1.15)
        ax.set_xlabel("rule score")
        ax.set_ylabel("share of the class")
        ax.set_title(h.name)
        ax.legend(fontsize=7, loc="upper center")
    for ax in axes[len(histograms) :]:
        ax.set_visible(False)
    _save(figure, path)
