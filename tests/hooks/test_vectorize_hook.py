"""The corpus-vectorize hook on real commits through real pre-commit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corpus.cluster.vectorize import ClusterRunner
from corpus.parallel import usable_cpus
from corpus.vectors.workers import LocalRunner
from hooks.vectorize import hook_runner
from tests import rulesets

RULESET = rulesets.PASSWORD


def page(label: bool, extra: str = "") -> str:
    mark = ' data-fathom="new-password"' if label else ""
    return f"<html><body><form><input type=text><input type=password{mark}>{extra}</form></body></html>\n"


def commit_with_hooks(root: Path, message: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, capture_output=True, text=True)
    result.stdout += result.stderr  # pre-commit's report goes to either, depending on git
    return result


def filenames(root: Path) -> list[str]:
    data = json.loads((root / "vectors" / "training_new-password.json").read_bytes())
    return [p["filename"] for p in data["pages"]]


def test_hook_updates_tracked_vectors_and_asks_for_them_to_be_added(corpus_root: Path, git, corpus_cli) -> None:
    root = corpus_root
    (root / "rulesets.py").write_text(RULESET)
    training = root / "samples" / "training"
    (training / "1.html").write_text(page(True))
    (training / "n2.html").write_text(page(False))
    assert corpus_cli("vectorize", "training", "-t", "new-password", cwd=root).returncode == 0
    git(root, "add", "-A")
    first = commit_with_hooks(root, "samples and vectors")
    assert first.returncode == 0, first.stdout + first.stderr

    # An edited page: the commit fails, the vector file is updated but not staged.
    (training / "1.html").write_text(page(True, extra="<input type=password>"))
    (training / "9.html").write_text(page(True))  # untracked: not part of the commit
    git(root, "add", "samples/training/1.html")
    failed = commit_with_hooks(root, "edit a page")
    assert failed.returncode != 0
    assert "corpus-vectorize: updated vectors/training_new-password.json (1 pages vectorized" in failed.stdout
    assert "vectorizing training for new-password: 1/1" in failed.stdout  # progress, not silence
    assert "git add vectors/" in failed.stdout
    assert git(root, "diff", "--name-only").split() == ["vectors/training_new-password.json"]
    assert filenames(root) == ["1.html", "n2.html"]
    git(root, "add", "vectors")
    second = commit_with_hooks(root, "edit a page")
    assert second.returncode == 0, second.stdout + second.stderr

    # A deletion reaches the vectors too, though pre-commit passes no file for it.
    git(root, "rm", "-q", "samples/training/n2.html")
    failed = commit_with_hooks(root, "drop a page")
    assert failed.returncode != 0 and "1 removed" in failed.stdout
    git(root, "add", "vectors")
    assert commit_with_hooks(root, "drop a page").returncode == 0
    assert filenames(root) == ["1.html"]
    assert git(root, "status", "--porcelain").split() == ["??", "samples/training/9.html"]


RENDERED_RULESET = RULESET + '''
from corpus.ruleset import linear_scale

@pw.feature
def wide(node):
    return linear_scale(node.box.width, 0, 1000)
'''


def test_hook_runs_pages_where_vectorize_does(corpus_root: Path, monkeypatch) -> None:
    root = corpus_root
    assert hook_runner(root) == LocalRunner(usable_cpus())  # a worker per usable CPU, not one
    (root / "training.yaml").write_text("scheduler: tcp://127.0.0.1:8786\n")
    assert hook_runner(root) == ClusterRunner("tcp://127.0.0.1:8786")
    monkeypatch.setenv("CORPUS_SCHEDULER", "local")
    assert hook_runner(root) == LocalRunner(usable_cpus())


def test_hook_vectorizes_on_the_workers_and_shows_progress(corpus_root: Path, git, corpus_cli) -> None:
    root = corpus_root
    (root / "rulesets.py").write_text(RENDERED_RULESET)
    training = root / "samples" / "training"
    (training / "1.html").write_text(page(True))
    assert corpus_cli("vectorize", "training", "-t", "new-password", cwd=root).returncode == 0
    git(root, "add", "-A")
    assert commit_with_hooks(root, "first").returncode == 0

    for i in range(2, 6):
        (training / f"{i}.html").write_text(page(True, extra=f"<input name=n{i}>"))
    git(root, "add", "samples")
    failed = commit_with_hooks(root, "four pages")
    assert failed.returncode != 0 and "(4 pages vectorized" in failed.stdout
    workers = min(usable_cpus(), 4)
    shown = f"vectorizing training for new-password on {workers} workers" if workers > 1 else \
        "vectorizing training for new-password"
    assert f"{shown}: 4/4 (100%)" in failed.stdout, failed.stdout
    assert filenames(root) == [f"{i}.html" for i in range(1, 6)]
