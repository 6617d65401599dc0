"""Loss curves for TensorBoard under runs/, when the tensorboard package is installed.

Training never depends on it: without tensorboard there is no log, and `-c`
(a comment for the run's name) says so rather than doing nothing. Install it with
`pip install 'corpus[tensorboard]'` (setup.sh does).
"""

from __future__ import annotations

import os
import socket
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from trainer.hyperparameters import Hyperparameters
from trainer.train import IterationHook

INSTALL_HINT = "pip install 'corpus[tensorboard]'"


def tensorboard_available() -> bool:
    """Whether the `tensorboard` extra is installed: tensorboard (its Event protobufs, and to
    view the curves) and google-crc32c."""
    try:
        import google_crc32c  # noqa: F401
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def tensorboard_log(hp: Hyperparameters, comment: str, logdir: Path | None = None) -> Iterator[IterationHook | None]:
    """Yield a per-iteration hook writing to runs/ (or `logdir`), or None without tensorboard.

    The run folder is named as torch's SummaryWriter (and so fathom) names it.
    """
    if not tensorboard_available():
        yield None
        return
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary

    name = f".LR={hp.learning_rate},i={hp.iterations}" + (f",{comment}" if comment else "")
    if logdir is None:
        logdir = Path("runs") / f"{datetime.now().strftime('%b%d_%H-%M-%S')}_{socket.gethostname()}{name}"
    logdir.mkdir(parents=True, exist_ok=True)
    now = time.time()
    with open(logdir / f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}.0", "wb") as out:
        events = EventFile(out)
        events.write(Event(wall_time=now, file_version="brain.Event:2"))

        def scalar(tag: str, value: float, iteration: int) -> None:
            summary = Summary(value=[Summary.Value(tag=tag, simple_value=value)])
            events.write(Event(wall_time=time.time(), step=iteration, summary=summary))

        def log(iteration: int, loss: float, validation_loss: float | None) -> None:
            scalar("loss", loss, iteration)
            if validation_loss is not None:
                scalar("validation_loss", validation_loss, iteration)

        yield log


class EventFile:
    """TensorBoard's event file: each Event protobuf framed as a TFRecord.

    Written here rather than with tensorboard's EventFileWriter, whose import (the
    whole tensorboard.summary package, about 0.13 s) was a tenth of a whole training
    run at 10x the real size. A TFRecord is the data's length (8 bytes, little
    endian), that length's masked CRC-32C, the data, the data's masked CRC-32C;
    tensorboard's reader checks both CRCs.
    """

    FLUSH_SECONDS = 10.0  # so that a live `tensorboard --logdir runs` sees a long run move

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.flushed = time.monotonic()

    def write(self, event: Any) -> None:
        data = event.SerializeToString()
        length = struct.pack("<Q", len(data))
        self.out.write(length + _masked_crc(length) + data + _masked_crc(data))
        if time.monotonic() - self.flushed > self.FLUSH_SECONDS:
            self.out.flush()
            self.flushed = time.monotonic()


def _masked_crc(data: bytes) -> bytes:
    import google_crc32c

    crc = google_crc32c.value(data)
    return struct.pack("<I", (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF)
