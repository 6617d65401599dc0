"""`corpus test` and `corpus histogram`: measuring a model, and looking at rule scores."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from corpus.cli.common import SetOrPath, echo_json, needs_plotting, reports_errors
from corpus.cli.completion import RULE, TRAINEE, ModelPath
from corpus.cli.fathomopts import (
    VectorizeOptions,
    cache_option,
    cutoff_option,
    ruleset_option,
    vectorizing_options,
)
from corpus.cli.scheduler import scheduler_option

SET_HELP = "a vector file, or a set folder (samples/<set>) vectorized first, incrementally"


@click.command()
@click.argument("testing", type=SetOrPath(exists=True, path_type=Path))
@click.argument("model", type=ModelPath())
@cutoff_option("Score at which a candidate counts as a target [default: the model's cutoff, chosen on validation].")
@click.option("-v", "--verbose", is_flag=True, help="Show per-tag results: each target and error with its score.")
@click.option("--trainee", type=TRAINEE, metavar="TYPE", help="The type, to vectorize a folder [default: the model's].")
@ruleset_option
@cache_option("testing")
@vectorizing_options
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
    testing_cache: Path | None,
    vectorizing: VectorizeOptions,
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
    testing_file = vectors_for(testing, trainee or loaded.trainee, ruleset, testing_cache,
                               vectorizing.tabs, vectorizing.delay, scheduler=scheduler,
                               show_browser=vectorizing.show_browser)
    evaluation, _ = evaluate_model(loaded, testing_file, cutoff)
    if as_json:
        echo_json({**evaluation_to_json(evaluation), "cutoffChosenOn": "option" if cutoff is not None else
                   loaded.cutoff_chosen_on})
        return
    if cutoff is None and loaded.cutoff_chosen_on == "validation":
        click.echo(f"Cutoff {loaded.cutoff:.4f}: the model's, chosen on its validation set.\n")
    click.echo(metrics_text("Testing", evaluation.metrics))
    if verbose:
        click.echo("\n" + pages_text("Testing", evaluation.pages))


@click.command()
@click.argument("set_", metavar="SET", type=SetOrPath(exists=True, path_type=Path))
@click.option("--trainee", type=TRAINEE, metavar="TYPE", help="The type, to vectorize a folder.")
@ruleset_option
@click.option("--rule", "rules", type=RULE, multiple=True, metavar="RULE", help="Show only this rule (repeatable) [default: all].")
@click.option("-b", "--buckets", type=click.IntRange(min=1), default=10, show_default=True,
              help="Buckets for rules with values other than 0 and 1.")
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the histograms into this PNG (shares per class, counts on the bars).",
)
@vectorizing_options
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
    vectorizing: VectorizeOptions,
    scheduler: str | None,
    as_json: bool,
) -> None:
    """Per rule, how its scores on SET split between targets and non-targets.

    SET is a vector file or a set folder. Each class is shown as shares of its
    own size: a rule whose two bars look alike does not tell targets apart.
    Pruned targets have no scores and are not shown.
    """
    from trainer.dataset import load_dataset
    from trainer.histogram import feature_histograms, histograms_text
    from trainer.plots import histograms_plot
    from trainer.sources import vectors_for

    if png is not None:
        needs_plotting()
    vectors = vectors_for(set_, trainee, ruleset, tabs=vectorizing.tabs, delay=vectorizing.delay, scheduler=scheduler,
                          show_browser=vectorizing.show_browser)
    dataset = load_dataset(vectors, features=list(rules) or None)
    histograms = feature_histograms(dataset, buckets)
    if png is not None:
        histograms_plot(histograms, png)
    if as_json:
        echo_json([asdict(h) for h in histograms])
        return
    click.echo(histograms_text(histograms))
    if png is not None:
        click.echo(f"\nwrote {png}")
