"""`corpus retrain` and `corpus metrics`: models that follow the corpus, and their history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from corpus.cli.common import corpus_root, echo_json, reports_errors, shown_path
from corpus.cli.completion import TRAINEE
from corpus.cli.scheduler import scheduler_option

if TYPE_CHECKING:
    from trainer.retrain import RetrainResult


@click.command()
@click.option(
    "--trainee",
    "trainees",
    type=TRAINEE,
    multiple=True,
    metavar="TYPE",
    help="Retrain only this type (repeatable) [default: every type in training.yaml].",
)
@click.option(
    "--force", is_flag=True, help="Train even when nothing changed, and write the model even when it looks wrong."
)
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.pass_context
@reports_errors
def retrain(ctx: click.Context, trainees: tuple[str, ...], force: bool, scheduler: str | None, as_json: bool) -> None:
    """Re-vectorize what changed and retrain models whose inputs changed.

    Hyperparameters come from training.yaml at the corpus root (committed with the
    samples); each type's model goes to models/TYPE.json. A model is trained
    again only when its vector files, the ruleset or its hyperparameters differ
    from what its model file records; otherwise this says "up to date". Commit
    the vectors and models afterwards so `corpus metrics` can compare revisions.

    \b
    training.yaml:
      trainees:
        login:
          iterations: 1000
          stop_early: true
          patience: 20
          exclude: [someRule]
    (other keys: learning_rate, pos_weight, layers, seed, cutoff, validation, ruleset,
    ship: true to write each kept model into the ruleset, checked in the browser
    as `corpus ship` checks it, exit status 1 when it fails; ship_verify: false
    skips that check)
    A top-level `scheduler: tcp://HOST:8786` renders on that Dask cluster.
    """
    from trainer.retrain import retrain as retrain_models

    root = corpus_root(ctx)
    results = retrain_models(root, list(trainees) or None, force, progress=not as_json, scheduler=scheduler)
    if as_json:
        echo_json([r.to_json(shown_path(r.model_file, root)) for r in results])
    else:
        _print_retrained(results, root)
    if any(r.ship_failure() for r in results) or (not as_json and any(r.kept_existing for r in results)):
        ctx.exit(1)


def _print_retrained(results: list[RetrainResult], root: Path) -> None:
    for r in results:
        for warning in r.warnings:
            click.echo(f"corpus: warning: {r.trainee}: {warning}", err=True)
        if r.kept_existing:
            click.echo(f"corpus: {r.kept_existing}", err=True)
        else:
            click.echo(f"{shown_path(r.model_file, root)}: {r.summary()}")
        if r.ship_failure():
            click.echo(f"corpus: error: {r.ship_failure()}", err=True)


@click.command(name="metrics")
@click.argument("rev", required=False)
@click.option("--diff", "base", metavar="REV", help="Show the change from REV to the first revision.")
@click.option("--trainee", "trainees", type=TRAINEE, multiple=True, metavar="TYPE", help="Only this type (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@reports_errors
def metrics_(ctx: click.Context, rev: str | None, base: str | None, trainees: tuple[str, ...], as_json: bool) -> None:
    """Show the metrics the model files record at REV (default: the working tree).

    With --diff OLD, show each number at OLD and at REV and the change:
    `corpus metrics --diff HEAD` tells whether uncommitted work helped,
    `corpus metrics HEAD --diff HEAD~1` what the last commit did. Each type's
    ruleset is read too: whether it holds that revision's model (`corpus ship`),
    and the numbers of the model it holds, which is what ships.
    """
    from trainer.history import (
        diff_json,
        diff_text,
        metrics_diff,
        metrics_json,
        metrics_text,
        models_at,
    )
    from trainer.shipped import shipped_at

    root = corpus_root(ctx)
    where = rev or "worktree"

    def pick(models: dict) -> dict:
        return {k: v for k, v in models.items() if not trainees or k in trainees}

    new = pick(models_at(root, rev))
    new_shipped = shipped_at(root, rev, list(new))
    if base is None:
        if as_json:
            echo_json(metrics_json(new, new_shipped))
        else:
            click.echo(metrics_text(new, where, new_shipped))
        return
    old = pick(models_at(root, base))
    old_shipped = shipped_at(root, base, list(old))
    changes = metrics_diff(old, new, old_shipped, new_shipped)
    if as_json:
        echo_json(diff_json(changes, old_shipped, new_shipped))
    else:
        click.echo(diff_text(changes, base, where, old_shipped, new_shipped))
