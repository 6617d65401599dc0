"""Recorded metrics at a git revision, and how they changed between two.

Model files are committed with the samples, so `git log` already holds every
model's numbers; this reads them back (did that new rule help?), next to the
numbers of the model each revision's ruleset holds (trainer/shipped.py): what ships.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from corpus.errors import BadInput, CorpusError
from corpus.store import gitcli
from trainer.modelfile import (
    MODELS_DIR,
    ModelFile,
    load_model,
    model_from_json,
    strict_json,
)
from trainer.shipped import OLDER_MODEL, OTHER_MODEL, THIS_MODEL, Shipped

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
    shipped_old: float | None = None  # the number of the model the older revision's ruleset holds
    shipped_new: float | None = None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def better(self) -> bool | None:
        if self.delta is None or self.delta == 0:
            return None
        return (self.delta < 0) if self.key in LOWER_IS_BETTER else (self.delta > 0)

    def shipped(self) -> Change:
        """This row for the models the rulesets hold."""
        return Change(self.trainee, self.set_name, self.key, self.shipped_old, self.shipped_new)


def metrics_diff(old: dict[str, ModelFile], new: dict[str, ModelFile],
                 old_shipped: dict[str, Shipped] | None = None,
                 new_shipped: dict[str, Shipped] | None = None) -> list[Change]:
    """One row per trainee, set and metric, of the model files and of the models their rulesets hold."""
    ships_old, ships_new = _shipped_metrics(old_shipped), _shipped_metrics(new_shipped)
    changes = []
    for trainee in sorted(set(old) | set(new)):
        old_sets = old[trainee].metrics if trainee in old else {}
        new_sets = new[trainee].metrics if trainee in new else {}
        ship_old, ship_new = ships_old.get(trainee, {}), ships_new.get(trainee, {})
        for set_name in sorted(set(old_sets) | set(new_sets) | set(ship_old) | set(ship_new)):
            for key in KEYS:
                changes.append(Change(
                    trainee, set_name, key, old_sets.get(set_name, {}).get(key), new_sets.get(set_name, {}).get(key),
                    ship_old.get(set_name, {}).get(key), ship_new.get(set_name, {}).get(key),
                ))
    return changes


def _shipped_metrics(shipped: dict[str, Shipped] | None) -> dict[str, dict[str, dict[str, float]]]:
    return {t: s.model.metrics for t, s in (shipped or {}).items() if s.model is not None}


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _metric_lines(model: ModelFile) -> list[str]:
    return [f"  {set_name:<10}  " + "  ".join(f"{key} {_number(metrics.get(key))}" for key in KEYS)
            for set_name, metrics in model.metrics.items()]


def holds_text(shipped: Shipped) -> str:
    """What the ruleset holds, said about the model file of the same revision."""
    model_file = f"{MODELS_DIR}/{shipped.trainee}.json"
    if shipped.holds == THIS_MODEL:
        return f"{shipped.ruleset} holds this model ({model_file})"
    if shipped.holds == OLDER_MODEL:
        commit = (shipped.commit or "")[:10]
        return f"{shipped.ruleset} holds an older model than {model_file} (the one committed in {commit})"
    if shipped.holds == OTHER_MODEL:
        return f"{shipped.ruleset} holds another model than {model_file} (not in its history)"
    why = f" ({shipped.problem})" if shipped.problem else " (corpus ship writes one)"
    return f"{shipped.ruleset} holds no shipped model{why}"


def metrics_text(models: dict[str, ModelFile], where: str, shipped: dict[str, Shipped] | None = None) -> str:
    if not models:
        return f"no model files in {MODELS_DIR}/ at {where}"
    lines = []
    for trainee, model in models.items():
        commit = model.provenance.get("commit")
        lines.append(f"{trainee} (trained at {commit[:10] if commit else 'an unknown commit'}, cutoff {model.cutoff})")
        lines += _metric_lines(model)
        ship = (shipped or {}).get(trainee)
        if ship is None:
            continue
        if ship.holds == THIS_MODEL:
            lines.append(f"  shipped: {holds_text(ship)}: these are the numbers it ships")
        elif ship.holds == OLDER_MODEL and ship.model is not None:
            lines.append(f"  shipped: {holds_text(ship)}, cutoff {ship.model.cutoff}: the numbers it ships")
            lines += _metric_lines(ship.model)
        else:
            lines.append(f"  shipped: {holds_text(ship)}")
    return "\n".join(lines)


def metrics_json(models: dict[str, ModelFile], shipped: dict[str, Shipped]) -> dict[str, Any]:
    return {name: {"metrics": m.metrics, "cutoff": m.cutoff, "provenance": m.provenance,
                   "ruleset": shipped[name].to_json() if name in shipped else None}
            for name, m in models.items()}


def diff_json(changes: list[Change], old_shipped: dict[str, Shipped],
              new_shipped: dict[str, Shipped]) -> list[dict[str, Any]]:
    """The rows, each with what the ruleset holds at either revision (`holds_old`, `holds_new`)."""
    def holds(shipped: dict[str, Shipped], trainee: str) -> str | None:
        return shipped[trainee].holds if trainee in shipped else None

    return [{**asdict(c), "delta": c.delta, "shipped_delta": c.shipped().delta,
             "holds_old": holds(old_shipped, c.trainee), "holds_new": holds(new_shipped, c.trainee)}
            for c in changes]


def _row(c: Change) -> str:
    delta = "" if c.delta is None else f"{c.delta:+.4f}"
    mark = {True: "  better", False: "  worse", None: ""}[c.better]
    return f"{c.trainee:<12} {c.set_name:<10} {c.key:<20} {_number(c.old):>10} {_number(c.new):>10} {delta:>9}{mark}"


def diff_text(changes: list[Change], old_where: str, new_where: str,
              old_shipped: dict[str, Shipped] | None = None, new_shipped: dict[str, Shipped] | None = None) -> str:
    if not changes:
        return f"no model files at {old_where} or {new_where}"
    header = f"{'type':<12} {'set':<10} {'metric':<20} {old_where:>10} {new_where:>10} {'change':>9}"
    lines = [header] + [_row(c) for c in changes if c.old is not None or c.new is not None]
    shipped_rows = [_row(c.shipped()) for c in changes if c.shipped_old is not None or c.shipped_new is not None]
    if shipped_rows:
        lines += ["", "shipped: the numbers of the model each revision's ruleset holds", header, *shipped_rows]
    notes = [f"{trainee} at {where}: {holds_text(ship)}"
             for where, shipped in ((old_where, old_shipped), (new_where, new_shipped))
             for trainee, ship in sorted((shipped or {}).items())]
    return "\n".join(lines + ([""] + notes if notes else []))
