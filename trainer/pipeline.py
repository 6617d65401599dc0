"""From vector files to a model and its reports: what `corpus train` and `corpus test` do,
as plain functions that `corpus retrain` and the tests call too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.dataset import Dataset, load_dataset
from trainer.metrics import Evaluation, compute_metrics, evaluate, optimal_cutoff
from trainer.model import Network
from trainer.modelfile import DEFAULT_CUTOFF, ModelFile, provenance

if TYPE_CHECKING:  # torch loads only when training: testing and reports never need it
    from trainer.train import Hyperparameters, IterationHook, TrainingRun


@dataclass
class Trained:
    model: ModelFile
    run: TrainingRun
    training: Evaluation
    validation: Evaluation | None
    datasets: dict[str, Dataset]


def train_model(
    training_file: Path,
    hp: Hyperparameters,
    validation_file: Path | None = None,
    cutoff: float | None = None,
    trainee: str | None = None,
    root: Path | None = None,
    on_iteration: IterationHook | None = None,
) -> Trained:
    """Train on one vector file, measure on it and on the validation file, and describe
    the result as a model file (not yet written anywhere).

    With no `cutoff`, the model's cutoff is the one with the best MCC on the
    validation set (0.5 without one): chosen on validation, so `corpus test`
    applies it to testing samples the choice never saw.
    """
    from trainer.train import train_network

    training = load_dataset(training_file, exclude=hp.exclude, with_sha256=True)
    validation = None
    if validation_file is not None:
        # The validation file may list rules in another order; the model's order rules.
        validation = load_dataset(validation_file, features=training.feature_names, with_sha256=True)
    run = train_network(training, hp, validation, on_iteration)
    cutoff, chosen_on = choose_cutoff(run.network, validation, cutoff)
    training_eval = evaluate(run.network, training, cutoff)
    validation_eval = evaluate(run.network, validation, cutoff) if validation is not None else None

    files = {"training": training_file}
    metrics = {"training": training_eval.metrics.to_json()}
    datasets = {"training": training}
    if validation is not None and validation_eval is not None and validation_file is not None:
        files["validation"] = validation_file
        metrics["validation"] = validation_eval.metrics.to_json()
        datasets["validation"] = validation
    hyperparameters = hp.to_json()
    hyperparameters["cutoff"] = cutoff if chosen_on == "option" else None
    model = ModelFile(
        network=run.network,
        cutoff=cutoff,
        trainee=trainee,
        cutoff_chosen_on=chosen_on,
        hyperparameters=hyperparameters,
        metrics=metrics,
        provenance={
            **provenance(root, files, training.ruleset_hash, {name: d.sha256 for name, d in datasets.items()}),
            "iterationsRun": run.iterations_run,
            "bestIteration": run.best_iteration,
            "stoppedEarly": run.stopped_early,
        },
    )
    return Trained(model, run, training_eval, validation_eval, datasets)


def choose_cutoff(network: Network, validation: Dataset | None, given: float | None) -> tuple[float, str]:
    """The model's cutoff and where it came from: the option, validation's best MCC, or 0.5."""
    if given is not None:
        return given, "option"
    if validation is not None and len(validation.y):
        scores = network.scores(validation.x)
        best, best_mcc = optimal_cutoff(validation.y, scores, validation.pruned_targets)
        if compute_metrics(validation.y, scores, validation.pruned_targets, best).mcc is not None and best_mcc > 0:
            return min(1.0, best), "validation"
    return DEFAULT_CUTOFF, "default"


def evaluate_model(model: ModelFile, testing_file: Path, cutoff: float | None = None) -> tuple[Evaluation, Dataset]:
    """Score a vector file with a trained model; `cutoff` defaults to the model's."""
    testing = load_dataset(testing_file, features=model.network.feature_names)
    return evaluate(model.network, testing, model.cutoff if cutoff is None else cutoff), testing
