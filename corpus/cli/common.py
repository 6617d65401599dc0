"""What every command of the click layer shares: the corpus it runs in, errors and the missing
`train` extra as one line, JSON, and the parameter types of sets (SetName, SetOrPath)."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.shell_completion import CompletionItem

from corpus.errors import BadInput, CorpusError, escape_line
from corpus.tree.sample import SAMPLES_DIR, SETS, find_root, set_named

F = TypeVar("F", bound=Callable[..., Any])


# Modules of the `train` extra: the package itself (all pre-commit installs for the
# hooks) goes without them, and the commands that train or measure say how to get them.
TRAIN_EXTRA = ("torch", "numpy", "orjson", "threadpoolctl")
# Also in the `train` extra, but only drawing (train --plot, histogram --png) imports it.
PLOT_EXTRA = ("matplotlib",)
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
            click.echo(f"corpus: error: {escape_line(str(e))}", err=True)  # a name may hold a newline
            sys.exit(e.exit_code)
        except ModuleNotFoundError as e:
            top = (e.name or "").split(".")[0]
            if top not in TRAIN_EXTRA + PLOT_EXTRA:
                raise
            wanted = TRAIN_EXTRA + ((top,) if top in PLOT_EXTRA else ())
            missing = [name for name in wanted if not _installed(name)] or [top]
            command = click.get_current_context().command_path
            hint = TRAIN_EXTRA_HINT.format(missing=", ".join(missing))
            click.echo(f"corpus: error: {command} {hint}", err=True)
            sys.exit(BadInput.exit_code)

    return wrapper  # type: ignore[return-value]


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # an import hook that refuses the module
        return False


def needs_plotting() -> None:
    """Import matplotlib before any work, so that without it a command that is to draw refuses
    up front in one line (reports_errors), rather than failing after it trained."""
    for module in PLOT_EXTRA:
        importlib.import_module(module)


def corpus_root(ctx: click.Context | None = None, recover: bool = True) -> Path:
    """The corpus around the cwd (`-C DIR` has made DIR the cwd).

    Not being inside a corpus is bad usage (exit 2), whatever the command. First
    finishes what a killed corpus command left half done (see
    corpus/samples/recovery.py) and says so in one line on stderr.
    """
    del ctx  # kept so commands read `corpus_root(ctx)`; -C works through the cwd
    try:
        root = find_root(Path.cwd())
    except CorpusError as e:
        raise BadInput(str(e)) from None
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


class SetName(click.ParamType):
    """A set given by name (`training`) or by its folder (`samples/training`, any path to it).

    Every command that takes a set (not a path) takes it with this type; tree.sample.set_named decides.
    """

    name = "set"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value in SETS:
            return value  # a name needs no corpus here: outside one the command says so itself
        try:
            return set_named(find_root(Path.cwd()), value)
        except CorpusError:
            self.fail(f"{value!r} is not a set: give one of {', '.join(SETS)} or its folder samples/<set>", param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return set_names_starting(incomplete)


class SetOrPath(click.Path):
    """A path, where a set name that names no path here means that set's folder in the corpus."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value in SETS and not Path(value).exists():
            try:
                value = str(find_root(Path.cwd()) / SAMPLES_DIR / value)
            except CorpusError:
                pass  # outside a corpus the name stays a (missing) path, and Path says so
        return super().convert(value, param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        """Set names, then paths (which the shell completes)."""
        return [*set_names_starting(incomplete), *super().shell_complete(ctx, param, incomplete)]


def set_names_starting(incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(name) for name in sorted(SETS) if name.startswith(incomplete)]
