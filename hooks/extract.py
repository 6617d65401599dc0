"""The `corpus-extract` hook: staged pages that still inline data URLs get extracted.

Like any pre-commit fixer it changes the files and fails, so the user reviews the
result and stages it (the page and its new resources folder) before committing again.
"""

from __future__ import annotations

from pathlib import Path

from corpus.extract.run import extract_samples
from corpus.extract.survey import has_inline_data
from corpus.store.lock import writer_lock
from corpus.tree.sample import SETS, is_page_name, sample_at


def main(root: Path, files: list[Path]) -> int:
    failed = False
    pages = [path for path in files if _is_sample_page(root, path)]
    with writer_lock(root):
        samples = [sample_at(root, path) for path in pages]
        samples = [sample for sample in samples if has_inline_data(sample.path.read_bytes())]
        # In batches in this process: a batch shares the syncs that put its pages in place.
        for sample, result in zip(samples, extract_samples(samples, jobs=1)):
            for problem in result.problems:
                print(f"{sample.relpath}:1: {problem.message} (byte {problem.offset})")
            if result.changed:
                failed = True
                resources = sample.resources_dir.relative_to(root).as_posix()
                print(f"{sample.relpath}: extracted {len(result.resources)} inline resource(s) into {resources}/; "
                      f"review, then `git add {sample.relpath} {resources}` and commit again")
            elif result.problems:
                failed = True
    return 1 if failed else 0


def _is_sample_page(root: Path, path: Path) -> bool:
    resolved = (path if path.is_absolute() else Path.cwd() / path).resolve()
    parts = resolved.relative_to(root).parts
    # A path that is no file (a deletion handed over by hand) has nothing to extract.
    return len(parts) == 3 and parts[0] == "samples" and parts[1] in SETS and is_page_name(parts[2]) \
        and resolved.is_file()
