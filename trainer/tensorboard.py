"""Loss curves for TensorBoard under runs/, when the tensorboard package is installed.

Training never depends on it: without tensorboard there is no log, and `-c`
(a comment for the run's name) says so rather than doing nothing. Install it with
`pip install 'corpus[tensorboard]'` (setup.sh does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    """Yield a per-iteration hook writing to runs/ (or `logdir`), or None without tensorboard."""
    if not tensorboard_available():
        yield None
        return
    from torch.utils.tensorboard import SummaryWriter

    name = f".LR={hp.learning_rate},i={hp.iterations}" + (f",{comment}" if comment else "")
    writer = SummaryWriter(log_dir=str(logdir) if logdir else None, comment=name)

    def log(iteration: int, loss: float, validation_loss: float | None) -> None:
        writer.add_scalar("loss", loss, iteration)
        if validation_loss is not None:
            writer.add_scalar("validation_loss", validation_loss, iteration)

    try:
        yield log
    finally:
        writer.close()
