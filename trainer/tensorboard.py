"""Loss curves for TensorBoard under runs/, when the tensorboard package is installed.

Training never depends on it: without tensorboard there is no log, and `-c`
(a comment for the run's name) says so rather than doing nothing. Install it with
`pip install 'corpus[tensorboard]'` (setup.sh does). tensorboard is imported only
here, when a run is logged.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from trainer.hyperparameters import Hyperparameters
from trainer.train import IterationHook

INSTALL_HINT = "pip install 'corpus[tensorboard]'"
FLUSH_SECONDS = 10  # so that a live `tensorboard --logdir runs` sees a long run move


def tensorboard_available() -> bool:
    """Whether the `tensorboard` extra is installed (importable, not merely present)."""
    try:
        import tensorboard  # noqa: F401  (the package alone: its writer loads when a run is logged)
    except ImportError:
        return False
    return True


@contextmanager
def tensorboard_log(hp: Hyperparameters, comment: str, logdir: Path | None = None) -> Iterator[IterationHook | None]:
    """Yield a per-iteration hook writing to runs/ (or `logdir`), or None without tensorboard.

    The run folder is named as torch's SummaryWriter (and so fathom) names it. The
    events go through tensorboard's EventFileWriter, the one SummaryWriter uses,
    as plain scalar values (what TensorBoard's scalar dashboard and its
    EventAccumulator read as scalars), without importing torch for it.
    """
    if not tensorboard_available():
        yield None
        return
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    name = f".LR={hp.learning_rate},i={hp.iterations}" + (f",{comment}" if comment else "")
    if logdir is None:
        logdir = Path("runs") / f"{datetime.now().strftime('%b%d_%H-%M-%S')}_{socket.gethostname()}{name}"
    events = EventFileWriter(str(logdir), flush_secs=FLUSH_SECONDS)

    def scalar(tag: str, value: float, iteration: int) -> None:
        summary = Summary(value=[Summary.Value(tag=tag, simple_value=value)])
        events.add_event(Event(wall_time=time.time(), step=iteration, summary=summary))

    def log(iteration: int, loss: float, validation_loss: float | None) -> None:
        scalar("loss", loss, iteration)
        if validation_loss is not None:
            scalar("validation_loss", validation_loss, iteration)

    try:
        yield log
    finally:
        events.close()
