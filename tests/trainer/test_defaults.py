"""`corpus train`'s defaults and refusals, driven through the real command on real-shaped vectors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from corpus.vectors.vectorfile import dump_vectors, vectors_to_json
from trainer.synthetic import make_vectors


def _sets(tmp_path: Path, pages: int = 60, features: int = 12) -> tuple[Path, Path, Path]:
    paths = [tmp_path / f"{name}.json" for name in ("training", "validation", "testing")]
    for seed, path in enumerate(paths, start=1):
        dump_vectors(make_vectors(pages=pages, features=features, seed=seed, target_rate=0.05), path)
    return paths[0], paths[1], paths[2]


def _poisoned(tmp_path: Path, value: str) -> Path:
    """A vector file whose page 3, rule rule4, holds `value` as the raw JSON token."""
    data = vectors_to_json(make_vectors(pages=10, features=6, seed=5))
    page = next(p for p in data["pages"] if p["filename"].endswith("3.html"))
    node = next(n for n in page["nodes"] if not n.get("pruned"))
    node["features"][4] = 12345.0  # a marker replaced by the raw token below
    path = tmp_path / f"bad-{value}.json"
    path.write_text(json.dumps(data).replace("12345.0", value))
    return path


def test_defaults_stop_early_keep_the_best_weights_and_choose_the_cutoff_on_validation(tmp_path, corpus_cli):
    training, validation, testing = _sets(tmp_path)
    model = tmp_path / "model.json"
    result = corpus_cli("train", str(training), "-a", str(validation), "-o", str(model), "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(model.read_text())
    assert data["hyperparameters"]["stop_early"] is True
    best = data["provenance"]["bestIteration"]
    assert best is not None and best >= 10  # rode through Adam's first overshoot
    assert "kept the weights of iteration" in result.stdout
    assert data["cutoffChosenOn"] == "validation" and "chosen on the validation set" in result.stdout
    assert data["metrics"]["validation"]["mcc"] > 0.3

    tested = corpus_cli("test", str(testing), str(model), "--json", cwd=tmp_path)
    assert tested.returncode == 0, tested.stderr
    report = json.loads(tested.stdout)
    assert report["metrics"]["cutoff"] == data["cutoff"] and report["cutoffChosenOn"] == "validation"

    no_stop = corpus_cli("train", str(training), "-a", str(validation), "--no-early-stopping", "-i", "30", "--json",
                         cwd=tmp_path)
    assert json.loads(no_stop.stdout)["model"]["provenance"]["iterationsRun"] == 30


def test_stop_early_asked_for_without_validation_is_a_usage_error(tmp_path, corpus_cli):
    training, _, _ = _sets(tmp_path, pages=10)
    result = corpus_cli("train", str(training), "-s", cwd=tmp_path)
    assert result.returncode == 2 and "validation" in result.stderr
    alone = corpus_cli("train", str(training), "-i", "20", "-q", cwd=tmp_path)
    assert alone.returncode == 0 and "no early stopping: ran all 20 iterations" in alone.stdout


@pytest.mark.parametrize("token", ["NaN", "1e308", "-Infinity"])
def test_a_non_finite_feature_is_refused_naming_file_page_and_rule(tmp_path, corpus_cli, token):
    bad = _poisoned(tmp_path, token)
    model = tmp_path / "models" / "x.json"
    result = corpus_cli("train", str(bad), "-o", str(model), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len([line for line in lines if line.startswith("corpus: error")]) == 1
    error = next(line for line in lines if line.startswith("corpus: error"))
    assert bad.name in error and "3.html" in error and "rule4" in error and "not a finite number" in error
    assert not model.exists()


def test_model_files_are_strict_json_and_nan_is_refused_on_the_way_in(tmp_path, corpus_cli):
    training, validation, testing = _sets(tmp_path, pages=20)
    model = tmp_path / "model.json"
    assert corpus_cli("train", str(training), "-a", str(validation), "-o", str(model), "-q",
                      cwd=tmp_path).returncode == 0
    node = shutil.which("node")
    assert node, "node is needed to check model files with JavaScript's JSON.parse (apt-get install nodejs)"
    parsed = subprocess.run([node, "-e", "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))",
                             str(model)], capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stderr

    for field, value in (("bias", "NaN"), ("cutoff", "NaN"), ("cutoff", "1.5")):
        data = json.loads(model.read_text())
        data[field] = 12345.0
        broken = tmp_path / f"broken-{field}-{value}.json"
        broken.write_text(json.dumps(data).replace("12345.0", value))
        result = corpus_cli("test", str(testing), str(broken), cwd=tmp_path)
        assert result.returncode == 2 and broken.name in result.stderr, result.stderr  # bad input
        assert len(result.stderr.strip().splitlines()) == 1

    nan_cutoff = corpus_cli("test", str(testing), str(model), "-t", "nan", cwd=tmp_path)
    assert nan_cutoff.returncode == 2 and "not a finite number" in nan_cutoff.stderr
    nan_rate = corpus_cli("train", str(training), "-l", "nan", cwd=tmp_path)
    assert nan_rate.returncode == 2


def test_a_run_that_hardly_trained_is_warned_about_and_not_written_over_a_better_model(tmp_path, corpus_cli):
    training, validation, _ = _sets(tmp_path)
    model = tmp_path / "model.json"
    good = corpus_cli("train", str(training), "-a", str(validation), "-o", str(model), "-q", cwd=tmp_path)
    assert good.returncode == 0 and "warning" not in good.stderr
    before = model.read_bytes()

    # fathom's patience of 1: validation loss rises at once after Adam's first big step.
    hasty = corpus_cli("train", str(training), "-a", str(validation), "-o", str(model), "-q", "--patience", "1",
                       cwd=tmp_path)
    assert hasty.returncode == 1
    assert "warning: early stopping kept the weights of iteration" in hasty.stderr
    assert "kept the existing model" in hasty.stderr and "--overwrite" in hasty.stderr
    assert model.read_bytes() == before

    forced = corpus_cli("train", str(training), "-a", str(validation), "-o", str(model), "-q", "--patience", "1",
                        "--overwrite", cwd=tmp_path)
    assert forced.returncode == 0 and "warning" in forced.stderr
    assert model.read_bytes() != before


def test_wilson_intervals_and_an_undefined_mcc_are_shown_as_such(tmp_path, corpus_cli):
    data = vectors_to_json(make_vectors(pages=5, features=4, seed=9, target_rate=0.0))
    negatives_only = tmp_path / "negatives.json"
    negatives_only.write_text(json.dumps(data))
    weights = json.dumps({"coeffs": [[f"rule{i}", -1.0] for i in range(4)], "bias": -3.0})
    result = corpus_cli("test", str(negatives_only), weights, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "MCC: undefined (no targets)" in result.stdout and "MCC: 0.0000" not in result.stdout
    assert "95% Wilson CI" in result.stdout
    fpr_line = next(line for line in result.stdout.splitlines() if "FPR:" in line)
    low, high = (float(x) for x in fpr_line.split("(")[1].rstrip(")").split(","))
    assert low == 0.0 and high > 0.0  # 0 errors is not proof of a rate of exactly 0
    as_json = json.loads(corpus_cli("test", str(negatives_only), weights, "--json", cwd=tmp_path).stdout)
    assert as_json["metrics"]["mcc"] is None


def _assert_real_png(path: Path, min_size: tuple[int, int]) -> None:
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        assert image.width >= min_size[0] and image.height >= min_size[1]
        pixels = np.asarray(image.convert("RGB"))
    colors = {tuple(c) for c in pixels.reshape(-1, 3)[:: max(1, pixels.size // 60000)]}
    assert len(colors) > 50  # text, axes, two curves: not a blank or single-color image
    orange = np.all(np.abs(pixels.astype(int) - (0xE8, 0x71, 0x0A)) < 30, axis=2).sum()
    blue = np.all(np.abs(pixels.astype(int) - (0x1A, 0x73, 0xE8)) < 30, axis=2).sum()
    assert orange > 200 and blue > 200  # both series are drawn


def test_train_plot_and_histogram_png_are_real_plots(tmp_path, corpus_cli):
    training, validation, _ = _sets(tmp_path, pages=40, features=6)
    plot = tmp_path / "curves.png"
    result = corpus_cli("train", str(training), "-a", str(validation), "--plot", str(plot), "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _assert_real_png(plot, (900, 400))

    png = tmp_path / "histogram.png"
    result = corpus_cli("histogram", str(training), "--png", str(png), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _assert_real_png(png, (600, 600))


def test_comment_without_tensorboard_says_so(tmp_path, corpus_cli):
    training, _, _ = _sets(tmp_path, pages=5)
    # A tensorboard package that cannot be imported, ahead of the installed one on the path.
    blocker = tmp_path / "no-tensorboard"
    (blocker / "tensorboard").mkdir(parents=True)
    (blocker / "tensorboard" / "__init__.py").write_text("raise ImportError('tensorboard is not installed')\n")
    exe = Path(shutil.which("corpus") or "corpus")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    result = subprocess.run([str(exe), "train", str(training), "-i", "5", "-q", "-c", "try1"], cwd=tmp_path,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "-c: tensorboard is not installed" in result.stderr and "corpus[tensorboard]" in result.stderr


def test_loss_curves_go_to_tensorboard_runs_named_by_the_comment(tmp_path, corpus_cli):
    from trainer.tensorboard import INSTALL_HINT, tensorboard_available

    assert tensorboard_available(), f"tensorboard is part of the install ({INSTALL_HINT}; ./setup.sh does it)"
    training, validation, _ = _sets(tmp_path, pages=10)
    result = corpus_cli("train", str(training), "-a", str(validation), "-i", "20", "-q", "-c", "firstTry",
                        cwd=tmp_path)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    runs = [run for run in (tmp_path / "runs").iterdir() if run.name.endswith(",firstTry")]
    assert len(runs) == 1
    events = list(runs[0].glob("events.out.tfevents.*"))
    assert events and events[0].stat().st_size > 100  # the scalars were written

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(runs[0]))
    accumulator.Reload()
    assert set(accumulator.Tags()["scalars"]) == {"loss", "validation_loss"}
    losses = [event.value for event in accumulator.Scalars("loss")]
    assert [event.step for event in accumulator.Scalars("loss")] == list(range(len(losses)))
    assert len(losses) == 20 and losses[-1] < losses[0]  # every iteration's loss, and it fell
