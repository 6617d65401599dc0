"""`corpus ship`: write a trained model's weights into the ruleset file, and check them in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from corpus.cli.common import (
    SetName,
    corpus_root,
    echo_json,
    reports_errors,
    shown_path,
)
from corpus.cli.completion import TRAINEE

if TYPE_CHECKING:
    from trainer.shipping import ShipOutcome


@click.command()
@click.option("--trainee", type=TRAINEE, metavar="TYPE", help="The type to ship [default: the only model in models/].")
@click.option("--model", "model_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The model file [default: models/TYPE.json].")
@click.option("--verify", "verify", type=SetName(), metavar="SET",
              help="Score this set in the browser after writing [default: validation, else testing].")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.argument("ruleset", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def ship(ctx: click.Context, trainee: str | None, model_file: Path | None, verify: str | None, as_json: bool,
         ruleset: Path | None) -> None:
    """Write the model's coefficients and bias into RULESET, changing only those numbers.

    RULESET defaults to training.yaml's `ruleset:` for the type, else rulesets.py
    (rulesets.js when it is the only one). A comment line records the model and its
    cutoff; `corpus status` says when the ruleset is behind the model file. A
    JavaScript ruleset is then run in Chromium with fathom-web's own scoring on the
    verify set, and every candidate's score compared with the model's: exit status 1
    when the largest difference is above 1e-4. Rules that differ between the model and
    the file are refused (exit status 2) and nothing is written.
    """
    from trainer.shipping import ship_inputs, ship_model

    root = corpus_root(ctx)
    trainee, model_file, ruleset = ship_inputs(root, trainee, model_file, ruleset)
    outcome = ship_model(root, trainee, model_file, ruleset, verify)
    _print(outcome, root, trainee, model_file, ruleset, as_json)
    if not outcome.verified:
        ctx.exit(1)


def _print(outcome: ShipOutcome, root: Path, trainee: str, model_file: Path, ruleset: Path, as_json: bool) -> None:
    if as_json:
        echo_json({"ruleset": shown_path(ruleset, root), "trainee": trainee, "model": shown_path(model_file, root),
                   **outcome.to_json()})
    else:
        done = "wrote" if outcome.report.changed else "already held"
        click.echo(f"{shown_path(ruleset, root)}: {done} {outcome.report.numbers} weights of {shown_path(model_file, root)}")
        if outcome.check_text() is not None:
            click.echo(outcome.check_text())
