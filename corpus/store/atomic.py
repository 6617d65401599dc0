"""Writing files so that a crash leaves either the old content or the new, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_temp(directory: Path, data: bytes, prefix: str = ".corpus-") -> Path:
    """Write data to a synced temporary file in `directory` and return its path."""
    fd, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def atomic_write(path: Path, data: bytes, temp_dir: Path | None = None) -> None:
    """Replace (or create) `path` with `data` atomically.

    The temporary file goes in `temp_dir` (same file system) when given: under
    `.git/`, a kill never leaves one where `git add -A` would pick it up.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = write_temp(temp_dir or path.parent, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
