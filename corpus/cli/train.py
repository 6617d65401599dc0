"""`corpus train`: the click layer over trainer/command.py (parses the options, prints the outcome)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from corpus.cli.common import (
    SetOrPath,
    corpus_root,
    echo_json,
    needs_plotting,
    reports_errors,
    shown_path,
)
from corpus.cli.completion import RULE, TRAINEE
from corpus.cli.fathomopts import (
    FiniteFloat,
    VectorizeOptions,
    cache_option,
    cutoff_option,
    ruleset_option,
    vectorizing_options,
)
from corpus.cli.scheduler import scheduler_option
from corpus.errors import BadInput, CorpusError
from corpus.progress import progress

if TYPE_CHECKING:
    from trainer.command import TrainOutcome
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


@click.command()
@click.argument("training", type=SetOrPath(exists=True, path_type=Path))
@click.option(
    "-a",
    "--validation-set",
    "validation",
    type=SetOrPath(exists=True, path_type=Path),
    metavar="VALIDATION",
    help=f"Validation samples ({SET_HELP}): guides early stopping and chooses the cutoff.",
)
@click.option(
    "--trainee",
    type=TRAINEE,
    metavar="TYPE",
    help="The type being trained: names the model file models/TYPE.json and is needed to vectorize folders.",
)
@ruleset_option
@cache_option("training")
@cache_option("validation")
@vectorizing_options
@click.option(
    "-s/-S",
    "--stop-early/--no-early-stopping",
    default=True,
    show_default="--stop-early",
    help="Stop when validation loss rises and keep the weights of its lowest point (fathom 3.7's "
    "default; needs -a, else every iteration runs).",
)
@click.option(
    "--patience",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="With early stopping: iterations without a new lowest validation loss before stopping "
    "(fathom stops at the first rise: 1).",
)
@click.option(
    "-l",
    "--learning-rate",
    type=FiniteFloat(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Adam's learning rate. Lower it by 10x if the loss oscillates (see --plot).",
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
    type=FiniteFloat(min=0, min_open=True),
    default=None,
    help="Weight of targets in the loss: raise it to trade precision for recall.",
)
@click.option(
    "-c",
    "--comment",
    default="",
    help="Appended to the TensorBoard run name (runs/); needs tensorboard (pip install 'corpus[tensorboard]').",
)
@click.option("-q", "--quiet", is_flag=True, help="Hide the per-tag results.")
@cutoff_option("Score at which a candidate counts as a target, saved as the model's cutoff "
               "[default: the cutoff with the best MCC on the validation set; 0.5 without one].")
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
    type=RULE,
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
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.png",
    help="Draw the loss per iteration (kept iteration marked) and the precision-recall curve "
    "(cutoff marked) into this PNG.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Write the model even over a better one when this run looks wrong (stopped at once, recalls nothing).",
)
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Print the model and all numbers as JSON.")
@click.pass_context
@reports_errors
def train(ctx: click.Context, training: Path, validation: Path | None, trainee: str | None, ruleset: Path | None,
          training_cache: Path | None, validation_cache: Path | None, vectorizing: VectorizeOptions,
          stop_early: bool, patience: int, learning_rate: float, iterations: int, pos_weight: float | None,
          comment: str, quiet: bool, cutoff: float | None, layers: tuple[int, ...], exclude: tuple[str, ...],
          seed: int, output: Path | None, plot: Path | None, overwrite: bool, scheduler: str | None,
          as_json: bool) -> None:
    """Train a recognizer for one type from TRAINING (a vector file or a set folder).

    The model is Fathom's: logistic regression over the ruleset's rule scores
    (optionally with hidden layers), trained with Adam on the summed
    binary cross-entropy of every candidate node, full batch. As in fathom 3.7,
    early stopping is on: the weights kept are those of the lowest validation
    loss. The cutoff is chosen on the validation set and recorded in the model
    file, so `corpus test` applies it to testing samples it never saw.

    Prints the coefficients in the shape a ruleset pastes in, accuracy, FPR and
    FNR with 95% Wilson intervals, precision, recall, MCC, the confusion matrix,
    and per page the targets and errors with their scores. Pruned targets
    (labeled nodes no candidate selector picked) count as false negatives. With
    tensorboard installed, loss curves also go to runs/.
    """
    from trainer.command import TrainOptions, Vectorizing, train_command
    from trainer.hyperparameters import Hyperparameters

    _before_any_work(ctx, plot is not None, stop_early and validation is None, comment)
    options = TrainOptions(
        training, validation, trainee,
        Hyperparameters(learning_rate, iterations, pos_weight, layers, stop_early, patience, seed, exclude),
        cutoff, output, overwrite, plot, comment,
        Vectorizing(ruleset, training_cache, validation_cache, vectorizing.tabs, vectorizing.delay, scheduler,
                    vectorizing.show_browser),
        root=_root_or_none(ctx))
    with _progress(iterations, not as_json) as bar:
        outcome = train_command(options, bar)
    _print_outcome(outcome, as_json, quiet, options.root)
    if outcome.kept_existing:
        ctx.exit(1)


def _before_any_work(ctx: click.Context, plotting: bool, stop_early_blind: bool, comment: str) -> None:
    """Refuse what cannot be done (a plot without matplotlib, -s typed without a validation set
    to watch) and warn of what will not be (a run named for TensorBoard without it)."""
    from trainer.tensorboard import INSTALL_HINT, tensorboard_available

    if plotting:
        needs_plotting()
    if stop_early_blind and ctx.get_parameter_source("stop_early") not in (None, ParameterSource.DEFAULT):
        raise BadInput("-s/--stop-early needs a validation set (-a VALIDATION) to watch")
    if comment and not tensorboard_available():
        click.echo(f"corpus: warning: -c: tensorboard is not installed, so no run is logged ({INSTALL_HINT})", err=True)


def _print_outcome(outcome: TrainOutcome, as_json: bool, quiet: bool, root: Path | None) -> None:
    if as_json:
        echo_json(outcome.to_json())
    else:
        _print_training(outcome.trained, quiet)
        if outcome.plot is not None:
            click.echo(f"\nwrote {shown_path(outcome.plot, root)}")
        if outcome.written is not None:
            click.echo(f"\nwrote {shown_path(outcome.written, root)}")
    for warning in outcome.warnings:
        click.echo(f"corpus: warning: {warning}", err=True)
    if outcome.kept_existing:
        click.echo(f"corpus: {outcome.kept_existing}", err=True)


def _print_training(trained: Trained, quiet: bool) -> None:
    from trainer.report import metrics_text, pages_text, timing_text, weights_text

    run, model = trained.run, trained.model
    click.echo(weights_text(run.network))
    if run.early_stopping and run.best_iteration is not None:
        best = run.best_iteration
        how = f"Stopped early after {run.iterations_run} iterations" if run.stopped_early else "Ran all iterations"
        click.echo(
            f"\n{how}; kept the weights of iteration {best}, "
            f"where validation loss was lowest ({run.validation_loss[best]:.4f})."
        )
    elif run.early_stopping is False and trained.validation is None and model.hyperparameters.get("stop_early"):
        click.echo(f"\nNo validation set (-a), so no early stopping: ran all {run.iterations_run} iterations.")
    chosen = {
        "validation": "chosen on the validation set (its best MCC); `corpus test` applies it",
        "option": "given with -t",
        "default": "the default (no validation set to choose one on)",
    }[model.cutoff_chosen_on]
    click.echo(f"\nCutoff {model.cutoff:.4f}: {chosen}.")
    click.echo("\n" + metrics_text("Training", trained.training.metrics))
    if trained.validation is not None:
        click.echo("\n" + metrics_text("Validation", trained.validation.metrics))
    timing = timing_text([t for d in trained.datasets.values() for t in d.nodes.times if t])
    if timing:
        click.echo("\n" + timing)
    if not quiet:
        click.echo("\n" + pages_text("Training", trained.training.pages))
        if trained.validation is not None:
            click.echo("\n" + pages_text("Validation", trained.validation.pages))
