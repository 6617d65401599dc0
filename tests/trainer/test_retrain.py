"""`corpus retrain` and `corpus metrics`: retraining driven by what git holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.cluster.address import resolve_scheduler
from corpus.errors import CorpusError
from tests import rulesets
from trainer.config import load_training_config
from trainer.retrain import retrain

RULESET = rulesets.PASSWORD_AND_NEW


def page(inputs: str) -> str:
    return f"<!doctype html><html><head><title>t</title></head><body><form>{inputs}</form></body></html>"


TARGET = '<input type=password id=new{n} data-fathom="new-password">'
OTHERS = "<input type=text id=user{n}><input type=password id=current{n}><input type=text id=mail{n}>"



def _make_samples(root: Path) -> None:
    (root / "rulesets.py").write_text(RULESET)
    (root / "training.yaml").write_text("trainees:\n  new-password:\n    iterations: 200\n")
    for n in range(1, 5):
        (root / "samples" / "training" / f"{n}.html").write_text(page(TARGET.format(n=n) + OTHERS.format(n=n)))
    (root / "samples" / "training" / "n5.html").write_text(page(OTHERS.format(n=5)))
    (root / "samples" / "validation" / "6.html").write_text(page(TARGET.format(n=6) + OTHERS.format(n=6)))


def test_train_and_test_take_set_folders(corpus_root: Path, corpus_cli) -> None:
    _make_samples(corpus_root)
    trained = corpus_cli(
        "train",
        "samples/training",
        "-a",
        "samples/validation",
        "--trainee",
        "new-password",
        "-i",
        "100",
        "-q",
        cwd=corpus_root,
    )
    assert trained.returncode == 0, trained.stderr
    assert "wrote models/new-password.json" in trained.stdout
    assert (corpus_root / "vectors" / "training_new-password.json").is_file()
    tested = corpus_cli("test", "samples/validation", "models/new-password.json", "--json", cwd=corpus_root)
    assert json.loads(tested.stdout)["metrics"]["confusion"]["true_positives"] == 1
    folder = corpus_cli("train", "samples/training", cwd=corpus_root)
    assert folder.returncode == 2 and "--trainee" in folder.stderr


def test_retrain_only_when_something_changed_and_metrics_show_the_change(corpus_root: Path, git, corpus_cli, commit) -> None:
    root = corpus_root
    _make_samples(root)
    commit(root, "samples")

    first = retrain(root)
    assert [(r.trainee, r.retrained, r.reasons) for r in first] == [("new-password", True, ["no model file yet"])]
    model_file = root / "models" / "new-password.json"
    recorded = json.loads(model_file.read_text())
    assert recorded["metrics"]["training"]["accuracy"] == 1.0
    assert set(recorded["provenance"]["vectors"]) == {"training", "validation"}
    commit(root, "model")

    again = corpus_cli("retrain", cwd=root)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "models/new-password.json: up to date"
    assert git(root, "status", "--porcelain") == ""  # nothing rewritten, not even the vectors

    # A committed sample edit: a target that looks like every other text field.
    (root / "samples" / "training" / "2.html").write_text(
        page(TARGET.format(n=2) + OTHERS.format(n=2) + '<input type=text id=alias2 data-fathom="new-password">')
    )
    commit(root, "a hard sample")
    edited = retrain(root)
    assert edited[0].retrained and edited[0].reasons == ["training vectors changed"]
    commit(root, "retrained model")

    diff = corpus_cli("metrics", "HEAD", "--diff", "HEAD~2", "--json", cwd=root)
    assert diff.returncode == 0, diff.stderr
    accuracy = next(c for c in json.loads(diff.stdout) if c["set_name"] == "training" and c["key"] == "accuracy")
    assert accuracy["old"] == 1.0 and accuracy["new"] < 1.0 and accuracy["delta"] < 0
    text = corpus_cli("metrics", "HEAD", "--diff", "HEAD~2", cwd=root).stdout
    assert "accuracy" in text and "worse" in text

    # Hyperparameters are inputs too.
    (root / "training.yaml").write_text("trainees:\n  new-password:\n    iterations: 150\n")
    assert retrain(root)[0].reasons == ["hyperparameters changed"]


def test_metrics_of_a_revision_without_models_and_bad_revisions(corpus_root: Path, corpus_cli, commit) -> None:
    (corpus_root / "README").write_text("x")
    commit(corpus_root, "start")
    empty = corpus_cli("metrics", "HEAD", cwd=corpus_root)
    assert empty.returncode == 0 and "no model files" in empty.stdout
    bad = corpus_cli("metrics", "no-such-rev", cwd=corpus_root)
    assert bad.returncode == 2 and "no-such-rev" in bad.stderr
    no_config = corpus_cli("retrain", cwd=corpus_root)
    assert no_config.returncode == 1 and "training.yaml" in no_config.stderr


def test_fathom_train_options_for_folders(corpus_root: Path, corpus_cli, monkeypatch) -> None:
    _make_samples(corpus_root)
    caches = corpus_root / "caches"
    trained = corpus_cli(
        "train", "samples/training", "-a", "samples/validation", "--trainee", "new-password", "-i", "50", "-q",
        "--training-cache", "caches/tr.json", "--validation-cache", "caches/va.json", "--tabs", "2",
        "--delay", "0.1", cwd=corpus_root,
    )
    assert trained.returncode == 0, trained.stderr
    assert json.loads((caches / "tr.json").read_text())["header"]["featureNames"] == ["is_password", "says_new"]
    assert (caches / "va.json").is_file() and not (corpus_root / "vectors").exists()
    tested = corpus_cli("test", "samples/validation", "models/new-password.json", "--testing-cache", "caches/te.json",
                        "--json", cwd=corpus_root)
    assert tested.returncode == 0, tested.stderr
    assert (caches / "te.json").is_file()

    # --show-browser needs a display; the tests have none.
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    windowless = corpus_cli("train", "samples/training", "--trainee", "new-password", "--show-browser",
                            cwd=corpus_root)
    assert windowless.returncode == 2 and "--show-browser needs a display" in windowless.stderr
    for bad in ("-1", "nan"):
        refused = corpus_cli("histogram", "samples/training", "--trainee", "new-password", "--delay", bad, cwd=corpus_root)
        assert refused.returncode == 2 and "--delay" in refused.stderr


def test_a_training_yaml_nested_past_the_parsers_limit_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "training.yaml").write_text("trainees: " + "[" * 100_000)  # PyYAML recurses: was a traceback
    for read in (lambda: load_training_config(tmp_path), lambda: resolve_scheduler(None, tmp_path)):
        with pytest.raises(CorpusError, match=r"^\S*training\.yaml: [^\n]*$"):
            read()
