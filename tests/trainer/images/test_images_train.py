"""Training the image classifier on clearly different pictures, saving it, predicting with it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch
from PIL import Image, ImageDraw, ImageFont

from trainer.images.dataset import ImageDataset, Preprocessing
from trainer.images.modeldir import LoadedModel, load_model, save_model
from trainer.images.predict import predict, predict_probabilities
from trainer.images.train import TrainConfig, TrainResult, train

WORDS = ["Sign up", "Buy now", "click here", "Download", "Read more", "Next", "Submit", "learn more", "Cart", "Go"]
SIZE = 64  # small to keep the test quick; the architecture is the same as at 256


def draw_dataset(root: Path, per_class: int, seed: int = 0) -> Path:
    """Filled rounded rectangles with white text vs underlined dark text on white."""
    rng = random.Random(seed)
    font = ImageFont.load_default(size=16)
    for cls in ("buttons", "links"):
        (root / cls).mkdir(parents=True)
        for i in range(per_class):
            text = rng.choice(WORDS)
            width, height = rng.randint(90, 220), rng.randint(30, 56)
            image = Image.new("RGB", (width, height), "white")
            draw = ImageDraw.Draw(image)
            if cls == "buttons":
                fill = tuple(rng.randint(0, 150) for _ in range(3))
                draw.rounded_rectangle((2, 2, width - 3, height - 3), radius=rng.randint(3, 12), fill=fill)
                draw.text((width / 2, height / 2), text, fill="white", font=font, anchor="mm")
            else:
                color = (rng.randint(0, 60), rng.randint(0, 60), rng.randint(120, 230))
                left, _top, right, bottom = draw.textbbox((6, height / 2), text, font=font, anchor="lm")
                draw.text((6, height / 2), text, fill=color, font=font, anchor="lm")
                draw.line((left, bottom + 2, right, bottom + 2), fill=color, width=1)
            image.save(root / cls / f"{cls[0]}{i:03d}.png")
    return root


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return draw_dataset(tmp_path_factory.mktemp("images") / "data", per_class=50)


@pytest.fixture(scope="module")
def trained(dataset: Path) -> TrainResult:
    return train(TrainConfig(dataset, size=SIZE, epochs=6, batch_size=16, workers=1, jpeg_quality=(30, 90)))


def test_model_tells_buttons_from_links(trained: TrainResult) -> None:
    assert trained.classes == ("buttons", "links")
    assert len(trained.split.validation) == 40  # int(0.4 * 100), one image per source here
    assert trained.validation.accuracy >= 0.95
    assert sum(map(sum, trained.validation.confusion)) == 40
    assert [s.epoch for s in trained.history] == [1, 2, 3, 4, 5, 6]
    assert trained.history[-1].loss < trained.history[0].loss


def test_saved_model_reloads_and_predicts_identically(trained: TrainResult, tmp_path: Path, dataset: Path) -> None:
    images = [dataset / i.path for i in trained.split.validation]
    save_model(tmp_path / "model", trained, git_commit=None)
    loaded = load_model(tmp_path / "model")

    assert loaded.classes == trained.classes
    assert loaded.preprocessing == Preprocessing(size=SIZE, grayscale=True)
    before = predict_probabilities(LoadedModel(trained.model, trained.classes, trained.preprocessing, {}), images)
    after = predict_probabilities(loaded, images)
    assert torch.equal(before, after)
    labels = [trained.classes[i.label] for i in trained.split.validation]
    hits = sum(p.label == t for p, t in zip(predict(loaded, images), labels))
    assert hits / len(labels) == trained.validation.accuracy


def test_a_tampered_model_is_refused(trained: TrainResult, tmp_path: Path, corpus_cli) -> None:
    save_model(tmp_path / "model", trained)
    weights = tmp_path / "model" / "weights.pt"
    weights.write_bytes(weights.read_bytes()[:-10])
    result = corpus_cli("predict-images", str(tmp_path / "model"), str(weights), cwd=tmp_path)
    assert result.returncode == 1
    assert "weights.pt: does not match model.json" in result.stderr


def test_training_is_reproducible_whatever_the_number_of_workers(dataset: Path) -> None:
    runs = [train(TrainConfig(dataset, size=32, epochs=1, batch_size=16, workers=w, jpeg_quality=(20, 60)))
            for w in (0, 2)]
    first, second = (r.model.state_dict() for r in runs)
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_jpeg_augmentation_changes_some_images_and_never_labels(dataset: Path) -> None:
    paths = sorted((dataset / "buttons").glob("*.png"))[:20]
    prep = Preprocessing(size=SIZE)
    clean = ImageDataset(paths, [0] * 20, prep)
    augmented = ImageDataset(paths, [0] * 20, prep, jpeg_quality=(5, 10), seed=1)
    changed = [not torch.equal(clean[i][0], augmented[(0, i)][0]) for i in range(20)]
    assert 0 < sum(changed) < 20  # about half are re-encoded
    assert all(augmented[(0, i)][1] == 0 for i in range(20))
    assert torch.equal(augmented[(3, 5)][0], augmented[(3, 5)][0])  # the same draw for the same epoch


def test_cli_trains_saves_and_predicts(dataset: Path, tmp_path: Path, corpus_cli) -> None:
    model = tmp_path / "model"
    result = corpus_cli("train-images", str(dataset), "-o", str(model), "--size", "32", "--epochs", "2",
                        "--batch-size", "16", "--group-by", "file", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["classes"] == ["buttons", "links"]
    assert info["split"] == {"training": 60, "validation": 40}
    assert len(info["provenance"]["dataset_sha256"]) == 64
    assert "epoch 2/2" in result.stderr
    assert json.loads((model / "model.json").read_text()) == info

    images = [str(dataset / "buttons" / "b000.png"), str(dataset / "links" / "l000.png")]
    shown = corpus_cli("predict-images", str(model), *images, "--json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert [r["image"] for r in rows] == images
    for row in rows:
        assert row["class"] in ("buttons", "links")
        assert row["probability"] == max(row["probabilities"].values())
        assert sum(row["probabilities"].values()) == pytest.approx(1.0)
    text = corpus_cli("predict-images", str(model), *images, cwd=tmp_path)
    assert [line.split("\t")[1] for line in text.stdout.splitlines()] == [r["class"] for r in rows]


def test_cli_refuses_bad_options_with_exit_2(dataset: Path, tmp_path: Path, corpus_cli) -> None:
    result = corpus_cli("train-images", str(dataset), "--jpeg-quality", "90-20", cwd=tmp_path)
    assert result.returncode == 2
    assert "--jpeg-quality 90-20" in result.stderr
    result = corpus_cli("train-images", str(dataset), "--validation-split", "1.5", cwd=tmp_path)
    assert result.returncode == 2
