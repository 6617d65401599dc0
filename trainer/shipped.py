"""Which model a revision's ruleset holds: the `corpus ship:` marker, read back from git.

`corpus metrics` shows the numbers of the model a ruleset ships next to those of the
model file. The marker names the model by the sha256 of its file, so the model it
names is found by hashing the versions of `models/<type>.json` in the revision's
history: the revision's own (the ruleset holds this model), an earlier one (it holds
an older model, whose recorded numbers are what ships), or none (another model).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.store import gitcli
from corpus.vectors.jsruleset import JS_RULESET_NAME
from corpus.vectors.ruleset import RULESET_NAME
from trainer.config import CONFIG_NAME, load_training_config
from trainer.modelfile import MODELS_DIR, ModelFile, model_from_json, strict_json
from trainer.staleness import trainee_ruleset

# What a ruleset holds, as `Shipped.holds` says it.
THIS_MODEL = "this model"  # the revision's own model file
OLDER_MODEL = "an older model"  # a version of the model file committed earlier
OTHER_MODEL = "another model"  # a model the history of models/<type>.json never held
NO_MODEL = "no model"  # no ruleset, or no `corpus ship:` marker for the type in it


@dataclass
class Shipped:
    """What the ruleset at one revision ships for one trainee."""

    trainee: str
    ruleset: str  # the ruleset file, relative to the corpus root where it lies inside it
    holds: str  # THIS_MODEL, OLDER_MODEL, OTHER_MODEL or NO_MODEL
    model: ModelFile | None = None  # the model it holds, when found
    commit: str | None = None  # for OLDER_MODEL: the commit whose model file it holds
    problem: str | None = None  # why the ruleset could not be read (then holds is NO_MODEL)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.ruleset, "holds": self.holds, "commit": self.commit, "problem": self.problem,
                "cutoff": self.model.cutoff if self.model else None,
                "metrics": self.model.metrics if self.model else None}


def shipped_at(root: Path, rev: str | None, trainees: list[str]) -> dict[str, Shipped]:
    """What the ruleset of each trainee holds at `rev` (None: the working tree)."""
    with tempfile.TemporaryDirectory(prefix="corpus-shipped-") as scratch:
        base = root if rev is None else Path(scratch)
        if rev is not None:  # what picks the ruleset: training.yaml, and which default files exist
            for name in (CONFIG_NAME, RULESET_NAME, JS_RULESET_NAME):
                _copy_out(root, rev, name, base)
        configs = load_training_config(base)
        return {trainee: _shipped(root, rev, base, trainee, trainee_ruleset(base, configs.get(trainee)))
                for trainee in trainees}


def _shipped(root: Path, rev: str | None, base: Path, trainee: str, ruleset: Path) -> Shipped:
    from corpus.vectors.ship import shipped_model

    try:
        shown = ruleset.relative_to(base).as_posix()
    except ValueError:  # a ruleset outside the corpus: read where it lies now
        shown = str(ruleset)
    else:
        if rev is not None:
            _copy_out(root, rev, shown, base)
    if not ruleset.is_file():
        return Shipped(trainee, shown, NO_MODEL)
    try:
        sha256 = shipped_model(ruleset, trainee, cache_root=root)
    except CorpusError as e:
        return Shipped(trainee, shown, NO_MODEL, problem=str(e))
    if sha256 is None:
        return Shipped(trainee, shown, NO_MODEL)
    for index, (commit, data) in enumerate(_model_versions(root, rev, trainee)):
        if hashlib.sha256(data).hexdigest() == sha256:
            try:
                model = model_from_json(strict_json(data))
            except (KeyError, TypeError, ValueError):
                break  # not a model file, so not what was shipped
            return Shipped(trainee, shown, THIS_MODEL if index == 0 else OLDER_MODEL, model,
                           None if index == 0 else commit)
    return Shipped(trainee, shown, OTHER_MODEL)


def _model_versions(root: Path, rev: str | None, trainee: str) -> Iterator[tuple[str | None, bytes]]:
    """(commit, bytes) of `models/<trainee>.json`: the revision's own first (commit None for the
    working tree's), then each earlier committed version, newest first."""
    name = f"{MODELS_DIR}/{trainee}.json"
    if rev is None:
        path = root / name
        if path.is_file():
            yield None, path.read_bytes()
        start = "HEAD"
    else:
        start = rev
    listing = gitcli.try_run(root, "log", "--format=%H", start, "--", name)
    for commit in (listing or b"").decode().split():
        data = gitcli.try_run(root, "show", f"{commit}:{name}")
        if data is not None:  # None: the commit that removed it
            yield commit, data


def _copy_out(root: Path, rev: str, name: str, base: Path) -> None:
    """`rev:name` written to `base/name`, when the revision has that file."""
    data = gitcli.try_run(root, "show", f"{rev}:{name}")
    if data is not None:
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_bytes(data)
