"""The `corpus` command group: `-C`, `--version`, `init`, and every area's commands.

Each area keeps its commands in its own module of this package; the group imports
them, never the other way round.
"""

from __future__ import annotations

from pathlib import Path

import click

from corpus import __version__
from corpus.cli.check import check, hooks
from corpus.cli.extract import extract, inline
from corpus.cli.images import crops, predict_images, train_images
from corpus.cli.models import metrics_, retrain
from corpus.cli.samples import add, import_, init, list_, pick, split, status
from corpus.cli.train import histogram, test, train
from corpus.cli.vectorize import vectorize


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


for command in (
    init, add, import_, list_, status, pick, split, check, hooks, extract, inline, vectorize,
    train, test, histogram, retrain, metrics_, crops, train_images, predict_images,
):
    main.add_command(command)
