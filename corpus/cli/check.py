"""`corpus check` and `corpus hooks ...`: the rubric checks and the git hooks that run them."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import click

from corpus.cli.common import SetOrPath, corpus_root, echo_json, reports_errors
from corpus.errors import BadInput
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

    Reports each problem as `path:line: message` and exits 1 if there is any:
    undeclared label types (with the closest declared one), `BAD` evaluator
    leftovers, labels not matching their type's selector, target counts, names
    breaking the naming rule, ids used twice, orphan or missing resources, pages
    still inlining data: URLs, and resources not stored as Git LFS pointers.
    """
    from corpus.check.check import iter_findings, resolve_scope

    root = corpus_root(ctx)
    pages = len(resolve_scope(root, list(paths)).samples)
    show_progress = pages >= PROGRESS_FROM and not as_json
    problems = 0
    with progress("checking", pages, show_progress) as advance:
        # Each finding is printed (and flushed) as it is found: a 100,000-page check
        # shows its first problems at once, and holds no list of them.
        findings = iter_findings(root, list(paths), drift, on_page=lambda: advance(1))
        for problems, finding in enumerate(findings, start=1):
            if as_json:
                click.echo(("[\n" if problems == 1 else ",\n") + _indented(finding.to_json()), nl=False)
            else:
                if show_progress and sys.stderr.isatty() and sys.stdout.isatty():
                    click.echo("\r\033[K", nl=False, err=True)  # the bar's line: the finding takes it
                click.echo(str(finding))
    if as_json:
        click.echo("\n]" if problems else "[]")
    elif problems:
        click.echo(f"{problems} problem(s) in {pages} page(s) checked", err=True)
    sys.exit(1 if problems else 0)


def _indented(item: dict[str, object]) -> str:
    """One item of the list as `echo_json` would print it inside the list."""
    return "\n".join("  " + line for line in json.dumps(item, indent=2, sort_keys=True).splitlines())


@click.group()
def hooks() -> None:
    """The git hooks that enforce the rubric at commit time."""


@hooks.command("install")
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@click.pass_context
@reports_errors
def hooks_install(ctx: click.Context, as_json: bool) -> None:
    """Wire (or repair) the hooks of this clone: Git LFS first, then pre-commit (never
    forced), then the clone's hook launcher, which records this corpus installation so
    commits work without it on PATH. Run it once in every fresh clone."""
    from corpus.samples.hookwiring import CONFIG, migrate_config, repair_hooks

    root = corpus_root(ctx)
    state = repair_hooks(root)
    if migrate_config(root):
        click.echo(f"note: updated {CONFIG}: its corpus hooks now run through this clone's launcher, "
                   "not PATH; commit it", err=True)
    if as_json:
        echo_json(state)
    else:
        _print_state(state)
    if not (root / ".pre-commit-config.yaml").exists():
        click.echo("note: no .pre-commit-config.yaml here: run `corpus init` to write one", err=True)
    sys.exit(0 if all(state.values()) else 1)


@hooks.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@click.pass_context
@reports_errors
def hooks_status(ctx: click.Context, as_json: bool) -> None:
    """Say whether the Git LFS and pre-commit hooks are installed (exit 1 if not)."""
    from corpus.samples.hookwiring import hooks_installed

    state = hooks_installed(corpus_root(ctx))
    if as_json:
        echo_json(state)
    else:
        _print_state(state)
    sys.exit(0 if all(state.values()) else 1)


@hooks.command("run", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("files", nargs=-1, type=SetOrPath(path_type=Path))
@click.pass_context
@reports_errors
def hooks_run(ctx: click.Context, name: str, files: tuple[Path, ...]) -> None:
    """Run hook NAME (a module of the `hooks` package: check, extract, lfs, ...) on FILES.

    This is what `.pre-commit-config.yaml` calls; pre-commit passes the staged files.
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise BadInput(f"{name}: not a hook name")
    try:
        module = importlib.import_module(f"hooks.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"hooks.{name}":
            raise
        raise BadInput(f"{name}: no such hook (see hooks/ in the corpus tool)") from None
    from corpus.samples.recovery import settled_tree

    root = corpus_root(ctx, recover=False)  # a commit holds git's index lock: nothing to finish from here
    with settled_tree(root):
        status = module.main(root, list(files))
    sys.exit(status)


def _print_state(state: dict[str, bool]) -> None:
    for part, ok in state.items():
        click.echo(f"{part}: {'installed' if ok else 'NOT installed (run `corpus hooks install`)'}")
