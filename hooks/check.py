"""The `corpus-check` hook: the rubric checks on the staged samples and the rubric."""

from __future__ import annotations

from pathlib import Path

from corpus.check.check import iter_findings


def main(root: Path, files: list[Path]) -> int:
    # LFS storage is the corpus-lfs hook's job; here pre-commit has stashed unstaged
    # changes, so the working files are what is being committed.
    # Kinds the rubric's `checks:` makes warnings are printed but let the commit through.
    problems = 0
    for finding in iter_findings(root, files, staged=True, storage=False):
        print(finding, flush=True)
        problems += finding.is_error
    if problems:
        print(f"corpus check: {problems} problem(s) in the staged samples; fix them, `git add`, commit again")
    return 1 if problems else 0
