"""`corpus train`, `test` and `histogram`: the click layer over trainer/."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from corpus.cli.common import (
    SetOrPath,
    corpus_root,
    echo_json,
    reports_errors,
    shown_path,
)
from corpus.cli.scheduler import scheduler_option
from corpus.errors import CorpusError
from corpus.progress import progress

if TYPE_CHECKING:
    from trainer.pipeline import Trained
    from trainer.train import IterationHook

SET_HELP = "a vector file, or a set folder (samples/<set>) vectorized first, incrementally"


def _root_or_none(ctx: click.Context) -> Path | None:
    try:
        return corpus_root(ctx)
    except CorpusError:
        return None  # plain vector files can be trained on outside any corpus


@contextmanager
def _progress(iterations: int, show: bool) -> Iterator[IterationHook | None]:
    """Training progress on stderr; yields an iteration hook (or None)."""
    with progress("training", iterations, show) as advance:
        yield lambda t, loss, validation_loss: advance(1)


def _chain(*hooks: IterationHook | None) -> IterationHook | None:
    live = [h for h in hooks if h is not None]
    if not live:
        return None

    def both(t: int, loss: float, validation_loss: float | None) -> None:
        for hook in live:
            hook(t, loss, validation_loss)

    return both


@click.command()
@click.argument("training", type=SetOrPath(exists=True, path_type=Path))
@click.option(
    "-a",
    "--validation-set",
    "validation",
    type=SetOrPath(exists=True, path_type=Path),
    metavar="VALIDATION",
    help=f"Validation samples ({SET_HELP}): shows overfitting; needed by -s.",
)
@click.option(
    "--trainee",
    metavar="TYPE",
    help="The type being trained: names the model file models/TYPE.json and is needed to vectorize folders.",
)
@click.option(
    "-r",
    "--ruleset",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The ruleset for vectorizing folders [default: rulesets.py at the corpus root].",
)
@click.option(
    "-s",
    "--stop-early",
    is_flag=True,
    help="Stop when validation loss stops falling and keep the weights of its lowest point.",
)
@click.option(
    "--patience",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With -s: iterations without a new lowest validation loss before stopping.",
)
@click.option(
    "-l",
    "--learning-rate",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Adam's learning rate. Lower it by 10x if the loss oscillates.",
)
@click.option(
    "-i",
    "--iterations",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Training iterations (each sees every candidate once).",
)
@click.option(
    "-p",
    "--pos-weight",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Weight of targets in the loss: raise it to trade precision for recall.",
)
@click.option("-c", "--comment", default="", help="Appended to the TensorBoard run name (runs/).")
@click.option("-q", "--quiet", is_flag=True, help="Hide the per-tag results.")
@click.option(
    "-t",
    "--confidence-threshold",
    "cutoff",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Score at which a candidate counts as a target; saved as the model's cutoff.",
)
@click.option(
    "-y",
    "--layer",
    "layers",
    type=click.IntRange(min=1),
    multiple=True,
    help="Add a ReLU hidden layer of this size (repeatable, in order). The model then has no "
    "per-rule coefficients to paste into a ruleset.",
)
@click.option(
    "-x",
    "--exclude",
    multiple=True,
    metavar="RULE",
    help="Leave a rule out (repeatable): compare runs to see what a rule is worth.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the initial weights: same seed, same model."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the model file [default: models/TYPE.json when --trainee is given].",
)
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Print the model and all numbers as JSON.")
@click.pass_context
@reports_errors
def train(
    ctx: click.Context,
    training: Path,
    validation: Path | None,
    trainee: str | None,
    ruleset: Path | None,
    stop_early: bool,
    patience: int,
    learning_rate: float,
    iterations: int,
    pos_weight: float | None,
    comment: str,
    quiet: bool,
    cutoff: float,
    layers: tuple[int, ...],
    exclude: tuple[str, ...],
    seed: int,
    output: Path | None,
    scheduler: str | None,
    as_json: bool,
) -> None:
    """Train a recognizer for one type from TRAINING (a vector file or a set folder).

    The model is Fathom's: logistic regression over the ruleset's rule scores
    (optionally with hidden layers), trained with Adam on the summed
    binary cross-entropy of every candidate node, full batch. Prints the
    coefficients in the shape a ruleset pastes in, accuracy, FPR, FNR with 95%
    intervals, precision, recall, MCC, the confusion matrix, the cutoff with the
    best MCC, and per page the targets and errors with their scores.

    Pruned targets (labeled nodes no candidate selector picked) count as false
    negatives. With tensorboard installed, loss curves go to runs/ (see them with
    `tensorboard --logdir runs/`).
    """
    from trainer.modelfile import model_path, model_to_json, save_model
    from trainer.pipeline import train_model
    from trainer.report import evaluation_to_json
    from trainer.sources import vectors_for
    from trainer.tensorboard import tensorboard_log
    from trainer.train import Hyperparameters

    root = _root_or_none(ctx)
    training_file = vectors_for(training, trainee, ruleset, scheduler)
    validation_file = vectors_for(validation, trainee, ruleset, scheduler) if validation is not None else None
    hp = Hyperparameters(
        learning_rate=learning_rate,
        iterations=iterations,
        pos_weight=pos_weight,
        layers=layers,
        stop_early=stop_early,
        patience=patience,
        seed=seed,
        exclude=exclude,
    )
    with tensorboard_log(hp, comment) as log, _progress(iterations, not as_json) as bar:
        trained = train_model(training_file, hp, validation_file, cutoff, trainee, root, _chain(log, bar))

    out = output
    if out is None and trainee is not None:
        out = model_path(root if root is not None else Path.cwd(), trainee)
    if out is not None:
        save_model(trained.model, out)

    if as_json:
        data = {
            "model": model_to_json(trained.model),
            "training": evaluation_to_json(trained.training),
            "modelFile": str(out) if out is not None else None,
            "stoppedEarly": trained.run.stopped_early,
        }
        if trained.validation is not None:
            data["validation"] = evaluation_to_json(trained.validation)
        echo_json(data)
        return
    _print_training(trained, quiet)
    if out is not None:
        click.echo(f"\nwrote {shown_path(out, root)}")


def _print_training(trained: Trained, quiet: bool) -> None:
    from trainer.report import metrics_text, pages_text, timing_text, weights_text

    run = trained.run
    click.echo(weights_text(run.network))
    if run.best_iteration is not None:
        best = run.best_iteration
        how = f"Stopped early after {run.iterations_run} iterations" if run.stopped_early else "Ran all iterations"
        click.echo(
            f"\n{how}; kept the weights of iteration {best}, "
            f"where validation loss was lowest ({run.validation_loss[best]:.4f})."
        )
    click.echo("\n" + metrics_text("Training", trained.training.metrics))
    if trained.validation is not None:
        click.echo("\n" + metrics_text("Validation", trained.validation.metrics))
    timing = timing_text([p.time for d in trained.datasets.values() for p in d.vectors.pages if p.time])
    if timing:
        click.echo("\n" + timing)
    if not quiet:
        click.echo("\n" + pages_text("Training", trained.training.pages))
        if trained.validation is not None:
            click.echo("\n" + pages_text("Validation", trained.validation.pages))


@click.command()
@click.argument("testing", type=SetOrPath(exists=True, path_type=Path))
@click.argument("model")
@click.option(
    "-t",
    "--confidence-threshold",
    "cutoff",
    type=click.FloatRange(0, 1),
    default=None,
    help="Score at which a candidate counts as a target [default: the model's cutoff].",
)
@click.option("-v", "--verbose", is_flag=True, help="Show per-tag results: each target and error with its score.")
@click.option("--trainee", metavar="TYPE", help="The type, to vectorize a folder [default: the model's].")
@click.option(
    "-r",
    "--ruleset",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The ruleset for vectorizing a folder [default: rulesets.py at the corpus root].",
)
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Print the numbers (and per-page results) as JSON.")
@reports_errors
def test(
    testing: Path,
    model: str,
    cutoff: float | None,
    verbose: bool,
    trainee: str | None,
    ruleset: Path | None,
    scheduler: str | None,
    as_json: bool,
) -> None:
    """Measure a trained MODEL on TESTING (a vector file or a set folder).

    MODEL is a model file written by `corpus train`, or the old trainer's weights
    as a string: '{"coeffs": [["rule", 1.2], ...], "bias": -3.4}'. Testing
    samples are burned once measured: fold them into training afterwards.
    """
    from trainer.modelfile import load_model_or_weights
    from trainer.pipeline import evaluate_model
    from trainer.report import evaluation_to_json, metrics_text, pages_text
    from trainer.sources import vectors_for

    loaded = load_model_or_weights(model)
    testing_file = vectors_for(testing, trainee or loaded.trainee, ruleset, scheduler)
    evaluation, _ = evaluate_model(loaded, testing_file, cutoff)
    if as_json:
        echo_json(evaluation_to_json(evaluation))
        return
    click.echo(metrics_text("Testing", evaluation.metrics))
    if verbose:
        click.echo("\n" + pages_text("Testing", evaluation.pages))


@click.command()
@click.argument("set_", metavar="SET", type=SetOrPath(exists=True, path_type=Path))
@click.option("--trainee", metavar="TYPE", help="The type, to vectorize a folder.")
@click.option(
    "-r",
    "--ruleset",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The ruleset for vectorizing a folder [default: rulesets.py at the corpus root].",
)
@click.option("--rule", "rules", multiple=True, metavar="RULE", help="Show only this rule (repeatable) [default: all].")
@click.option(
    "-b",
    "--buckets",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Buckets for rules with values other than 0 and 1.",
)
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="Also draw the histograms into this PNG.")
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Print the bucket counts as JSON.")
@reports_errors
def histogram(
    set_: Path,
    trainee: str | None,
    ruleset: Path | None,
    rules: tuple[str, ...],
    buckets: int,
    png: Path | None,
    scheduler: str | None,
    as_json: bool,
) -> None:
    """Per rule, how its scores on SET split between targets and non-targets.

    SET is a vector file or a set folder. Each class is shown as shares of its
    own size: a rule whose two bars look alike does not tell targets apart.
    Pruned targets have no scores and are not shown.
    """
    from dataclasses import asdict

    from trainer.dataset import load_dataset
    from trainer.histogram import feature_histograms, histograms_png, histograms_text
    from trainer.sources import vectors_for

    dataset = load_dataset(vectors_for(set_, trainee, ruleset, scheduler), features=list(rules) or None)
    histograms = feature_histograms(dataset, buckets)
    if png is not None:
        histograms_png(histograms, png)
    if as_json:
        echo_json([asdict(h) for h in histograms])
        return
    click.echo(histograms_text(histograms))
    if png is not None:
        click.echo(f"\nwrote {png}")
