"""Resource files and bytes of a set's pages, from one walk of its resources folder
(not a walk per page: 100,000 pages would cost 100,000 folder lookups)."""

from __future__ import annotations

import os
import stat
from collections.abc import Collection
from pathlib import Path

from corpus.tree.sample import RESOURCES_DIR


def resource_totals(set_dir: Path, stems: Collection[str]) -> tuple[int, int]:
    """(files, bytes) under `set_dir/resources/<stem>/` for the given page stems;
    folders of no page (orphans, which `check` reports) are not counted, and nothing
    is followed through a symbolic link (a `resources/7 -> /etc` counts nothing)."""
    files = size = 0
    try:
        with os.scandir(set_dir / RESOURCES_DIR) as folders:
            wanted = [entry.path for entry in folders if entry.name in stems and entry.is_dir(follow_symlinks=False)]
    except (FileNotFoundError, NotADirectoryError):
        return 0, 0
    for folder in wanted:
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                info = os.lstat(os.path.join(dirpath, name))
                if stat.S_ISREG(info.st_mode):
                    files += 1
                    size += info.st_size
    return files, size
