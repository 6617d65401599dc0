"""What is out of date, like `dvc status`: vector files and models against what they were made from.

A vector file records each page's sha256 and the ruleset's; a model file records
its vector files' sha256, the ruleset's and its hyperparameters. Comparing those
with the corpus as it is now says, for each, `stale` and why. Nothing here
vectorizes, trains or imports torch: `corpus status` runs it often.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.store.digest import sha256_file
from corpus.textformats import json_value
from corpus.tree.sample import SETS, set_samples
from corpus.vectors.ruleset import RULESET_NAME, ruleset_hash
from trainer.config import TraineeConfig, load_training_config
from trainer.modelfile import MODELS_DIR, load_model

VECTORS_DIR = "vectors"  # as corpus/vectors/vectorize.py names it; not imported, to keep status light
VECTOR_FILE = re.compile(rf"^({'|'.join(SETS)})_(.+)\.json$")


@dataclass
class Staleness:
    path: str  # relative to the corpus root
    kind: str  # "vectors" or "model"
    reasons: list[str] = field(default_factory=list)  # empty: up to date

    @property
    def stale(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "stale": self.stale, "reasons": self.reasons}


def model_changes(
    out: Path, files: dict[str, Path], ruleset_hash: str | None, hyperparameters: dict[str, Any] | None
) -> list[str]:
    """Why the model file at `out` does not match the current inputs (nothing: up to date)."""
    if not out.exists():
        return ["no model file yet"]
    try:
        model = load_model(out)
    except CorpusError:
        return ["the model file is unreadable"]
    recorded = model.provenance.get("vectors") or {}
    reasons = []
    for set_name in sorted(set(files) | set(recorded)):
        if set_name not in files or set_name not in recorded:
            reasons.append(f"{set_name} vectors added or dropped")
        elif recorded[set_name].get("sha256") != sha256_file(files[set_name]):
            reasons.append(f"{set_name} vectors changed")
    if model.provenance.get("rulesetHash") != ruleset_hash:
        reasons.append("ruleset changed")
    if hyperparameters is not None and model.hyperparameters != hyperparameters:
        reasons.append("hyperparameters changed")
    return reasons


def read_header(path: Path) -> dict[str, Any]:
    """A vector file's header without parsing its pages (which run to megabytes).

    Our files and FathomFox's start with `{"header": {...}`; anything else is read whole.
    """
    with open(path, "rb") as f:
        start = f.read(1 << 20).decode("utf-8", errors="replace")
    head = re.match(r'\s*\{\s*"header"\s*:\s*', start)
    if head:
        try:
            header, _ = json.JSONDecoder().raw_decode(start, head.end())
            if isinstance(header, dict):
                return header
        except (ValueError, RecursionError):  # (plain json here: deep nesting is a RecursionError)
            pass  # a header longer than the first megabyte, or no JSON: read it all
    data = json_value(path.read_bytes())
    header = data.get("header") if isinstance(data, dict) else None
    if not isinstance(header, dict):
        raise ValueError("no header object")
    return header


def _ruleset_for(root: Path, config: TraineeConfig | None) -> Path:
    return config.ruleset if config is not None and config.ruleset is not None else root / RULESET_NAME


def _current_ruleset_hash(path: Path) -> str | None:
    return ruleset_hash(path) if path.is_file() else None


def vector_staleness(root: Path, configs: dict[str, TraineeConfig]) -> list[Staleness]:
    """Each `vectors/<set>_<type>.json` against the set's pages and the ruleset now."""
    folder = root / VECTORS_DIR
    out = []
    hashes: dict[str, dict[str, str]] = {}  # per set, computed once however many trainees it has
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        m = VECTOR_FILE.match(path.name)
        if not m:
            continue
        set_name, trainee = m.groups()
        entry = Staleness(f"{VECTORS_DIR}/{path.name}", "vectors")
        out.append(entry)
        try:
            header = read_header(path)
        except (OSError, ValueError, KeyError) as e:
            entry.reasons.append(f"unreadable: {' '.join(str(e).split())}")
            continue
        recorded = header.get("pageHashes") or {}
        if set_name not in hashes:
            hashes[set_name] = {sample.name: sha256_file(sample.path) for sample in set_samples(root, set_name)}
        current = hashes[set_name]
        added = sorted(set(current) - set(recorded))
        removed = sorted(set(recorded) - set(current))
        changed = sorted(name for name in set(current) & set(recorded) if current[name] != recorded[name])
        for count, what in ((len(added), "added"), (len(changed), "changed"), (len(removed), "removed")):
            if count:
                entry.reasons.append(f"{count} page{'s' if count > 1 else ''} {what} in samples/{set_name}")
        now = _current_ruleset_hash(_ruleset_for(root, configs.get(trainee)))
        if now is not None and header.get("rulesetHash") not in (None, now):
            entry.reasons.append("ruleset changed")
    return out


def model_staleness(root: Path, configs: dict[str, TraineeConfig], vectors: list[Staleness]) -> list[Staleness]:
    """Each `models/<type>.json` against its vector files, the ruleset and training.yaml now."""
    folder = root / MODELS_DIR
    stale_vectors = {v.path: v for v in vectors if v.stale}
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        entry = Staleness(f"{MODELS_DIR}/{path.name}", "model")
        out.append(entry)
        try:
            model = load_model(path)
        except CorpusError as e:
            entry.reasons.append(f"unreadable: {e}")
            continue
        trainee = model.trainee or path.stem
        config = configs.get(trainee)
        recorded = model.provenance.get("vectors") or {}
        files = {name: root / rec["file"] for name, rec in recorded.items() if (root / rec.get("file", "")).is_file()}
        ruleset_now = _current_ruleset_hash(_ruleset_for(root, config))
        if model.provenance.get("rulesetHash") is None:
            ruleset_now = None  # trained on vector files made elsewhere: nothing to compare
        hyperparameters = config.recorded() if config is not None else None
        entry.reasons += [r for r in model_changes(path, files, ruleset_now, hyperparameters) if r != "no model file yet"]
        for set_name, rec in sorted(recorded.items()):
            upstream = stale_vectors.get(str(rec.get("file")))
            if upstream is not None:
                entry.reasons.append(f"its {set_name} vectors are stale ({'; '.join(upstream.reasons)})")
    return out


def corpus_staleness(root: Path) -> list[Staleness]:
    """Vector files, then models; a model is stale too when the vectors it was trained on are."""
    configs = load_training_config(root)
    vectors = vector_staleness(root, configs)
    return vectors + model_staleness(root, configs, vectors)
