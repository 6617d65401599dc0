"""What every command of the click layer shares: the corpus it runs in, errors, JSON."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from corpus.errors import CorpusError
from corpus.samples.tree import find_root

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


def corpus_root(ctx: click.Context, recover: bool = True) -> Path:
    """The corpus the command works on: `-C DIR`, else the one around the cwd.

    First finishes what a killed corpus command left half done (see
    corpus/samples/recovery.py) and says so in one line on stderr.
    """
    root = find_root(ctx.find_root().params.get("directory") or Path.cwd())
    if recover:
        from corpus.samples.recovery import recover as finish_interrupted

        message = finish_interrupted(root)
        if message:
            click.echo(f"corpus: {message}", err=True)
    return root


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


def shown_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
