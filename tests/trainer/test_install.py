"""What installing takes: the extras' ranges hold the tested pins, and a missing part of the
`train` extra is one line with the install hint before any work is done."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

from corpus.vectors.vectorfile import dump_vectors
from trainer.synthetic import make_vectors

REPO = Path(__file__).resolve().parents[2]

# Runs the corpus command with matplotlib refused at import, as if the extra lacked it.
WITHOUT_MATPLOTLIB = """
import sys
from importlib.abc import MetaPathFinder

class Refuse(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "matplotlib":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Refuse())
from corpus.cli.main import main
sys.argv[0] = "corpus"
main()
"""


def test_the_extras_ranges_hold_the_pinned_versions() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    ranges = {Requirement(r).name: Requirement(r) for extra in project["optional-dependencies"].values() for r in extra}
    pins = [Requirement(line) for line in (REPO / "constraints.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert pins and all(str(pin.specifier).startswith("==") for pin in pins)
    for pin in pins:
        assert not any(s.operator == "==" for s in ranges[pin.name].specifier), f"{pin.name}: a range, not a pin"
        assert ranges[pin.name].specifier.contains(str(pin.specifier)[2:]), f"{pin} is outside {ranges[pin.name]}"
    assert "google-crc32c" not in ranges  # tensorboard's own writer frames the events


def test_plotting_without_matplotlib_refuses_before_training(tmp_path: Path) -> None:
    vectors = tmp_path / "training.json"
    dump_vectors(make_vectors(pages=5, features=3, seed=1), vectors)

    def corpus(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", WITHOUT_MATPLOTLIB, *args], cwd=tmp_path,
                              capture_output=True, text=True)

    for command in (["train", "training.json", "-i", "2", "-o", "model.json", "--plot", "loss.png"],
                    ["histogram", "training.json", "--png", "rules.png"]):
        refused = corpus(*command)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.splitlines() == [
            f"corpus: error: corpus {command[0]} needs the training extra (not installed: matplotlib): "
            "pip install 'corpus[train]' (./setup.sh installs it, with torch's CPU build)"
        ]
        assert refused.stdout == ""
    assert not (tmp_path / "model.json").exists()
    assert corpus("train", "training.json", "-i", "2", "-q").returncode == 0  # no plot asked: no matplotlib needed
