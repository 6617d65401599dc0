"""A SIGKILL during a corpus's extraction leaves no temporary file in the working tree: pages
and manifests are staged under `.git/corpus-work/`, so `git add -A` and a commit cannot pick
one up."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.extract.pages import rich_page
from tests.extract.test_extract_kill import KILLED_AT


def test_a_killed_extraction_leaves_no_temp_file_in_the_tree_or_in_head(corpus_root: Path, git) -> None:
    names = [f"{n}.html" for n in range(1, 6)]
    for name in names:
        (corpus_root / "samples" / "unused" / name).write_bytes(rich_page())
    # killed at the first "page" checkpoint: every page of the batch staged, none in place yet
    killed_when_staged = KILLED_AT.replace("if len(calls) == stop_at:", 'if stage == "page":')
    child = subprocess.run([sys.executable, "-c", killed_when_staged, str(corpus_root), "0", *names],
                           capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert not list((corpus_root / "samples").rglob(".corpus-*")), "a temporary file in the working tree"
    git(corpus_root, "add", "-A")  # what a commit takes, hooks or not (these pages fail check's rubric)
    git(corpus_root, "commit", "-qm", "after a killed extraction", "--no-verify")
    assert ".corpus-" not in git(corpus_root, "ls-tree", "-r", "--name-only", "HEAD")


def test_the_next_command_clears_what_a_killed_extraction_staged(corpus_root: Path, git, corpus_cli) -> None:
    """The staged pages and manifests of a killed `corpus extract` (no plan covers them) go
    with the next command that finds the writer lock free; the folder itself stays."""
    names = [f"{n}.html" for n in range(1, 4)]
    for name in names:
        (corpus_root / "samples" / "unused" / name).write_bytes(rich_page())
    killed_when_staged = KILLED_AT.replace("if len(calls) == stop_at:", 'if stage == "page":')
    child = subprocess.run([sys.executable, "-c", killed_when_staged, str(corpus_root), "0", *names],
                           capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    stage = corpus_root / ".git" / "corpus-work" / "extract"
    left = sorted(p.name for p in stage.iterdir())
    assert left and all(name.startswith(".corpus-") for name in left)
    result = corpus_cli("status", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert f"removed {len(left)} file(s) a killed `corpus extract` left staged in .git/corpus-work/extract/" \
        in result.stderr
    assert stage.is_dir() and not list(stage.iterdir())
    again = corpus_cli("status", cwd=corpus_root)
    assert "corpus extract" not in again.stderr
