"""`--scheduler ADDRESS`: the option every command that renders pages takes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from corpus.cluster.address import ENV_VAR, LOCAL, require_distributed, resolve_scheduler


def scheduler_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--scheduler", metavar="ADDRESS", envvar=ENV_VAR, default=None,
        help=f"Render on this Dask scheduler (e.g. tcp://10.0.0.5:8786) instead of local processes "
             f"[env {ENV_VAR}; else `scheduler:` in training.yaml; `{LOCAL}` forces local]. "
             f"Needs the cluster extra here and on the workers.",
    )(function)


def scheduler_for(root: Path | None, option: str | None) -> str | None:
    """The address to use (None: local workers); a one-line error when dask.distributed is missing."""
    address = resolve_scheduler(option, root)
    if address is not None:
        require_distributed()
    return address
