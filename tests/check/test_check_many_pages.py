"""A whole-corpus check past the OS's argument limit: 1,200 pages (100,000 in bench/scale.py)
listed from git's index in one call, and a resource stored as content still found."""

from __future__ import annotations

from pathlib import Path

from corpus.check.check import check_paths
from corpus.samples import lfs


def test_full_check_of_more_paths_than_a_command_line_takes(corpus_root: Path, git, commit) -> None:
    count = lfs.PATHS_ON_COMMAND_LINE + 200
    training = corpus_root / "samples" / "training"
    for n in range(1, count + 1):
        (training / f"{n}.html").write_text(f'<form><input type=password data-fathom="new-password" id=p{n}></form>')
    (training / "resources" / "7").mkdir(parents=True)
    (training / "resources" / "7" / "a.txt").write_text("stored as content, not as an LFS pointer\n")
    (corpus_root / ".gitattributes").write_text("")  # so git add keeps the resource as content
    commit(corpus_root, "many pages")
    findings = [str(f) for f in check_paths(corpus_root, [])]
    assert any("samples/training/resources/7/a.txt" in f and "not as a Git LFS pointer" in f for f in findings)
    assert not any("samples/training/1.html" in f for f in findings), findings[:5]
