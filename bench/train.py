"""Benchmark: our trainer against fathom-train (fathom-web) on the same vector files.

    .venv/bin/python bench/train.py            # full size: 100 + 100 pages, 30 rules
    .venv/bin/python bench/train.py --pages 20 # quick

Makes a realistic vector set (tens of rules, thousands of candidates, ~2%
targets, a few pruned), installs fathom-web in a throwaway virtualenv (torch and
numpy come from this one; the rest are the old versions its code imports), and
trains both with the same options: Adam, learning rate 1.0, full batch, 1000
iterations, validation loss computed every iteration, no early stopping. Both
models are scored by the same code (trainer/metrics.py) so the numbers compare.
Prints wall times, accuracy and MCC, and the ratios. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from corpus.vectors.vectorfile import dump_vectors
from trainer.dataset import Dataset, load_dataset
from trainer.metrics import evaluate
from trainer.model import Network, linear_network
from trainer.synthetic import make_vectors
from trainer.train import Hyperparameters, train_network

# What fathom-web 3.7's trainer imports, at versions its code still runs with.
ANCHOR_PACKAGES = [
    "click<8",
    "more-itertools<9",
    "tensorboardX<2",
    "protobuf<4",
    "filelock",
    "selenium",
    "numpy==1.23.5",
    "scipy==1.10.1",
    "scikit-learn==1.2.2",
]

# Runs inside the throwaway venv: times fathom's own training function on the files.
ANCHOR_DRIVER = textwrap.dedent("""
    import json, sys, time
    from fathom_web.commands.train import learn
    from fathom_web.utils import tensors_from

    training, validation, iterations = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
    x, y, _, prunes = tensors_from(training["pages"])
    vx, vy, _, _ = tensors_from(validation["pages"])
    start = time.perf_counter()
    model = learn(1.0, iterations, x, y, 0.5, prunes, validation=(vx, vy), stop_early=False)
    seconds = time.perf_counter() - start
    weights = dict(model.named_parameters())
    print(json.dumps({"seconds": seconds, "weights": weights["0.weight"][0].tolist(),
                      "bias": weights["0.bias"][0].item()}))
""")


def make_anchor_venv(where: Path) -> Path:
    """A virtualenv with fathom-web; returns its python."""
    subprocess.run([sys._base_executable, "-m", "venv", str(where)], check=True)  # type: ignore[attr-defined]
    python = where / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], check=True, capture_output=True, text=True
    ).stdout.strip()
    # torch comes from our venv; this venv's own packages come first on sys.path.
    ours = next(p for p in sys.path if p.endswith("site-packages"))
    Path(site, "zz_corpus_venv.pth").write_text(ours + "\n")
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", "fathom-web"], check=True, stderr=subprocess.DEVNULL)
    subprocess.run([*pip, *ANCHOR_PACKAGES], check=True, stderr=subprocess.DEVNULL)
    return python


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{command[0]} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start, result.stdout


def scores(network: Network, training: Dataset, validation: Dataset) -> dict[str, float]:
    t, v = evaluate(network, training, 0.5).metrics, evaluate(network, validation, 0.5).metrics
    return {
        "training accuracy": t.accuracy,
        "training MCC": t.mcc,
        "validation accuracy": v.accuracy,
        "validation MCC": v.mcc,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="pages per set (default 100: about 5,000 candidates)")
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--venv", type=Path, help="reuse this anchor virtualenv (made if missing)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        work = Path(tmp)
        training_file, validation_file = work / "training.json", work / "validation.json"
        dump_vectors(make_vectors(args.pages, args.features, seed=1), training_file)
        dump_vectors(make_vectors(args.pages, args.features, seed=2), validation_file)
        training, validation = load_dataset(training_file), load_dataset(validation_file)
        pruned = training.pruned_targets + validation.pruned_targets
        print(
            f"{len(training.y)} training and {len(validation.y)} validation candidates, {args.features} rules, "
            f"{training.targets} + {validation.targets} targets ({pruned} pruned)"
        )

        venv = args.venv or work / "anchor-venv"
        python = venv / "bin" / "python" if (venv / "bin" / "python").exists() else make_anchor_venv(venv)
        driver = work / "anchor_driver.py"
        driver.write_text(ANCHOR_DRIVER)

        # The training loop alone, in process, for both.
        _, out = timed([str(python), str(driver), str(training_file), str(validation_file), str(args.iterations)], work)
        anchor = json.loads(out.strip().splitlines()[-1])
        names = training.feature_names
        anchor_net = linear_network(list(zip(names, anchor["weights"])), anchor["bias"])
        start = time.perf_counter()
        ours = train_network(training, Hyperparameters(iterations=args.iterations), validation)
        our_seconds = time.perf_counter() - start

        # The whole command, start-up and reports included.
        iterations = ["-i", str(args.iterations)]
        anchor_cmd, _ = timed(
            [
                str(venv / "bin" / "fathom"),
                "train",
                str(training_file),
                "-a",
                str(validation_file),
                "--no-early-stopping",
                "-q",
                *iterations,
            ],
            work,
        )
        our_cmd, _ = timed(
            [
                str(Path(sys.executable).parent / "corpus"),
                "train",
                str(training_file),
                "-a",
                str(validation_file),
                "-q",
                *iterations,
            ],
            work,
        )

    theirs, mine = scores(anchor_net, training, validation), scores(ours.network, training, validation)
    rows = [("training loop, s", anchor["seconds"], our_seconds), ("whole command, s", anchor_cmd, our_cmd)]
    print(f"\n{'':<22}{'fathom-train':>14}{'corpus train':>14}{'ratio':>10}")
    for label, a, b in rows:
        print(f"{label:<22}{a:>14.3f}{b:>14.3f}{a / b:>9.1f}x faster")
    for key in theirs:
        print(f"{key:<22}{theirs[key]:>14.4f}{mine[key]:>14.4f}{mine[key] - theirs[key]:>+10.4f}")


if __name__ == "__main__":
    main()
