"""Writing files so that a crash leaves either the old content or the new, never half."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

TEMP_PREFIX = ".corpus-"
# The names our writers give temporary files: mkstemp's (8 random characters after the
# prefix) and extract's staged pages (16 hex digits of the path's hash, pagefile.py).
TEMP_NAME = re.compile(r"\.corpus-(?:[a-z0-9_]{8}|[0-9a-f]{16})\.tmp")


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


def write_temp(directory: Path, data: bytes, prefix: str = TEMP_PREFIX) -> Path:
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
    if temp_dir is not None:
        temp_dir.mkdir(parents=True, exist_ok=True)  # work folders go when a journaled command ends
    tmp = write_temp(temp_dir or path.parent, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def leftover_temps(folder: Path, depth: int | None = None) -> list[Path]:
    """Temporary files of our writers at or below `folder` (sorted), left by a killed run;
    links are not followed. Only names our writers make (TEMP_NAME) count. `depth` 0
    looks in `folder` itself only, 1 also in its folders, and so on; None everywhere."""
    found = []
    for directory, folders, files in os.walk(folder):
        found += [Path(directory, name) for name in files if TEMP_NAME.fullmatch(name)]
        if depth is not None and len(Path(directory).relative_to(folder).parts) >= depth:
            folders.clear()
    return sorted(found)
