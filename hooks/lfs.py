"""The `corpus-lfs` hook: every staged resource must be stored as a Git LFS pointer."""

from __future__ import annotations

from pathlib import Path

from corpus.samples.lfs import check_staged_resources


def main(root: Path, files: list[Path]) -> int:
    relpaths = [(path if path.is_absolute() else Path.cwd() / path).resolve().relative_to(root).as_posix()
                for path in files]
    findings = check_staged_resources(root, relpaths)
    for finding in findings:
        print(finding)
    return 1 if findings else 0
