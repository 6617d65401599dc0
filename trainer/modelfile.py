"""Model files: `models/<type>.json`, plain JSON that never needs unpickling.

    {"format": "corpus-model", "version": 1, "trainee": "login",
     "coeffs": [["rule", 1.16], ...], "bias": -3.9,      <- paste into a JS ruleset
     "cutoff": 0.5,
     "hyperparameters": {...}, "metrics": {"training": {...}, "validation": {...}},
     "provenance": {"commit": "...", "dirty": false, "rulesetHash": "...",
                    "vectors": {"training": {"file": "vectors/training_login.json", "sha256": "..."}}}}

With hidden layers, `features` and `layers` ([{"weight": [[...]], "bias": [...]}, ...])
take the place of `coeffs` and `bias`. The old tool's printed weights
(`{"coeffs": ..., "bias": ...}`, alone) are read too.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import BadInput, BadInputFile, CorpusError
from corpus.store import gitcli
from corpus.store.atomic import atomic_write
from corpus.store.digest import sha256_file
from corpus.textformats import json_value
from trainer.model import Layer, Network, linear_network

FORMAT = "corpus-model"
VERSION = 1
DEFAULT_CUTOFF = 0.5
MODELS_DIR = "models"


@dataclass
class ModelFile:
    network: Network
    cutoff: float = DEFAULT_CUTOFF
    trainee: str | None = None
    cutoff_chosen_on: str = "default"  # "validation" (its best MCC), "option" (-t) or "default" (0.5)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # set name -> Metrics.to_json()
    provenance: dict[str, Any] = field(default_factory=dict)


def model_path(root: Path, trainee: str) -> Path:
    if not trainee or "/" in trainee or "\\" in trainee or trainee.startswith("."):
        raise BadInput(f"{trainee!r}: not a type name a model file can be named after")
    return root / MODELS_DIR / f"{trainee}.json"


def model_to_json(model: ModelFile) -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "trainee": model.trainee}
    net = model.network
    if net.is_linear:
        data["coeffs"] = [[name, weight] for name, weight in net.coeffs()]
        data["bias"] = net.bias
    else:
        data["features"] = list(net.feature_names)
        data["layers"] = [{"weight": layer.weight, "bias": layer.bias} for layer in net.layers]
    data["cutoff"] = model.cutoff
    data["cutoffChosenOn"] = model.cutoff_chosen_on
    data["hyperparameters"] = model.hyperparameters
    data["metrics"] = model.metrics
    data["provenance"] = model.provenance
    return data


def dumps_model(model: ModelFile) -> str:
    """Indented JSON, one coefficient per line so the weights paste cleanly into JS.

    Never writes NaN or Infinity: Python's json would, and JavaScript's JSON.parse
    (and every strict reader) rejects the file.
    """
    check_finite(model.network, model.cutoff)
    data = model_to_json(model)
    parts = []
    for key, value in data.items():
        try:
            if key == "coeffs":
                lines = ",\n    ".join(json.dumps(pair, allow_nan=False) for pair in value)
                text = f"[\n    {lines}\n  ]" if value else "[]"
            else:
                text = json.dumps(value, indent=2, sort_keys=True, allow_nan=False).replace("\n", "\n  ")
        except ValueError:
            raise CorpusError(f"the model's {key!r} holds a number that is not finite") from None
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def save_model(model: ModelFile, path: Path) -> None:
    """Write atomically; a model that is not finite is refused and nothing is written."""
    try:
        text = dumps_model(model)
    except CorpusError as e:
        raise CorpusError(f"{path}: {e}; no model written") from None
    atomic_write(Path(path), text.encode())


def check_finite(network: Network, cutoff: float) -> None:
    """CorpusError unless every weight and bias is a finite number and the cutoff is in [0, 1]."""
    for i, layer in enumerate(network.layers):
        rows = [*layer.weight, layer.bias]
        if not all(math.isfinite(v) for row in rows for v in row):
            where = "the weights" if network.is_linear else f"layer {i}"
            raise CorpusError(f"{where} hold a number that is not finite (NaN or infinity)")
    if not (math.isfinite(cutoff) and 0 <= cutoff <= 1):
        raise CorpusError(f"the cutoff {cutoff!r} is not a number in [0, 1]")


def strict_json(text: str | bytes) -> Any:
    """json.loads as JSON.parse reads it: the tokens NaN, Infinity and -Infinity are errors."""

    def refuse(token: str) -> Any:
        raise ValueError(f"{token} is not valid JSON")

    return json_value(text, parse_constant=refuse)


def load_model(path: Path) -> ModelFile:
    """Read a model file (or a file holding only the old tool's weights)."""
    try:
        data = strict_json(Path(path).read_bytes())
    except (OSError, ValueError) as e:
        raise BadInputFile(f"{path}: not a readable model file: {e}") from None
    try:
        return model_from_json(data)
    except (KeyError, TypeError, ValueError) as e:
        raise BadInputFile(f"{path}: not a model file: {e}") from None


def model_from_json(data: Any) -> ModelFile:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    if data.get("format", FORMAT) != FORMAT:
        raise ValueError(f"unknown format {data.get('format')!r}")
    if data.get("version", VERSION) != VERSION:
        raise ValueError(f"unknown version {data.get('version')!r} (this reader knows version {VERSION})")
    if "layers" in data:
        names = [str(n) for n in data["features"]]
        layers = [
            Layer([[float(w) for w in row] for row in layer["weight"]], [float(b) for b in layer["bias"]])
            for layer in data["layers"]
        ]
        network = Network(names, layers)
    else:
        coeffs = [(str(name), float(weight)) for name, weight in data["coeffs"]]
        network = linear_network(coeffs, float(data["bias"]))
    _check_shapes(network)
    cutoff = float(data.get("cutoff", DEFAULT_CUTOFF))
    try:
        check_finite(network, cutoff)
    except CorpusError as e:
        raise ValueError(str(e)) from None
    return ModelFile(
        network=network,
        cutoff=cutoff,
        trainee=data.get("trainee"),
        cutoff_chosen_on=str(data.get("cutoffChosenOn", "default")),
        hyperparameters=dict(data.get("hyperparameters") or {}),
        metrics=dict(data.get("metrics") or {}),
        provenance=dict(data.get("provenance") or {}),
    )


def _check_shapes(network: Network) -> None:
    width = len(network.feature_names)
    for i, layer in enumerate(network.layers):
        if len(layer.weight) != len(layer.bias) or any(len(row) != width for row in layer.weight):
            raise ValueError(f"layer {i}: weights do not fit {width} inputs and {len(layer.bias)} outputs")
        width = len(layer.bias)
    if width != 1:
        raise ValueError(f"the last layer has {width} outputs; a recognizer has one")


def parse_weights(text: str) -> ModelFile:
    """The old tool's WEIGHTS argument: `{"coeffs": [["rule", w], ...], "bias": b}`.

    Its trainer printed Python-style lists (single quotes, trailing commas), so
    those are accepted too, read as literals and never run.
    """
    try:
        data = strict_json(text)
    except ValueError:
        try:
            data = ast.literal_eval(text.strip())
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):  # TypeError: `{[1]}`
            raise BadInput('WEIGHTS: neither a model file nor {"coeffs": [["rule", weight], ...], "bias": b}') from None
    try:
        return model_from_json(data)
    except (KeyError, TypeError, ValueError) as e:
        raise BadInput(f"WEIGHTS: not usable weights: {e}") from None


def load_model_or_weights(argument: str) -> ModelFile:
    """A model file's path, or the weights themselves as text."""
    if argument.lstrip().startswith("{"):
        return parse_weights(argument)
    path = Path(argument)
    if not path.is_file():
        raise BadInput(f"{argument}: no such model file")
    return load_model(path)


def provenance(root: Path | None, vector_files: dict[str, Path], ruleset_hash: str | None,
               hashes: dict[str, str | None] | None = None) -> dict[str, Any]:
    """Where a model came from: enough to tell whether retraining would change it. `hashes`:
    the sha256 of vector files already read, by set name (others are hashed here)."""
    vectors = {}
    for set_name, path in vector_files.items():
        sha256 = (hashes or {}).get(set_name) or sha256_file(path)
        vectors[set_name] = {"file": _display_path(path, root), "sha256": sha256}
    commit, dirty = None, None
    if root is not None and gitcli.is_repo(root):
        try:
            commit = gitcli.run(root, "rev-parse", "--verify", "-q", "HEAD").strip() or None
            dirty = bool(gitcli.run(root, "status", "--porcelain", "--untracked-files=no").strip())
        except CorpusError:
            commit = None  # a repository with no commit yet
    return {"commit": commit, "dirty": dirty, "rulesetHash": ruleset_hash, "vectors": vectors}


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
