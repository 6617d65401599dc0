"""train/test/histogram on folders and retrain vectorize on the cluster that
--scheduler, CORPUS_SCHEDULER or training.yaml's `scheduler:` names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cluster.test_cluster_vectorize import make_corpus


def corpus_with_pages(tmp_path: Path, corpus_cli) -> Path:
    marker = tmp_path / "killed-once"
    marker.touch()  # no worker is killed here
    root = tmp_path / "corpus"
    corpus_cli("init", str(root), cwd=tmp_path)
    shutil.rmtree(root / "samples" / "training")
    make_corpus(root, marker, count=4)
    (root / "samples" / "training" / "n5.html").write_text("<form><input type=password id=other></form>")
    return root


def test_histogram_of_a_folder_on_the_cluster(tmp_path: Path, cluster: str, corpus_cli) -> None:
    root = corpus_with_pages(tmp_path, corpus_cli)
    done = corpus_cli("histogram", "samples/training", "--trainee", "new-password", "--scheduler", cluster, cwd=root)
    assert done.returncode == 0, done.stderr
    assert f"on {cluster}" in done.stderr and "is_password" in done.stdout
    vectors = json.loads((root / "vectors" / "training_new-password.json").read_text())
    assert len(vectors["pages"]) == 5


def test_retrain_uses_the_scheduler_in_training_yaml(tmp_path: Path, cluster: str, corpus_cli) -> None:
    root = corpus_with_pages(tmp_path, corpus_cli)
    (root / "training.yaml").write_text(f"scheduler: {cluster}\ntrainees:\n  new-password:\n    iterations: 20\n")
    done = corpus_cli("retrain", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert f"vectorizing on {cluster}" in done.stderr
    assert (root / "models" / "new-password.json").exists()
    # `--scheduler local` wins over training.yaml: nothing to redo, no cluster contacted
    again = corpus_cli("retrain", "--scheduler", "local", "--force", "--json", cwd=root)
    assert again.returncode == 0, again.stderr
    assert "vectorizing on" not in again.stderr
