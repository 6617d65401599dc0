"""What is out of date, like `dvc status`: vector files and models against what they were made from.

A vector file records each page's sha256 and the ruleset's; a model file records
its vector files' sha256, the ruleset's and its hyperparameters. Comparing those
with the corpus as it is now says, for each, `stale` and why. The ruleset is
compared by its rules hash (its content with the weights masked) where the vector
file records one, so neither a rename nor `corpus ship` makes anything stale. A
ruleset whose `corpus ship:` marker names another model than the trainee's model
file is behind it. Nothing here vectorizes, trains or imports torch: `corpus
status` runs it often.
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
from corpus.vectors.ruleset import ruleset_hash
from corpus.vectors.weights import rules_hash
from trainer.config import TraineeConfig, load_training_config
from trainer.modelfile import MODELS_DIR, load_model

VECTORS_DIR = "vectors"  # as corpus/vectors/vectorize.py names it; not imported, to keep status light
VECTOR_FILE = re.compile(rf"^({'|'.join(SETS)})_(.+)\.json$")


@dataclass
class Staleness:
    path: str  # relative to the corpus root
    kind: str  # "vectors", "model" or "ruleset"
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


def trainee_ruleset(root: Path, config: TraineeConfig | None) -> Path:
    """The trainee's ruleset: training.yaml's `ruleset:`, else rulesets.py (rulesets.js if it is the only one)."""
    # Imported here: vectorize pulls in the renderer, which `corpus status` does not need.
    from corpus.vectors.vectorize import default_ruleset_path

    if config is not None and config.ruleset is not None:
        return config.ruleset
    return default_ruleset_path(root)


def ruleset_matches(root: Path, path: Path, header: dict[str, Any]) -> bool:
    """Whether the ruleset at `path` has the rules a vector file's header records: by rules
    hash where it has one, else by bytes. A missing ruleset matches (nothing to compare)."""
    if not path.is_file():
        return True
    recorded_rules = header.get("rulesHash")
    if recorded_rules is not None:
        now = rules_hash(path, cache_root=root)
        if now is not None:
            return now == recorded_rules
    return header.get("rulesetHash") in (None, ruleset_hash(path))


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
        if not ruleset_matches(root, trainee_ruleset(root, configs.get(trainee)), header):
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
        ruleset_now = _model_ruleset_now(root, trainee_ruleset(root, config), model.provenance, files)
        hyperparameters = config.recorded() if config is not None else None
        entry.reasons += [r for r in model_changes(path, files, ruleset_now, hyperparameters) if r != "no model file yet"]
        for set_name, rec in sorted(recorded.items()):
            upstream = stale_vectors.get(str(rec.get("file")))
            if upstream is not None:
                entry.reasons.append(f"its {set_name} vectors are stale ({'; '.join(upstream.reasons)})")
    return out


def _model_ruleset_now(root: Path, ruleset: Path, provenance: dict[str, Any], files: dict[str, Path]) -> str | None:
    """The ruleset hash to compare a model's recorded one with: the recorded one itself when
    the ruleset still has the rules its training vectors record (a ship changed only weights)."""
    recorded = provenance.get("rulesetHash")
    if recorded is None or not ruleset.is_file():
        return None  # trained on vector files made elsewhere: nothing to compare
    header: dict[str, Any] = {"rulesetHash": recorded}
    if "training" in files:
        try:
            training = read_header(files["training"])
            if training.get("rulesetHash") == recorded:
                header["rulesHash"] = training.get("rulesHash")
        except (OSError, ValueError, KeyError):
            pass
    return recorded if ruleset_matches(root, ruleset, header) else ruleset_hash(ruleset)


def shipped_staleness(root: Path, configs: dict[str, TraineeConfig]) -> list[Staleness]:
    """Each ruleset that records a shipped model (`corpus ship`) against the trainee's model file now."""
    from corpus.vectors.ship import shipped_model

    out = []
    folder = root / MODELS_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        ruleset = trainee_ruleset(root, configs.get(path.stem))
        try:
            shipped = shipped_model(ruleset, path.stem, cache_root=root) if ruleset.is_file() else None
        except CorpusError:
            continue  # a ruleset that does not parse is reported by vectorize
        if shipped is None:
            continue  # never shipped into: nothing to be behind
        entry = Staleness(_relative(root, ruleset), "ruleset")
        if shipped != sha256_file(path):
            entry.reasons.append(f"holds the weights of another model than {MODELS_DIR}/{path.name} "
                                 f"(run corpus ship --trainee {path.stem})")
        out.append(entry)
    return out


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def corpus_staleness(root: Path) -> list[Staleness]:
    """Vector files, then models, then shipped rulesets; a model is stale too when the
    vectors it was trained on are."""
    configs = load_training_config(root)
    vectors = vector_staleness(root, configs)
    return vectors + model_staleness(root, configs, vectors) + shipped_staleness(root, configs)
