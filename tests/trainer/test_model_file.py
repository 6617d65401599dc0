"""Model files: written by `corpus train`, read back by `corpus test` with the same numbers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from corpus.vectors.vectorfile import dump_vectors
from trainer.model import Layer, Network
from trainer.modelfile import (
    ModelFile,
    dumps_model,
    load_model,
    model_from_json,
    parse_weights,
)
from trainer.synthetic import make_vectors


def _vector_files(tmp_path: Path) -> tuple[Path, Path]:
    training, validation = tmp_path / "training.json", tmp_path / "validation.json"
    dump_vectors(make_vectors(pages=40, features=8, seed=1, target_rate=0.05), training)
    dump_vectors(make_vectors(pages=40, features=8, seed=2, target_rate=0.05), validation)
    return training, validation


def test_train_writes_a_model_that_test_reads_back_with_the_same_numbers(tmp_path: Path, corpus_cli) -> None:
    training, validation = _vector_files(tmp_path)
    model = tmp_path / "models" / "login.json"
    trained = corpus_cli(
        "train",
        str(training),
        "-a",
        str(validation),
        "--trainee",
        "login",
        "-o",
        str(model),
        "-i",
        "200",
        "--json",
        cwd=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr
    report = json.loads(trained.stdout)

    data = json.loads(model.read_text())
    assert [name for name, _ in data["coeffs"]] == [f"rule{i}" for i in range(8)]
    # The cutoff is chosen on validation (its best MCC) and recorded, never 0.5 by habit.
    assert isinstance(data["bias"], float) and data["cutoffChosenOn"] == "validation"
    assert data["cutoff"] == report["validation"]["metrics"]["optimal_cutoff"] == report["validation"]["metrics"]["cutoff"]
    assert data["hyperparameters"]["iterations"] == 200
    for set_name, path in (("training", training), ("validation", validation)):  # what staleness compares
        assert data["provenance"]["vectors"][set_name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert data["metrics"]["validation"]["mcc"] is not None

    tested = corpus_cli("test", str(validation), str(model), "--json", cwd=tmp_path)
    assert tested.returncode == 0, tested.stderr
    tested_report = json.loads(tested.stdout)
    assert tested_report.pop("cutoffChosenOn") == "validation"
    assert tested_report == report["validation"]

    # The weights alone, as the old trainer printed them, give the same counts too (at the same cutoff).
    weights = json.dumps({"coeffs": data["coeffs"], "bias": data["bias"]})
    again = corpus_cli("test", str(validation), weights, "-t", str(data["cutoff"]), "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["metrics"]["confusion"] == report["validation"]["metrics"]["confusion"]


def test_text_reports_show_metrics_and_per_tag_results(tmp_path: Path, corpus_cli) -> None:
    training, validation = _vector_files(tmp_path)
    result = corpus_cli("train", str(training), "-a", str(validation), "-i", "50", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for expected in ('{"coeffs": [', "Training: ", "Validation: ", "MCC:", "95% Wilson CI", "per-tag results", "pruned"):
        assert expected in result.stdout
    quiet = corpus_cli("train", str(training), "-i", "50", "-q", "-t", "0.3", cwd=tmp_path)
    assert "per-tag results" not in quiet.stdout and "cutoff 0.3000" in quiet.stdout
    assert not (tmp_path / "models").exists()  # no --trainee, no -o: nothing written


def test_old_style_weights_and_hidden_layers_round_trip() -> None:
    old = "{'coeffs': [['a', 1.5], ['b', -2.0],], 'bias': -0.5}"  # how fathom-train printed them
    model = parse_weights(old)
    assert model.network.coeffs() == [("a", 1.5), ("b", -2.0)] and model.network.bias == -0.5

    net = Network(
        ["a", "b"], [Layer([[0.1, 0.2], [0.3, -0.4], [1.0, 1.0]], [0.0, 0.1, -0.1]), Layer([[1.0, -1.0, 0.5]], [0.25])]
    )
    text = dumps_model(ModelFile(net, cutoff=0.4, trainee="t"))
    back = model_from_json(json.loads(text))
    assert back.network == net and back.cutoff == 0.4 and "coeffs" not in json.loads(text)


def test_bad_model_files_are_refused_with_their_name(tmp_path: Path, corpus_cli) -> None:
    vectors = tmp_path / "v.json"
    dump_vectors(make_vectors(pages=3, features=2), vectors)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "corpus-model", "version": 9, "coeffs": [], "bias": 0}')
    result = corpus_cli("test", str(vectors), str(bad), cwd=tmp_path)
    assert result.returncode == 2 and "bad.json" in result.stderr and "version 9" in result.stderr
    missing = corpus_cli("test", str(vectors), '{"coeffs": [["nope", 1.0]], "bias": 0}', cwd=tmp_path)
    assert missing.returncode == 2 and "'nope'" in missing.stderr
    deep = tmp_path / "deep.json"  # json's parser recurses: this was a RecursionError traceback
    deep.write_text("[" * 100_000)
    result = corpus_cli("test", str(vectors), str(deep), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if "deep.json" in line]
    for weights in ("{" + "[" * 100_000, "{[1]: 2}", "{{[1]}}"):  # read as Python literals, which raise these too
        result = corpus_cli("test", str(vectors), weights, cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr and "WEIGHTS" in result.stderr
    try:
        load_model(vectors)
    except Exception as e:
        assert "v.json" in str(e)
    else:
        raise AssertionError("a vector file was read as a model")
