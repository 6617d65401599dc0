"""`corpus hooks install|status|run`: the git hooks (pre-commit, Git LFS) that run the checks."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import click

from corpus.cli.common import SetOrPath, corpus_root, echo_json, reports_errors
from corpus.errors import BadInput, escape_line


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
    from corpus.samples.hookwiring import config_problem, hooks_installed

    root = corpus_root(ctx)
    state = hooks_installed(root)
    if as_json:
        echo_json(state)
    else:
        _print_state(state)
    problem = config_problem(root)
    if problem:
        click.echo(f"corpus: error: {escape_line(problem)}", err=True)
    sys.exit(0 if all(state.values()) and problem is None else 1)


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
