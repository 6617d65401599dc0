"""Benchmark: the whole `corpus train` command against fathom-train (fathom-web 3.7) on the same files.

    .venv/bin/python bench/train.py                    # 1x, 10x and 100x the real size
    .venv/bin/python bench/train.py --scales 1 --pages 60   # quick

"Real size" is a few hundred pages and tens of rules: at 1x, 300 training, 100
validation and 100 testing pages of 5 to 40 candidates each, 40 rules
(trainer/synthetic.py makes them: yes/no smells and graded scores, ~2% targets,
a few pruned). Each scale multiplies the pages. fathom-web is installed into a
throwaway virtualenv (torch and numpy come from this one; the rest are the old
versions its code imports).

Both commands run whole, as a user runs them (start-up, reading the JSON,
training, reports; per-tag output off with -q), in two settings:

  defaults   each tool's own defaults (both stop early; fathom at the first rise
             of validation loss, corpus after 100 iterations without a new low,
             keeping the lowest point's weights; corpus's cutoff is chosen on
             validation, fathom's is 0.5)
  same work  both --no-early-stopping, 1000 iterations, cutoff 0.5

and a third row made of those runs, the fair comparison when fathom's default
model is useless (it stops at iteration 2 on these vectors, MCC 0):

  equal quality  fathom run the way that gives it a good model (same work's
                 --no-early-stopping, 1000 iterations) against corpus's defaults

Each model is then scored by the same code (trainer/metrics.py) on the testing
file it never saw. Prints seconds (the median of --repeat runs), the ratio, and
testing MCC. The machine may be shared: compare ratios from one run, not seconds
across runs. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from corpus.vectors.vectorfile import dump_vectors
from trainer.dataset import load_dataset
from trainer.metrics import evaluate
from trainer.model import Network, linear_network
from trainer.synthetic import make_vectors

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
NODES_PER_PAGE = (5, 40)  # candidates per page: a form's inputs, a page's buttons


def make_anchor_venv(where: Path) -> Path:
    """A virtualenv with fathom-web; returns its python."""
    subprocess.run([sys._base_executable, "-m", "venv", str(where)], check=True)  # type: ignore[attr-defined]
    python = where / "bin" / "python"
    link_our_packages(python)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", "fathom-web==3.7.1"], check=True, stderr=subprocess.DEVNULL)
    subprocess.run([*pip, *ANCHOR_PACKAGES], check=True, stderr=subprocess.DEVNULL)
    return python


def link_our_packages(python: Path) -> None:
    """torch comes from our venv; the anchor venv's own packages come first on sys.path.

    Written again on every run, so an anchor venv kept with --venv follows this venv
    when it moves (a stale link leaves fathom without torch or cloudpickle).
    """
    site = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], check=True, capture_output=True, text=True
    ).stdout.strip()
    ours = next(p for p in sys.path if p.endswith("site-packages"))
    Path(site, "zz_corpus_venv.pth").write_text(ours + "\n")


def timed(command: list[str], cwd: Path, repeat: int, env: dict[str, str] | None = None) -> tuple[float, str]:
    """The median wall-clock seconds of `repeat` runs, and the last run's output."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
        seconds.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):  # corpus exits 1 when it keeps a better model: still a run
            raise SystemExit(f"{command[0]} failed:\n{result.stderr[-3000:]}")
    return statistics.median(seconds), result.stdout


def fathom_weights(stdout: str, names: list[str]) -> Network:
    """The coefficients fathom-train prints (`{"coeffs": [["rule", w], ...], "bias": b}`)."""
    match = re.search(r'\{"coeffs": \[(.*?)\],\s*"bias": ([^}]+)\}', stdout, re.S)
    if not match:
        raise SystemExit(f"no coefficients in fathom's output:\n{stdout[:2000]}")
    pairs = json.loads("[" + match.group(1).strip().rstrip(",") + "]")
    weights = dict((name, float(w)) for name, w in pairs)
    return linear_network([(name, weights[name]) for name in names], float(match.group(2)))


@dataclass
class Run:
    seconds: float
    mcc: float | None
    cutoff: float


def run_fathom(fathom: Path, files: dict[str, Path], extra: list[str], work: Path, repeat: int,
               threads: int | None) -> Run:
    env = None if threads is None else {**os.environ, "OMP_NUM_THREADS": str(threads)}
    seconds, out = timed([str(fathom), "train", str(files["training"]), "-a", str(files["validation"]), "-q", *extra],
                         work, repeat, env)
    testing = load_dataset(files["testing"])
    network = fathom_weights(out, testing.feature_names)
    return Run(seconds, evaluate(network, testing, 0.5).metrics.mcc, 0.5)


def run_corpus(files: dict[str, Path], extra: list[str], work: Path, repeat: int) -> Run:
    model = work / "model.json"
    model.unlink(missing_ok=True)
    corpus = Path(sys.executable).parent / "corpus"
    seconds, _ = timed([str(corpus), "train", str(files["training"]), "-a", str(files["validation"]), "-q",
                        "-o", str(model), "--overwrite", *extra], work, repeat)
    data = json.loads(model.read_text())
    network = linear_network([(n, w) for n, w in data["coeffs"]], data["bias"])
    testing = load_dataset(files["testing"], features=network.feature_names)
    return Run(seconds, evaluate(network, testing, data["cutoff"]).metrics.mcc, data["cutoff"])


def make_files(work: Path, scale: int, pages: int, features: int) -> dict[str, Path]:
    counts = {"training": pages * scale, "validation": pages * scale // 3, "testing": pages * scale // 3}
    files = {}
    for seed, (name, count) in enumerate(counts.items(), start=1):
        files[name] = work / f"{name}-{scale}x.json"
        dump_vectors(make_vectors(count, features, nodes_per_page=NODES_PER_PAGE, seed=seed * 1000 + scale),
                     files[name])
    return files


def _mcc(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="multiples of the real size (default 1,10,100)")
    parser.add_argument("--pages", type=int, default=300, help="training pages at 1x (validation, testing: a third)")
    parser.add_argument("--features", type=int, default=40)
    parser.add_argument("--venv", type=Path, help="reuse this anchor virtualenv (made if missing)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command; the median is shown")
    parser.add_argument("--anchor-threads", type=int,
                        help="torch threads for fathom-train (OMP_NUM_THREADS) [default: torch's, one per core]. "
                             "On a busy machine fathom's threads spin-wait: 1 shows the anchor at its best there")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        work = Path(tmp)
        venv = args.venv or work / "anchor-venv"
        if not (venv / "bin" / "fathom").exists():
            make_anchor_venv(venv)
        link_our_packages(venv / "bin" / "python")
        fathom = venv / "bin" / "fathom"
        settings = {
            "defaults": ([], []),
            "same work": (["--no-early-stopping", "-i", "1000"], ["--no-early-stopping", "-i", "1000", "-t", "0.5"]),
        }
        rows = []
        for scale in (int(s) for s in args.scales.split(",")):
            files = make_files(work, scale, args.pages, args.features)
            training = load_dataset(files["training"])
            mb = sum(f.stat().st_size for f in files.values()) / 1e6
            print(f"{scale}x: {len(training.y)} training candidates, {args.features} rules, {mb:.0f} MB of JSON",
                  flush=True)
            runs = {}
            for name, (fathom_args, corpus_args) in settings.items():
                theirs = run_fathom(fathom, files, fathom_args, work, args.repeat, args.anchor_threads)
                ours = run_corpus(files, corpus_args, work, args.repeat)
                runs[name] = (theirs, ours)
                rows.append((scale, name, theirs, ours))
                print(f"  {name}: fathom-train {theirs.seconds:.2f} s, corpus train {ours.seconds:.2f} s", flush=True)
            rows.append((scale, "equal quality", runs["same work"][0], runs["defaults"][1]))
            for f in files.values():
                f.unlink()

    print(f"\n{'scale':>5}  {'setting':<14}{'fathom-train s':>15}{'corpus train s':>15}{'ratio':>8}"
          f"{'fathom MCC':>12}{'corpus MCC':>12}")
    for scale, name, theirs, ours in rows:
        print(f"{scale:>4}x  {name:<14}{theirs.seconds:>15.2f}{ours.seconds:>15.2f}"
              f"{theirs.seconds / ours.seconds:>7.1f}x{_mcc(theirs.mcc):>12}{_mcc(ours.mcc):>12}")
    print("\nratio: fathom-train's seconds over corpus train's (above 1: corpus is faster). "
          "MCC: on the testing file, at each model's cutoff (fathom 0.5; corpus the one it chose on validation).\n"
          "equal quality: fathom's same-work run (its way to a good model) against corpus's defaults run.")


if __name__ == "__main__":
    main()
