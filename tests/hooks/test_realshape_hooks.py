"""A real `git commit` through the hooks of a generated real-shaped corpus whose resources
are absent (issue 23): the rubric's `checks: {missing-resource: warning}` lets it through."""

from __future__ import annotations

from pathlib import Path

from tests.hooks.test_hooks import commit_with_hooks, head_exists
from tests.realshape import rubric_text, write_corpus


def test_absent_resources_block_a_commit_unless_the_rubric_makes_them_warnings(corpus_root: Path, git):
    corpus = write_corpus(corpus_root / "samples", size=12, with_files_every=0, defects=False)
    (corpus_root / "samples" / "rubric.md").write_text(rubric_text())
    git(corpus_root, "add", "-A")
    blocked = commit_with_hooks(corpus_root, "the team's corpus")
    assert blocked.returncode != 0 and not head_exists(corpus_root)
    said = blocked.stdout + blocked.stderr
    assert said.count("refers to missing resources: 3 files") == sum(corpus.pages_missing.values())
    assert "git add samples" not in said  # never for files that do not exist

    (corpus_root / "samples" / "rubric.md").write_text(rubric_text({"missing-resource": "warning"}))
    git(corpus_root, "add", "-A")
    done = commit_with_hooks(corpus_root, "the team's corpus")
    assert done.returncode == 0, done.stdout + done.stderr
    committed = git(corpus_root, "ls-tree", "-r", "--name-only", "HEAD").split("\n")
    assert all(f"samples/{page}" in committed for page in corpus.pages())
