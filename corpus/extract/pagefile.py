"""A page's bytes through a memory map: pages run to 200 MB and are read once, front to back."""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.errors import CorpusError


@contextmanager
def open_page(path: Path) -> Iterator[mmap.mmap | bytes]:
    """The page's bytes, mapped (b"" for an empty file, which cannot be mapped)."""
    if not path.is_file():
        raise CorpusError(f"{path}: no such page")
    with path.open("rb") as f:
        if f.seek(0, 2) == 0:
            yield b""
            return
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield buf
        finally:
            try:
                buf.close()
            except BufferError:  # a traceback still holds a view; the map goes with it
                pass
