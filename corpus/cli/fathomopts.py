"""fathom-train's options for sets given as folders, shared by train, test and histogram.

fathom-train vectorizes folders of pages on the fly; so do we, incrementally, into
vector files. These options keep fathom's names and meanings:

    --training-cache / --validation-cache / --testing-cache  where the vector file goes
    --tabs N          pages vectorized in parallel (our worker processes)
    --delay SECONDS   a wait after each page loads (fathom's default was 5; ours is 0)
    --show-browser    a visible browser window (needs a display)
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from corpus.cli.common import reports_errors
from corpus.errors import BadInput


class FiniteFloat(click.FloatRange):
    """click's FloatRange, which lets NaN through every bound, minus NaN and infinities."""

    name = "finite float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


@dataclass(frozen=True)
class VectorizeOptions:
    """How folders are vectorized; plain vector files ignore all of it."""

    tabs: int = 1
    show_browser: bool = False
    delay: float = 0.0


def cutoff_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """fathom's -t/--confidence-threshold, as `cutoff`."""
    return click.option("-t", "--confidence-threshold", "cutoff", type=FiniteFloat(0, 1), default=None, help=help)


# fathom-train's -r: the ruleset that vectorizes folders.
ruleset_option = click.option(
    "-r",
    "--ruleset",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The ruleset for vectorizing folders [default: rulesets.py at the corpus root].",
)


def cache_option(set_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        f"--{set_name}-cache",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Where to write the {set_name} vectors when the {set_name} set is a folder "
        f"[default: vectors/{set_name}_TYPE.json]. Kept up to date incrementally.",
    )


_VECTORIZING = (
    click.option("--tabs", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Pages vectorized at once when a set is a folder (worker processes, each with its own browser)."),
    click.option("--delay", type=FiniteFloat(min=0), default=0.0, show_default=True,
                 help="Seconds to wait after each page loads before vectorizing a folder (fathom's default was 5)."),
    click.option("--show-browser", is_flag=True,
                 help="Show the browser window while vectorizing folders (needs a display; headless by default)."),
)


def vectorizing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--tabs, --delay and --show-browser, handed to the command as one `vectorizing: VectorizeOptions`."""

    @functools.wraps(command)
    @reports_errors
    def with_vectorizing(*args: Any, tabs: int, show_browser: bool, delay: float, **kwargs: Any) -> Any:
        return command(*args, vectorizing=vectorize_options(tabs, show_browser, delay), **kwargs)

    for option in reversed(_VECTORIZING):
        with_vectorizing = option(with_vectorizing)
    return with_vectorizing


def vectorize_options(tabs: int, show_browser: bool, delay: float = 0.0) -> VectorizeOptions:
    """Check the options against this machine; BadInput when a window cannot be shown."""
    if show_browser:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise BadInput("--show-browser needs a display (neither DISPLAY nor WAYLAND_DISPLAY is set)")
    return VectorizeOptions(tabs=tabs, show_browser=show_browser, delay=delay)
