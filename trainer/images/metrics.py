"""Accuracy, per-class precision and recall, and the confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClassMetrics:
    name: str
    precision: float | None  # None when the class was never predicted
    recall: float | None  # None when the class never occurs
    support: int


@dataclass(frozen=True)
class Report:
    count: int
    accuracy: float | None
    classes: tuple[ClassMetrics, ...]
    confusion: tuple[tuple[int, ...], ...]  # rows: true class, columns: predicted class

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "accuracy": self.accuracy,
            "classes": {c.name: {"precision": c.precision, "recall": c.recall, "support": c.support}
                        for c in self.classes},
            "confusion": [list(row) for row in self.confusion],
        }


def report(true: list[int], predicted: list[int], class_names: tuple[str, ...]) -> Report:
    n = len(class_names)
    confusion = [[0] * n for _ in range(n)]
    for t, p in zip(true, predicted, strict=True):
        confusion[t][p] += 1
    correct = sum(confusion[i][i] for i in range(n))
    classes = []
    for i, name in enumerate(class_names):
        predicted_i = sum(confusion[r][i] for r in range(n))
        actual_i = sum(confusion[i])
        classes.append(ClassMetrics(
            name=name,
            precision=confusion[i][i] / predicted_i if predicted_i else None,
            recall=confusion[i][i] / actual_i if actual_i else None,
            support=actual_i,
        ))
    return Report(
        count=len(true),
        accuracy=correct / len(true) if true else None,
        classes=tuple(classes),
        confusion=tuple(tuple(row) for row in confusion),
    )


def format_report(rep: Report, title: str = "validation") -> str:
    """A plain-text table for the terminal."""
    def num(value: float | None) -> str:
        return "   -" if value is None else f"{value:.3f}"

    width = max([len(c.name) for c in rep.classes] + [9])
    lines = [f"{title} images {rep.count}, accuracy {num(rep.accuracy)}", ""]
    lines.append(f"{'class':<{width}}  precision  recall  support")
    for c in rep.classes:
        lines.append(f"{c.name:<{width}}  {num(c.precision):>9}  {num(c.recall):>6}  {c.support:>7}")
    lines += ["", "confusion (rows: true, columns: predicted)"]
    cell = max([len(c.name) for c in rep.classes] + [len(str(v)) for row in rep.confusion for v in row])
    lines.append(" " * width + "  " + "  ".join(f"{c.name:>{cell}}" for c in rep.classes))
    for c, row in zip(rep.classes, rep.confusion, strict=True):
        lines.append(f"{c.name:<{width}}  " + "  ".join(f"{v:>{cell}}" for v in row))
    return "\n".join(lines)
