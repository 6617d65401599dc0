"""Recorded metrics at a git revision, and how they changed between two.

Model files are committed with the samples, so `git log` already holds every
model's numbers; this reads them back (did that new rule help?).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.errors import BadInput, CorpusError
from corpus.store import gitcli
from trainer.modelfile import (
    MODELS_DIR,
    ModelFile,
    load_model,
    model_from_json,
    strict_json,
)

# The numbers worth comparing, in the order they are shown.
KEYS = ("accuracy", "false_positive_rate", "false_negative_rate", "precision", "recall", "f1", "mcc")
LOWER_IS_BETTER = {"false_positive_rate", "false_negative_rate"}


def models_at(root: Path, rev: str | None) -> dict[str, ModelFile]:
    """Model files by type at `rev`, or in the working tree when `rev` is None."""
    if rev is None:
        folder = root / MODELS_DIR
        paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return {path.stem: load_model(path) for path in paths}
    try:
        gitcli.run(root, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}")
    except CorpusError:
        raise BadInput(f"{rev}: not a revision of {root}") from None
    listing = gitcli.run(root, "ls-tree", "-z", "--name-only", rev, f"{MODELS_DIR}/")
    models = {}
    for name in sorted(p for p in listing.split("\0") if p.endswith(".json")):
        text = gitcli.run(root, "show", f"{rev}:{name}")
        try:
            models[Path(name).stem] = model_from_json(strict_json(text))
        except (KeyError, TypeError, ValueError) as e:
            raise CorpusError(f"{rev}:{name}: not a model file: {e}") from None
    return models


@dataclass
class Change:
    trainee: str
    set_name: str
    key: str
    old: float | None  # None: no such model or set at the older revision
    new: float | None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def better(self) -> bool | None:
        if self.delta is None or self.delta == 0:
            return None
        return (self.delta < 0) if self.key in LOWER_IS_BETTER else (self.delta > 0)


def metrics_diff(old: dict[str, ModelFile], new: dict[str, ModelFile]) -> list[Change]:
    changes = []
    for trainee in sorted(set(old) | set(new)):
        old_sets = old[trainee].metrics if trainee in old else {}
        new_sets = new[trainee].metrics if trainee in new else {}
        for set_name in sorted(set(old_sets) | set(new_sets)):
            for key in KEYS:
                before = old_sets.get(set_name, {}).get(key)
                after = new_sets.get(set_name, {}).get(key)
                changes.append(Change(trainee, set_name, key, before, after))
    return changes


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def metrics_text(models: dict[str, ModelFile], where: str) -> str:
    if not models:
        return f"no model files in {MODELS_DIR}/ at {where}"
    lines = []
    for trainee, model in models.items():
        commit = model.provenance.get("commit")
        lines.append(f"{trainee} (trained at {commit[:10] if commit else 'an unknown commit'}, cutoff {model.cutoff})")
        for set_name, metrics in model.metrics.items():
            numbers = "  ".join(f"{key} {_number(metrics.get(key))}" for key in KEYS)
            lines.append(f"  {set_name:<10}  {numbers}")
    return "\n".join(lines)


def diff_text(changes: list[Change], old_where: str, new_where: str) -> str:
    if not changes:
        return f"no model files at {old_where} or {new_where}"
    lines = [f"{'type':<12} {'set':<10} {'metric':<20} {old_where:>10} {new_where:>10} {'change':>9}"]
    for c in changes:
        delta = "" if c.delta is None else f"{c.delta:+.4f}"
        mark = {True: "  better", False: "  worse", None: ""}[c.better]
        lines.append(
            f"{c.trainee:<12} {c.set_name:<10} {c.key:<20} {_number(c.old):>10} {_number(c.new):>10} {delta:>9}{mark}"
        )
    return "\n".join(lines)
