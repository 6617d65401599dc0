"""The `corpus` command: a thin click layer over the plain functions in this package.

Each area keeps its commands in its own `cli_<area>.py` module; they are registered
at the bottom of this file.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from corpus import __version__
from corpus.errors import CorpusError
from corpus.samples import find_root

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn a CorpusError into one line on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CorpusError as e:
            click.echo(f"corpus: error: {e}", err=True)
            sys.exit(e.exit_code)

    return wrapper  # type: ignore[return-value]


def corpus_root(ctx: click.Context) -> Path:
    """The corpus the command works on: `-C DIR`, else the one around the cwd."""
    return find_root(ctx.find_root().params.get("directory") or Path.cwd())


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpus")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run as if started in DIR (like git -C).",
)
def main(directory: Path | None) -> None:
    """Keep a labeled web-page corpus in git and train recognizers from it."""


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def init(ctx: click.Context, directory: Path | None) -> None:
    """Make DIR (default: here) a corpus repository, or repair one.

    Creates the samples/ sets and rubric, the Git LFS rule for resources, and the
    hooks (Git LFS's first, then pre-commit's). Never touches a sample.
    """
    from corpus.init import init_corpus

    base = ctx.find_root().params.get("directory") or Path.cwd()
    report = init_corpus(base / directory if directory else base)
    if report.created:
        for item in report.created:
            click.echo(f"created {item}")
    click.echo(f"corpus ready at {report.root}")


# Commands of each area, registered here.
from corpus.cli_samples import add, list_, pick, split, status  # noqa: E402

for command in (add, list_, status, pick, split):
    main.add_command(command)
from corpus.cli_check import check, hooks  # noqa: E402

main.add_command(check)
main.add_command(hooks)
from corpus.cli_vectorize import vectorize  # noqa: E402
main.add_command(vectorize)
from corpus.cli_images import crops, predict_images, train_images  # noqa: E402
main.add_command(crops)
main.add_command(train_images)
main.add_command(predict_images)
from corpus.cli_train import histogram, metrics_, retrain, test, train  # noqa: E402
for command in (train, test, histogram, retrain, metrics_):
    main.add_command(command)
from corpus.cli_extract import extract, inline  # noqa: E402
main.add_command(extract)
main.add_command(inline)
