"""What every command of the click layer shares: the corpus it runs in, errors, JSON."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from corpus.errors import BadInput, CorpusError
from corpus.samples.tree import find_root

F = TypeVar("F", bound=Callable[..., Any])


# Modules of the `train` extra: the package itself (all pre-commit installs for the
# hooks) goes without them, and the commands that train or measure say how to get them.
TRAIN_EXTRA = ("torch", "numpy")
TRAIN_EXTRA_HINT = (
    "needs the training extra (not installed: {missing}): "
    "pip install 'corpus[train]' (./setup.sh installs it, with torch's CPU build)"
)


def reports_errors(func: F) -> F:
    """Turn a CorpusError into one line on stderr and its exit code.

    A command that needs the `train` extra where it is missing gets one line too,
    saying how to install it, and exit 2: it cannot be done as asked here.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CorpusError as e:
            click.echo(f"corpus: error: {e}", err=True)
            sys.exit(e.exit_code)
        except ModuleNotFoundError as e:
            top = (e.name or "").split(".")[0]
            if top not in TRAIN_EXTRA:
                raise
            missing = [name for name in TRAIN_EXTRA if importlib.util.find_spec(name) is None] or [top]
            command = click.get_current_context().command_path
            hint = TRAIN_EXTRA_HINT.format(missing=", ".join(missing))
            click.echo(f"corpus: error: {command} {hint}", err=True)
            sys.exit(BadInput.exit_code)

    return wrapper  # type: ignore[return-value]


def corpus_root(ctx: click.Context | None = None) -> Path:
    """The corpus around the cwd (`-C DIR` has made DIR the cwd).

    Not being inside a corpus is bad usage (exit 2), whatever the command.
    """
    del ctx  # kept so commands read `corpus_root(ctx)`; -C works through the cwd
    try:
        return find_root(Path.cwd())
    except CorpusError as e:
        raise BadInput(str(e)) from None


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


def shown_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
