"""Loss curves for TensorBoard under runs/, when the tensorboard package is installed.

Training never depends on it: without tensorboard there is no log, and `-c`
(a comment for the run's name) says so rather than doing nothing. Install it with
`pip install 'corpus[tensorboard]'` (setup.sh does).
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


def tensorboard_available() -> bool:
    try:
        import tensorboard  # noqa: F401  (torch's SummaryWriter needs this package)
    except ImportError:
        return False
    return True


@contextmanager
def tensorboard_log(hp: Hyperparameters, comment: str, logdir: Path | None = None) -> Iterator[IterationHook | None]:
    """Yield a per-iteration hook writing to runs/ (or `logdir`), or None without tensorboard.

    Written with tensorboard's own event-file writer, not torch's SummaryWriter:
    that one imports torch (about a second and a half), which the linear model no
    longer needs. The run folder is named as SummaryWriter (and fathom) name it.
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
    writer = EventFileWriter(str(logdir))

    def scalar(tag: str, value: float, iteration: int) -> None:
        summary = Summary(value=[Summary.Value(tag=tag, simple_value=value)])
        writer.add_event(Event(wall_time=time.time(), step=iteration, summary=summary))

    def log(iteration: int, loss: float, validation_loss: float | None) -> None:
        scalar("loss", loss, iteration)
        if validation_loss is not None:
            scalar("validation_loss", validation_loss, iteration)

    try:
        yield log
    finally:
        writer.close()
