"""Progress of long work on stderr: a bar on a terminal, plain lines everywhere else.

Logs, CI and pre-commit hooks have no terminal, and a bar there prints nothing
until the end; so off a terminal a line like `vectorizing training: 40/200 (20%)`
is written at least every 10% of the work or every 10 seconds, whichever comes first.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click

LINE_EVERY_FRACTION = 0.1
LINE_EVERY_SECONDS = 10.0

Advance = Callable[[int], None]


class PlainProgress:
    """Writes `label: done/total (pct%)` lines, throttled by share of work and by time."""

    def __init__(self, label: str, total: int, out: TextIO, clock: Callable[[], float] = time.monotonic,
                 detail: Callable[[], str] | None = None) -> None:
        self.label = label
        self.detail = detail  # more to say after the count (e.g. per-worker throughput)
        self.total = total
        self.out = out
        self.clock = clock
        self.done = 0
        self._last_done = 0
        self._last_time = clock()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        step = max(1, int(self.total * LINE_EVERY_FRACTION))
        if self.done - self._last_done >= step or now - self._last_time >= LINE_EVERY_SECONDS or self.done == self.total:
            self._write(now)

    def _write(self, now: float) -> None:
        pct = f" ({100 * self.done // self.total}%)" if self.total else ""
        more = f"; {self.detail()}" if self.detail is not None else ""
        self.out.write(f"{self.label}: {self.done}/{self.total}{pct}{more}\n")
        self.out.flush()
        self._last_done, self._last_time = self.done, now


@contextmanager
def progress(label: str, total: int, show: bool = True, out: TextIO | None = None,
             detail: Callable[[], str] | None = None) -> Iterator[Advance]:
    """Yield `advance(n)`; shows a bar when `out` (default stderr) is a terminal.
    `detail()`, when given, is shown after the count (beside the bar on a terminal)."""
    stream = out if out is not None else sys.stderr
    if not show or total <= 0:
        yield lambda n=1: None
        return
    if stream.isatty():
        show_item = (lambda _: detail()) if detail is not None else None
        with click.progressbar(length=total, label=label, file=stream, item_show_func=show_item) as bar:
            yield (lambda n=1: bar.update(n, True)) if detail is not None else bar.update
        return
    plain = PlainProgress(label, total, stream, detail=detail)
    stream.write(f"{label}: 0/{total}\n")
    stream.flush()
    yield plain.advance
