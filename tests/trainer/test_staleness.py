"""`corpus status` says, like `dvc status`, which vectors and models are stale and why;
and which samples are uncommitted and which LFS objects are unpushed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.trainer.test_retrain import OTHERS, TARGET, _make_samples, page


def _status(corpus_cli, root: Path) -> dict:
    result = corpus_cli("status", "--json", cwd=root)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _reasons(report: dict) -> dict[str, list[str]]:
    return {entry["path"]: entry["reasons"] for entry in report["staleness"]}


def test_status_marks_vectors_and_models_stale_with_the_reason(corpus_root: Path, corpus_cli, commit, git) -> None:
    _make_samples(corpus_root)
    assert corpus_cli("retrain", cwd=corpus_root).returncode == 0
    commit(corpus_root, "samples, vectors, model")
    vectors, model = "vectors/training_new-password.json", "models/new-password.json"

    fresh = _status(corpus_cli, corpus_root)
    assert _reasons(fresh) == {vectors: [], "vectors/validation_new-password.json": [], model: []}
    assert fresh["unsaved"]["uncommitted"] == []
    text = corpus_cli("status", cwd=corpus_root).stdout
    assert f"{model}: up to date" in text and "uncommitted samples: none" in text

    # A page edited and one added: the training vectors are stale, and so is the model trained on them.
    training = corpus_root / "samples" / "training"
    (training / "2.html").write_text(page(TARGET.format(n=2) + OTHERS.format(n=22)))
    (training / "7.html").write_text(page(TARGET.format(n=7) + OTHERS.format(n=7)))
    report = _status(corpus_cli, corpus_root)
    reasons = _reasons(report)
    assert reasons[vectors] == ["1 page added in samples/training", "1 page changed in samples/training"]
    assert reasons["vectors/validation_new-password.json"] == []
    assert any("training vectors are stale" in r for r in reasons[model])
    assert sorted(report["unsaved"]["uncommitted"]) == [" M samples/training/2.html", "?? samples/training/7.html"]
    text = corpus_cli("status", cwd=corpus_root).stdout
    assert f"{vectors}: stale: 1 page added in samples/training; 1 page changed" in text
    assert "uncommitted samples: 2" in text

    # Re-vectorized (and retrained): up to date again, though still uncommitted.
    assert corpus_cli("retrain", cwd=corpus_root).returncode == 0
    assert all(not r for r in _reasons(_status(corpus_cli, corpus_root)).values())

    # The ruleset changes: every vector file and the model.
    ruleset = corpus_root / "rulesets.py"
    ruleset.write_text(ruleset.read_text() + "\n# a comment changes the hash too\n")
    reasons = _reasons(_status(corpus_cli, corpus_root))
    assert "ruleset changed" in reasons[vectors] and "ruleset changed" in reasons[model]
    git(corpus_root, "checkout", "--", "rulesets.py")

    # Hyperparameters in training.yaml change: the model only.
    (corpus_root / "training.yaml").write_text("trainees:\n  new-password:\n    iterations: 300\n")
    reasons = _reasons(_status(corpus_cli, corpus_root))
    assert reasons[model] == ["hyperparameters changed"] and reasons[vectors] == []


def test_status_lists_lfs_objects_not_yet_pushed(corpus_root: Path, corpus_cli, commit, git, tmp_path) -> None:
    assert _status(corpus_cli, corpus_root)["unsaved"]["remote"] is None
    assert "LFS objects: no remote to push to" in corpus_cli("status", cwd=corpus_root).stdout

    (corpus_root / "samples" / "training" / "1.html").write_text(page(TARGET.format(n=1)))
    commit(corpus_root, "a page")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(corpus_root, "remote", "add", "origin", str(remote))
    git(corpus_root, "push", "-q", "-u", "origin", "HEAD:main")

    resource = corpus_root / "samples" / "training" / "resources" / "1" / "logo.png"
    resource.parent.mkdir(parents=True)
    resource.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    report = _status(corpus_cli, corpus_root)
    assert report["unsaved"]["uncommitted_resources"] == 1
    commit(corpus_root, "a resource")
    report = _status(corpus_cli, corpus_root)
    assert report["unsaved"]["remote"] == "origin"
    assert report["unsaved"]["unpushed_lfs"] == ["samples/training/resources/1/logo.png"]
    assert "LFS objects not yet pushed to origin: 1" in corpus_cli("status", cwd=corpus_root).stdout

    git(corpus_root, "push", "-q", "origin", "HEAD:main")
    assert _status(corpus_cli, corpus_root)["unsaved"]["unpushed_lfs"] == []


def test_a_damaged_vector_file_is_marked_unreadable_not_a_crash(corpus_root: Path, corpus_cli) -> None:
    vectors = corpus_root / "vectors"
    vectors.mkdir(exist_ok=True)
    damaged = {
        "training_a.json": '{"header": [1], "pages": []}',  # a header that is no object
        "training_b.json": "[1, 2]",  # no object at all
        "training_c.json": '{"header": ' + "[" * 100_000,  # nested past json's recursion limit
    }
    for name, text in damaged.items():
        (vectors / name).write_text(text)
    reasons = _reasons(_status(corpus_cli, corpus_root))
    for name in damaged:
        assert len(reasons[f"vectors/{name}"]) == 1 and reasons[f"vectors/{name}"][0].startswith("unreadable: ")
