"""Suspicious training runs, and not letting one silently replace a better model.

Early stopping is on by default (as in fathom-train 3.7), so a validation loss
that rises at once (a learning rate too high, a tiny validation set) ends the run
after a handful of iterations with a model that has barely moved from its random
start. Such a run, or one whose model recalls no target at all, is warned about;
and when a model file already exists and scores better, the new one is not
written over it unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from trainer.modelfile import ModelFile, load_model

# A model kept from before this many iterations has hardly trained.
FEW_ITERATIONS = 10


@dataclass
class Verdict:
    warnings: list[str] = field(default_factory=list)
    keep_existing: str | None = None  # why the existing model file is kept (None: write the new one)


def run_warnings(model: ModelFile) -> list[str]:
    """What looks wrong about a freshly trained model, from what its file records."""
    warnings = []
    kept = model.provenance.get("bestIteration")
    if kept is not None and kept < FEW_ITERATIONS:
        warnings.append(
            f"early stopping kept the weights of iteration {kept}: validation loss never fell below its level "
            "after that, so the model has hardly trained; look at the loss curve (--plot), lower "
            "--learning-rate, raise --patience or pass --no-early-stopping"
        )
    for set_name, metrics in model.metrics.items():
        if metrics.get("recall") == 0 and metrics.get("confusion", {}).get("true_positives", 0) == 0:
            targets = metrics.get("confusion", {})
            if targets.get("true_positives", 0) + targets.get("false_negatives", 0):
                warnings.append(f"the model recalls no target of the {set_name} set at cutoff {model.cutoff:.4f}")
    return warnings


def comparable_mcc(model: ModelFile) -> tuple[str, float] | None:
    """The MCC to compare models by: validation's when recorded, else training's."""
    for set_name in ("validation", "training"):
        value = (model.metrics.get(set_name) or {}).get("mcc")
        if value is not None:
            return set_name, float(value)
    return None


def judge(new: ModelFile, out: Path, overwrite: bool) -> Verdict:
    """Whether `new` may replace the model file at `out`."""
    verdict = Verdict(run_warnings(new))
    if not verdict.warnings or overwrite or not out.exists():
        return verdict
    try:
        old = load_model(out)
    except CorpusError:
        return verdict  # an unreadable file is no better model
    old_score, new_score = comparable_mcc(old), comparable_mcc(new)
    if old_score is None:
        return verdict
    if new_score is None or new_score[1] < old_score[1]:
        shown = "undefined" if new_score is None else f"{new_score[1]:.4f}"
        verdict.keep_existing = (
            f"{out}: kept the existing model ({old_score[0]} MCC {old_score[1]:.4f}); "
            f"this run's ({shown}) looks wrong; --overwrite writes it anyway"
        )
    return verdict
