"""`corpus extract DIR` on a folder outside a corpus, as fathom extract does it.

Pages directly in the folder get their resources in `DIR/resources/<stem>/` (the
same extraction as in a corpus, manifest included, so `corpus inline DIR` gives
them back byte for byte), and by default each page is first copied, untouched,
into a new `DIR/originals/`, which must not exist yet (fathom refuses it too, so
an earlier run's originals are never overwritten).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import BadInput, CorpusError
from corpus.store.atomic import fsync_dir
from corpus.tree.sample import SAMPLES_DIR, SETS, Sample, find_root, is_page_name

ORIGINALS_DIR = "originals"


@dataclass(frozen=True)
class FolderPage(Sample):
    """A page in a plain folder: `root/<name>`, resources in `root/resources/<stem>/`.

    A Sample whose set folder is the folder itself, so extract and inline treat it
    exactly as they treat a corpus sample.
    """

    @property
    def set_dir(self) -> Path:
        return self.root

    @property
    def relpath(self) -> str:
        return (self.root / self.name).as_posix()


def in_a_corpus_set(path: Path) -> bool:
    """Whether `path` is (inside) a set folder of a corpus: then the corpus rules apply."""
    resolved = path.resolve()
    try:
        root = find_root(resolved if resolved.is_dir() else resolved.parent)
    except CorpusError:  # no corpus around it
        return False
    try:
        rel = resolved.relative_to(root / SAMPLES_DIR)
    except ValueError:
        return False
    return len(rel.parts) == 0 or rel.parts[0] in SETS


def folder_pages(path: Path) -> list[FolderPage]:
    """The pages a folder path (or one page's path) names, not recursing (as fathom)."""
    if not path.exists():
        raise BadInput(f"{path}: no such file or folder")
    if path.is_file():
        if not is_page_name(path.name):
            raise BadInput(f"{path}: not an HTML page (.html or .htm)")
        return [FolderPage(path.parent, "", path.name)]
    return [FolderPage(path, "", entry.name) for entry in sorted(path.iterdir(), key=lambda p: p.name)
            if entry.is_file() and is_page_name(entry.name)]


def preserve_originals(pages: list[FolderPage]) -> list[Path]:
    """Copy each page into a new `originals/` beside it; refuse one that exists, before any copy."""
    folders = sorted({page.root for page in pages})
    for folder in folders:
        if (folder / ORIGINALS_DIR).exists():
            raise BadInput(f"{folder / ORIGINALS_DIR}: already exists; to protect earlier originals, move or "
                           "remove it first (or give --no-preserve-originals)")
    copies = []
    for folder in folders:
        (folder / ORIGINALS_DIR).mkdir()
    for page in pages:
        target = page.root / ORIGINALS_DIR / page.name
        temp = target.with_name(f".{page.name}.corpus-tmp")
        shutil.copy2(page.path, temp)  # the original bytes and times, renamed in whole
        with open(temp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temp, target)
        copies.append(target)
    for folder in folders:
        fsync_dir(folder / ORIGINALS_DIR)
    return copies
