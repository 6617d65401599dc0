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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import BadInput, CorpusError
from corpus.samples import gitutil
from corpus.samples.atomic import atomic_write
from corpus.vectors.vectorfile import sha256_file
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
    data["hyperparameters"] = model.hyperparameters
    data["metrics"] = model.metrics
    data["provenance"] = model.provenance
    return data


def dumps_model(model: ModelFile) -> str:
    """Indented JSON, one coefficient per line so the weights paste cleanly into JS."""
    data = model_to_json(model)
    parts = []
    for key, value in data.items():
        if key == "coeffs":
            lines = ",\n    ".join(json.dumps(pair) for pair in value)
            text = f"[\n    {lines}\n  ]" if value else "[]"
        else:
            text = json.dumps(value, indent=2, sort_keys=True).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def save_model(model: ModelFile, path: Path) -> None:
    atomic_write(Path(path), dumps_model(model).encode())


def load_model(path: Path) -> ModelFile:
    """Read a model file (or a file holding only the old tool's weights)."""
    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as e:
        raise CorpusError(f"{path}: not a readable model file: {e}") from None
    try:
        return model_from_json(data)
    except (KeyError, TypeError, ValueError) as e:
        raise CorpusError(f"{path}: not a model file: {e}") from None


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
    return ModelFile(
        network=network,
        cutoff=float(data.get("cutoff", DEFAULT_CUTOFF)),
        trainee=data.get("trainee"),
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
        data = json.loads(text)
    except ValueError:
        try:
            data = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
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


def provenance(root: Path | None, vector_files: dict[str, Path], ruleset_hash: str | None) -> dict[str, Any]:
    """Where a model came from: enough to tell whether retraining would change it."""
    vectors = {}
    for set_name, path in vector_files.items():
        vectors[set_name] = {"file": _display_path(path, root), "sha256": sha256_file(path)}
    commit, dirty = None, None
    if root is not None and gitutil.is_repo(root):
        try:
            commit = gitutil.run(root, "rev-parse", "--verify", "-q", "HEAD").strip() or None
            dirty = bool(gitutil.run(root, "status", "--porcelain", "--untracked-files=no").strip())
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
