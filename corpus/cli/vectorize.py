"""`corpus vectorize`: the click layer over corpus/vectors/vectorize.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from corpus.cli.common import SetName, corpus_root, echo_json, reports_errors
from corpus.cli.completion import TRAINEE
from corpus.cli.scheduler import scheduler_for, scheduler_option
from corpus.errors import BadInput
from corpus.store.lock import writer_lock
from corpus.tree.rubric import load_rubric


@click.command()
@click.argument("sets", nargs=-1, required=True, type=SetName())
@click.option("--trainee", "-t", type=TRAINEE, metavar="TYPE",
              help="The type to vectorize for (a trainee of the ruleset); default: the rubric's only type.")
@click.option("--ruleset", "ruleset_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The ruleset: a Python rulesets.py, or a Fathom rulesets.js run in headless Chromium "
                   "as FathomFox does [default: rulesets.py at the corpus root, else rulesets.js].")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The vector file (one SET only) [default: vectors/<set>_<type>.json].")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (each with its own browser when rendering).")
@click.option("--full", is_flag=True, help="Vectorize every page, ignoring the existing file.")
@click.option("--timings", is_flag=True,
              help="Record each page's vectorizing time in ms (else 0, so files only change when pages do).")
@click.option("--delay", type=click.FloatRange(min=0), default=0.0, show_default=True, metavar="SECONDS",
              help="Wait this long after each page loads before running the ruleset (fathom's --delay).")
@click.option("--emulate-firefox/--no-emulate-firefox", "firefox", default=True, show_default=True,
              help="JavaScript rulesets: show rules what FathomFox saw in Firefox where Chromium differs "
                   "(forms' real action/name beside controls named so, input.autocomplete, no scroll to "
                   "[autofocus]); turn off if you ship to Chromium.")
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report per set.")
@click.pass_context
@reports_errors
def vectorize(ctx: click.Context, sets: tuple[str, ...], trainee: str | None, ruleset_path: Path | None,
              out: Path | None, jobs: int, full: bool, timings: bool, delay: float, firefox: bool,
              scheduler: str | None, as_json: bool) -> None:
    """Write the feature vectors of each SET for a trainee, in the Fathom format.

    Incremental: only pages added or changed since the last run are vectorized
    again (all of them when the ruleset changed); deleted pages are dropped.
    Python rulesets render pages in headless Chromium only if a rule reads
    rendered facts (renders are cached in .corpus-cache/); a rulesets.js runs in
    Chromium on every page. A page whose ruleset throws, returns a non-number or
    cannot be rendered is named on stderr and left out; the others are written,
    and the exit status is 1.
    """
    from corpus.cluster.choice import vectorize_runner
    from corpus.vectors.vectorize import update_vectors

    root = corpus_root(ctx)
    runner = vectorize_runner(jobs, scheduler_for(root, scheduler))
    names = list(sets)
    if out is not None and len(names) != 1:
        raise BadInput("-o/--output needs exactly one SET")
    trainee = trainee or _only_type(root)
    reports = []
    with writer_lock(root):
        for name in names:
            reports.append(update_vectors(root, name, trainee, ruleset_path, out, runner, full=full, timings=timings,
                                          progress=not as_json, delay=delay, firefox=firefox))
    failed = [f for r in reports for f in r.failed]
    for failure in failed:
        click.echo(f"corpus: error: {failure.message}", err=True)
    if as_json:
        echo_json([r.as_json() for r in reports])
    else:
        _print_summary(root, reports)
    if failed:
        click.echo(f"corpus: {len(failed)} page(s) could not be vectorized; the others were written", err=True)
        sys.exit(1)


def _only_type(root: Path) -> str:
    """The trainee when none is given: the rubric's one type."""
    types = sorted(load_rubric(root).types)
    if len(types) != 1:
        raise BadInput(f"give --trainee (the rubric has {len(types)} types: {', '.join(types) or 'none'})")
    return types[0]


def _print_summary(root: Path, reports: list) -> None:
    for r in reports:
        try:
            shown = r.out.resolve().relative_to(root.resolve())
        except ValueError:
            shown = r.out
        removed = f", {len(r.removed)} removed" if r.removed else ""
        removed += f", {len(r.failed)} failed" if r.failed else ""
        click.echo(f"{shown}: {len(r.vectorized)} vectorized, {len(r.kept)} kept{removed}"
                   f" ({r.rendered} rendered){'' if r.changed else ', unchanged'}")
