"""`corpus train`'s decisions as a plain function: where the model goes, whether it is written, the JSON."""

from __future__ import annotations

from pathlib import Path

from corpus.vectors.vectorfile import dump_vectors
from trainer.command import TrainOptions, train_command
from trainer.hyperparameters import Hyperparameters
from trainer.modelfile import load_model
from trainer.synthetic import make_vectors


def test_the_model_goes_to_models_trainee_json_in_the_corpus(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the TensorBoard runs/ go to the cwd
    training = tmp_path / "training.json"
    dump_vectors(make_vectors(pages=10, features=4, seed=1, target_rate=0.1), training)
    hp = Hyperparameters(iterations=30)

    outcome = train_command(TrainOptions(training, trainee="login", hyperparameters=hp, root=tmp_path))
    assert outcome.written == tmp_path / "models" / "login.json" and outcome.kept_existing is None
    assert load_model(outcome.written).trainee == "login"
    data = outcome.to_json()
    assert data["modelFile"] == str(outcome.written) and "validation" not in data
    assert data["model"]["trainee"] == "login" and data["warnings"] == outcome.warnings

    anonymous = train_command(TrainOptions(training, hyperparameters=hp, root=tmp_path))
    assert anonymous.out is None and anonymous.written is None and anonymous.to_json()["modelFile"] is None
