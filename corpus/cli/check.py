"""`corpus check`: the rubric checks over the corpus, as findings or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from corpus.cli.common import SetOrPath, corpus_root, reports_errors
from corpus.progress import progress

PROGRESS_FROM = 200  # pages; smaller checks finish before a bar would help


@click.command()
@click.argument("paths", nargs=-1, type=SetOrPath(path_type=Path))
@click.option("--drift", is_flag=True, help="Also list pages last changed before the rubric's last version bump.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@click.pass_context
@reports_errors
def check(ctx: click.Context, paths: tuple[Path, ...], drift: bool, as_json: bool) -> None:
    """Check samples against the rubric (PATHS: pages, set folders, resources; default: all).

    Reports each problem as `path:line: message` and exits 1 if there is any
    (kinds the rubric's `checks:` makes warnings print as `path:line: warning: ...`
    and do not fail): undeclared label types (with the closest declared one), `BAD` evaluator
    leftovers, labels not matching their type's selector, target counts, names
    breaking the naming rule, ids used twice, naming groups spanning sets, orphan or
    missing resources (one line per page), pages still inlining data: URLs, and
    resources not stored as Git LFS pointers.
    """
    from corpus.check.check import iter_findings, resolve_scope

    root = corpus_root(ctx)
    scope = resolve_scope(root.resolve(), list(paths))
    pages = len(scope.samples)
    show_progress = pages >= PROGRESS_FROM and not as_json
    printed = errors = 0
    with progress("checking", pages, show_progress) as advance:
        # Each finding is printed (and flushed) as it is found: a 100,000-page check
        # shows its first problems at once, and holds no list of them.
        findings = iter_findings(root, list(paths), drift, on_page=lambda: advance(1), scope=scope)
        for printed, finding in enumerate(findings, start=1):
            errors += finding.is_error
            if as_json:
                click.echo(("[\n" if printed == 1 else ",\n") + _indented(finding.to_json()), nl=False)
            else:
                if show_progress and sys.stderr.isatty() and sys.stdout.isatty():
                    click.echo("\r\033[K", nl=False, err=True)  # the bar's line: the finding takes it
                click.echo(str(finding))
    if as_json:
        click.echo("\n]" if printed else "[]")
    elif printed:
        click.echo(_summary(errors, printed - errors, pages), err=True)
    sys.exit(1 if errors else 0)


def _summary(errors: int, warnings: int, pages: int) -> str:
    counted = f"{errors} problem(s)" + (f" and {warnings} warning(s)" if warnings else "")
    return f"{counted} in {pages} page(s) checked"


def _indented(item: dict[str, object]) -> str:
    """One item of the list as `echo_json` would print it inside the list."""
    return "\n".join("  " + line for line in json.dumps(item, indent=2, sort_keys=True).splitlines())
