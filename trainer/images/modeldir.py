"""A model directory: everything needed to use a trained image classifier, and where it came from.

    MODEL/weights.pt   the state_dict, saved by torch.save and read back with
                       weights_only=True (tensors only: loading runs no pickled code)
    MODEL/model.json   format, architecture, class names, preprocessing, training
                       config, metrics, provenance and the weights' sha256

model.json is written last and names the weights' hash, so a directory left half
written by a crash is refused on load rather than silently mixed.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch

from corpus.errors import CorpusError
from corpus.store.atomic import atomic_write
from corpus.textformats import json_value
from trainer.images.dataset import Preprocessing
from trainer.images.model import ARCHITECTURE, ButtonNet
from trainer.images.train import TrainResult, build_model

FORMAT = "corpus-image-classifier"
VERSION = 1
WEIGHTS = "weights.pt"
INFO = "model.json"


@dataclass
class LoadedModel:
    model: ButtonNet  # in eval mode, on the CPU
    classes: tuple[str, ...]
    preprocessing: Preprocessing
    info: dict[str, Any]


def save_model(directory: Path, result: TrainResult, git_commit: str | None = None) -> dict[str, Any]:
    """Write the model directory; return what model.json holds."""
    buffer = io.BytesIO()
    torch.save(result.model.state_dict(), buffer)
    weights = buffer.getvalue()
    info = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": ARCHITECTURE,
        "classes": list(result.classes),
        "preprocessing": result.preprocessing.to_dict(),
        "noise": result.config.noise,
        "training": result.config.to_dict(),
        "split": {"training": len(result.split.training), "validation": len(result.split.validation)},
        "history": [vars(stats) for stats in result.history],
        "best_epoch": result.best_epoch,
        "metrics": {"validation": result.validation.to_dict()},
        "provenance": {
            "dataset": str(result.config.data_dir),
            "dataset_sha256": result.dataset_hash,
            "git_commit": git_commit,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "torch": torch.__version__,
            "python": platform.python_version(),
        },
        "weights_sha256": hashlib.sha256(weights).hexdigest(),
    }
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write(directory / WEIGHTS, weights)
    atomic_write(directory / INFO, (json.dumps(info, indent=2, sort_keys=True) + "\n").encode())
    return info


def dataset_commit(data_dir: Path) -> str | None:
    """The corpus commit the crops were cut from (their manifest says), else the HEAD
    of a git repository holding the dataset folder, else None."""
    from corpus.render.crops import MANIFEST
    from corpus.store import gitcli

    try:
        manifest = json_value((data_dir / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(manifest, dict) and manifest.get("corpus_commit"):
            return str(manifest["corpus_commit"])
    except (OSError, ValueError):
        pass
    top = gitcli.toplevel(data_dir)
    if top is None:
        return None
    try:
        return gitcli.run(top, "rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except CorpusError:
        return None


def load_model(directory: Path) -> LoadedModel:
    info_path = directory / INFO
    try:
        info = json_value(info_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{info_path}: no such file (not a model directory made by `corpus train-images`)") from None
    except ValueError as e:  # not JSON, not UTF-8, or nested too deep
        raise CorpusError(f"{info_path}: not valid JSON ({e})") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise CorpusError(f"{info_path}: not an image classifier made by `corpus train-images`")
    if info.get("version") != VERSION or info.get("architecture") != ARCHITECTURE:
        raise CorpusError(f"{info_path}: model version {info.get('version')} / {info.get('architecture')} "
                          f"is not known here (expected {VERSION} / {ARCHITECTURE})")
    weights_path = directory / WEIGHTS
    try:
        weights = weights_path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{weights_path}: no such file") from None
    if hashlib.sha256(weights).hexdigest() != info.get("weights_sha256"):
        raise CorpusError(f"{weights_path}: does not match {INFO} (sha256 differs): retrain or restore it")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols of foreign files
            state = torch.load(io.BytesIO(weights), map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001  torch raises UnpicklingError, RuntimeError, EOFError, ...
        # torch's own message runs to dozens of lines and suggests weights_only=False,
        # which would run whatever code the file holds: never that. Its type is enough.
        raise CorpusError(
            f"{weights_path}: damaged or not plain tensors, refused ({type(e).__name__}); retrain or restore it"
        ) from None
    try:
        prep = Preprocessing.from_dict(info["preprocessing"])
        classes = tuple(info["classes"])
        model = build_model(len(classes), prep, float(info.get("noise", 0.0)))
        model.load_state_dict(state)
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CorpusError(f"{directory}: cannot load the model ({first[:160]})") from None
    return LoadedModel(model.eval(), classes, prep, info)
