"""What sits in a set folder that is no sample, so `check` reports it.

A folder named like a page (`9001.html/`) is no page: every command skips it, so
it would otherwise go unnoticed. A temporary file of our writers (`.corpus-*.tmp`)
is what a killed command left; every command's recovery removes them, but one
already staged would be committed with the samples.
"""

from __future__ import annotations

import os
from pathlib import Path

from corpus.findings import Finding
from corpus.store import gitcli
from corpus.store.atomic import TEMP_NAME, leftover_temps
from corpus.tree.sample import SAMPLES_DIR, SETS, is_page_name


def is_stray(root: Path, path: Path) -> bool:
    """Whether `path` (in a set) is a temporary file of ours or a folder named like a page."""
    if path.is_symlink():
        return False  # links are the `symlink` finding's
    rel = path.relative_to(root / SAMPLES_DIR).parts
    if len(rel) < 2 or rel[0] not in SETS:
        return False
    if TEMP_NAME.fullmatch(path.name):
        return path.is_file()
    return len(rel) == 2 and is_page_name(path.name) and path.is_dir()


def stray_findings(root: Path, paths: list[Path]) -> list[Finding]:
    """A finding for each stray path (see `is_stray`)."""
    return [_finding(root, path) for path in paths if is_stray(root, path)]


def set_stray_findings(root: Path, set_name: str) -> list[Finding]:
    """Every stray in a set folder (its resources included), and every temporary file in
    git's index there (recovery removed the file, a commit would still carry it)."""
    folder = root / SAMPLES_DIR / set_name
    if folder.is_symlink() or not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        folders = [Path(e.path) for e in entries if is_page_name(e.name) and e.is_dir(follow_symlinks=False)]
    found = {f.path: f for f in stray_findings(root, folders + leftover_temps(folder))}
    for rel in gitcli.tracked_files(root, f"{SAMPLES_DIR}/{set_name}"):  # pathspecs are literal: no glob
        if TEMP_NAME.fullmatch(rel.rpartition("/")[2]):
            found.setdefault(Path(rel), _temp_finding(Path(rel)))
    return list(found.values())


def _finding(root: Path, path: Path) -> Finding:
    rel = path.relative_to(root)
    if path.is_dir():
        return Finding(rel, 1, "a folder named like a page: no command reads it as one; rename or "
                               "remove it", "not-a-file")
    return _temp_finding(rel)


def _temp_finding(rel: Path) -> Finding:
    return Finding(rel, 1, "temporary file a killed corpus command left: remove it (`corpus status` "
                           "does) and, if git has it, `git rm --cached` it", "temp-file")
