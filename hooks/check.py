"""The `corpus-check` hook: the rubric checks on the staged samples and the rubric."""

from __future__ import annotations

from pathlib import Path

from corpus.check.check import check_paths


def main(root: Path, files: list[Path]) -> int:
    # LFS storage is the corpus-lfs hook's job; here pre-commit has stashed unstaged
    # changes, so the working files are what is being committed.
    findings = check_paths(root, files, staged=True, storage=False)
    for finding in findings:
        print(finding)
    if findings:
        print(f"corpus check: {len(findings)} problem(s) in the staged samples; fix them, `git add`, commit again")
    return 1 if findings else 0
