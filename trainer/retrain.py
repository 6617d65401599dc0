"""Retraining driven by git: train again only when something a model depends on changed.

A model depends on its vector files (which depend on the samples and the
ruleset), on the ruleset, and on its hyperparameters (`training.yaml`, see
trainer/config.py). The model file records what it was trained from
(trainer/modelfile.py), so "up to date" is a comparison (trainer/staleness.py),
not a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import CorpusError
from corpus.store.lock import writer_lock
from corpus.tree.sample import set_samples
from trainer.config import CONFIG_NAME, TraineeConfig, load_training_config
from trainer.guard import judge
from trainer.modelfile import ModelFile, model_path, save_model
from trainer.staleness import model_changes, read_header

if TYPE_CHECKING:
    from trainer.shipping import ShipOutcome


@dataclass
class RetrainResult:
    trainee: str
    model_file: Path
    retrained: bool
    reasons: list[str]  # what differed from the model file; empty when up to date
    model: ModelFile | None = None
    warnings: list[str] = field(default_factory=list)  # what looks wrong about the new model
    kept_existing: str | None = None  # why the new model was not written over the old one
    shipped: ShipOutcome | None = None  # training.yaml's `ship: true`: the model written into the ruleset

    def to_json(self, model_file: str) -> dict[str, Any]:
        """What `corpus retrain --json` prints, with the model file as the user is shown it."""
        return {
            "trainee": self.trainee,
            "modelFile": model_file,
            "retrained": self.retrained,
            "reasons": self.reasons,
            "metrics": self.model.metrics if self.model else None,
            "warnings": self.warnings,
            "keptExisting": self.kept_existing,
            "shipped": self.shipped.to_json() if self.shipped else None,
        }

    def ship_failure(self) -> str | None:
        """Why shipping failed or the shipped ruleset failed its browser check; None when it
        passed or none ran."""
        if self.shipped is None or self.shipped.verified:
            return None
        if self.shipped.error is not None:
            return f"{self.trainee}: not shipped into {self.shipped.report.path.name}: {self.shipped.error}"
        return (f"{self.trainee}: the shipped {self.shipped.report.path.name} scores differently from the model "
                f"{self.shipped.check_text()}")

    def summary(self) -> str:
        """One line after the model file's name: up to date, or retrained with why and how well."""
        if not self.retrained or self.model is None:
            return "up to date"
        from trainer.report import mcc_text

        scores = ", ".join(f"{name} accuracy {m['accuracy']:.4f} MCC {mcc_text(m['mcc'])}"
                           for name, m in self.model.metrics.items())
        shipped = ""
        if self.shipped is not None and self.shipped.error is not None:
            shipped = f"; not shipped into {self.shipped.report.path.name}"
        elif self.shipped is not None:
            check = self.shipped.check_text()
            shipped = f"; shipped into {self.shipped.report.path.name}" + (f", {check}" if check else "")
        return f"retrained ({'; '.join(self.reasons)}): {scores}{shipped}"


def retrain(root: Path, trainees: list[str] | None = None, force: bool = False, progress: bool = False,
            scheduler: str | None = None) -> list[RetrainResult]:
    """Vectorize what changed, then train each trainee whose inputs differ from its model file's.
    `scheduler` (else CORPUS_SCHEDULER or training.yaml's `scheduler:`) renders on a Dask cluster."""
    from corpus.cluster.address import scheduler_for

    address = scheduler_for(root, scheduler)
    configs = load_training_config(root)
    if trainees:
        configs = {name: configs.get(name, TraineeConfig(name)) for name in trainees}
    if not configs:
        raise CorpusError(
            f"{root / CONFIG_NAME}: no trainees to retrain (list them under `trainees:`, or give --trainee)"
        )
    results = []
    with writer_lock(root):
        for config in configs.values():
            results.append(_retrain_one(root, config, force, progress, address))
    return results


def _retrain_one(root: Path, config: TraineeConfig, force: bool, progress: bool,
                 scheduler: str | None = None) -> RetrainResult:
    from corpus.cluster.choice import vectorize_runner
    from corpus.progress import progress as show_progress
    from corpus.vectors.vectorize import vectorize_set
    from trainer.pipeline import train_model

    runner = vectorize_runner(1, scheduler)
    files = {"training": vectorize_set(root, "training", config.trainee, config.ruleset, progress=progress,
                                       runner=runner)}
    if config.validation and set_samples(root, "validation"):
        files["validation"] = vectorize_set(root, "validation", config.trainee, config.ruleset, progress=progress,
                                            runner=runner)
    try:  # the header alone: the pages run to hundreds of megabytes, and training reads them once
        ruleset_hash = read_header(files["training"]).get("rulesetHash")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise CorpusError(f"{files['training']}: not a readable vector file: {e}") from None

    out = model_path(root, config.trainee)
    reasons = ["forced"] if force else model_changes(out, files, ruleset_hash, config.recorded())
    if not reasons:
        return RetrainResult(config.trainee, out, False, [])
    label = f"training {config.trainee}"
    with show_progress(label, config.hyperparameters.iterations, progress) as advance:
        trained = train_model(
            files["training"], config.hyperparameters, files.get("validation"), config.cutoff, config.trainee, root,
            on_iteration=lambda t, loss, validation_loss: advance(1),
        )
    verdict = judge(trained.model, out, overwrite=force)
    shipped = None
    if verdict.keep_existing is None:
        save_model(trained.model, out)
        if config.ship:
            shipped = _ship(root, config, out)
    return RetrainResult(
        config.trainee, out, verdict.keep_existing is None, reasons, trained.model, verdict.warnings,
        verdict.keep_existing, shipped,
    )


def _ship(root: Path, config: TraineeConfig, out: Path) -> ShipOutcome:
    """training.yaml's `ship: true`: the model just kept goes into its ruleset, checked in the
    browser as `corpus ship` checks it (validation, else testing) unless `ship_verify: false`."""
    from trainer.shipping import ShipOutcome, ship_model
    from trainer.staleness import trainee_ruleset

    ruleset = trainee_ruleset(root, config)
    try:
        return ship_model(root, config.trainee, out, ruleset, None, check=config.ship_verify)
    except CorpusError as e:  # this trainee's alone: the others are still retrained (and retrain exits 1)
        return ShipOutcome.failed(ruleset, str(e))
