"""The `corpus` command group (`-C`, `--version`) and the registration of every area's commands.

Each area keeps its commands in its own module of this package; the group imports
them, never the other way round.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from corpus import __version__
from corpus.cli.check import check
from corpus.cli.collect import collect
from corpus.cli.completion import completion
from corpus.cli.extract import extract, inline
from corpus.cli.fox import fox
from corpus.cli.hooks import hooks
from corpus.cli.images import crops, predict_images, test_images, train_images
from corpus.cli.label import label
from corpus.cli.measure import histogram, test
from corpus.cli.models import metrics_, retrain
from corpus.cli.samples import add, import_, init, list_, pick, split, status
from corpus.cli.serve import serve
from corpus.cli.ship import ship
from corpus.cli.train import train
from corpus.cli.vectorize import vectorize


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpus")
@click.option(
    "-C",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Run as if started in DIR (like git -C): every path argument is relative to DIR.",
)
def main(directory: Path | None) -> None:
    """Keep a labeled web-page corpus in git and train recognizers from it.

    Exit status: 0 ok, 1 problems found, 2 bad usage or input (including "not
    inside a corpus"). See `corpus completion --help` for shell completion.
    """
    if directory is not None:
        # Like git -C: the subcommand's arguments are parsed after this runs, so
        # every relative path (and the corpus found from the cwd) is DIR's.
        os.chdir(directory)


for command in (
    init, add, collect, import_, list_, status, pick, split, check, hooks, extract, inline, vectorize,
    train, test, histogram, retrain, metrics_, ship, crops, train_images, predict_images, test_images,
    label, serve, fox, completion,
):
    main.add_command(command)
