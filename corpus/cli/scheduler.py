"""`--scheduler ADDRESS`: the option every command that renders pages takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from corpus.cluster.address import ENV_VAR, LOCAL, scheduler_for

__all__ = ["scheduler_for", "scheduler_option"]


def scheduler_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--scheduler", metavar="ADDRESS", envvar=ENV_VAR, default=None,
        help=f"Render on this Dask scheduler (e.g. tcp://10.0.0.5:8786) instead of local processes "
             f"[env {ENV_VAR}; else `scheduler:` in training.yaml; `{LOCAL}` forces local]. "
             f"Needs the cluster extra here and on the workers.",
    )(function)

