"""The image model keeps its best epoch, is measured with test-images, and refuses
huge images and damaged weights in one line."""

from __future__ import annotations

import hashlib
import json
import pickle
import struct
import zlib
from pathlib import Path

import pytest
import torch

from tests.trainer.images.test_images_train import draw_dataset
from trainer.images.modeldir import save_model
from trainer.images.train import TrainConfig, TrainResult, train


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("feedback")
    return draw_dataset(base / "train", per_class=30, seed=1), draw_dataset(base / "test", per_class=12, seed=2)


def _config(data_dir: Path, epochs: int) -> TrainConfig:
    return TrainConfig(data_dir, size=32, epochs=epochs, batch_size=8, workers=0, learning_rate=3e-3)


@pytest.fixture(scope="module")
def trained(data: tuple[Path, Path]) -> TrainResult:
    return train(_config(data[0], epochs=5))


def test_the_best_validation_epoch_is_kept(trained: TrainResult, data) -> None:
    accuracies = [s.validation_accuracy for s in trained.history]
    best = max(accuracies)
    assert trained.best_epoch == accuracies.index(best) + 1  # the first epoch reaching the best
    assert trained.best_epoch < len(accuracies)  # so the weights kept are not the last epoch's
    assert trained.validation.accuracy == best
    # Training is reproducible: a run that stops at the best epoch ends with the kept weights.
    replay = train(_config(data[0], epochs=trained.best_epoch)).model.state_dict()
    kept = trained.model.state_dict()
    assert all(torch.equal(kept[k], replay[k]) for k in kept)


def _huge_png(path: Path, width: int, height: int) -> None:
    """A PNG header claiming width x height pixels (decoding would need gigabytes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


def test_test_images_reports_accuracy_per_class_and_confusion(trained, data, tmp_path, corpus_cli) -> None:
    model = tmp_path / "model"
    save_model(model, trained)
    result = corpus_cli("test-images", str(model), str(data[1]), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["count"] == 24 and sum(map(sum, report["confusion"])) == 24
    assert set(report["classes"]) == {"buttons", "links"}
    assert report["classes"]["buttons"]["support"] == 12
    diagonal = report["confusion"][0][0] + report["confusion"][1][1]
    assert report["accuracy"] == diagonal / 24 and report["accuracy"] > 0.6  # better than chance, consistent
    text = corpus_cli("test-images", str(model), str(data[1]), cwd=tmp_path)
    assert "test images 24, accuracy" in text.stdout and "confusion (rows: true" in text.stdout
    assert "testing images: 24/24" in text.stderr  # progress off a terminal: plain lines

    stranger = tmp_path / "stranger"
    (stranger / "images").mkdir(parents=True)
    (stranger / "images" / "a.png").write_bytes((data[1] / "buttons" / "b000.png").read_bytes())
    refused = corpus_cli("test-images", str(model), str(stranger), cwd=tmp_path)
    assert refused.returncode == 2 and "images unknown to the model" in refused.stderr


def test_a_huge_image_is_refused_in_one_line_with_exit_2(trained, tmp_path, corpus_cli) -> None:
    model = tmp_path / "model"
    save_model(model, trained)
    big, huge = tmp_path / "big.png", tmp_path / "huge.png"
    _huge_png(big, 6000, 6000)  # over our cap of 25 million pixels
    _huge_png(huge, 20000, 20000)  # over Pillow's own bomb limit too
    result = corpus_cli("predict-images", str(model), str(big), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "big.png: 6000 x 6000 pixels" in result.stderr
    result = corpus_cli("predict-images", str(model), str(huge), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "huge.png: far more pixels than an element image may have" in result.stderr


@pytest.mark.parametrize("damage", ["garbage", "code"])
def test_damaged_weights_are_refused_in_one_line(trained, tmp_path, corpus_cli, damage) -> None:
    model = tmp_path / "model"
    save_model(model, trained)
    weights = model / "weights.pt"
    if damage == "garbage":
        weights.write_bytes(b"PK\x03\x04 not a torch file at all" * 10)
    else:  # a pickle that would run code if loaded without weights_only
        weights.write_bytes(pickle.dumps(Path("/tmp/never-run")))
    # Someone updated the recorded hash too: the file must still not be trusted.
    info = json.loads((model / "model.json").read_text())
    info["weights_sha256"] = hashlib.sha256(weights.read_bytes()).hexdigest()
    (model / "model.json").write_text(json.dumps(info))
    result = corpus_cli("predict-images", str(model), str(weights), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "weights.pt: damaged or not plain tensors, refused" in result.stderr
    assert "weights_only=False" not in result.stderr and "Traceback" not in result.stderr
