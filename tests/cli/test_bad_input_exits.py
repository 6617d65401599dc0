"""One rule for bad input files (a broken rubric, a truncated or garbage model or vector
file, a ruleset that is missing or does not load): whichever command reads one exits 2
with one line naming the file (README: 2 for bad usage or input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.vectors.vectorfile import dump_vectors
from trainer.synthetic import make_vectors

PAGE = "<!doctype html><html><body><input type=password data-fathom=new></body></html>"


@pytest.fixture
def files(corpus_root: Path) -> Path:
    """A corpus holding a page in each set, a good vector file, and broken ones beside it."""
    for n, set_name in enumerate(("unused", "training", "validation", "testing")):
        (corpus_root / "samples" / set_name / f"{n}.html").write_text(PAGE)
    dump_vectors(make_vectors(pages=3, features=2), corpus_root / "good.json")
    text = (corpus_root / "good.json").read_text()
    (corpus_root / "truncated.json").write_text(text[: len(text) // 2])
    (corpus_root / "garbage.json").write_bytes(b"\x00\xffnot json at all")
    (corpus_root / "model-truncated.json").write_text('{"format": "corpus-model", "version": 1, "netw')
    (corpus_root / "broken.py").write_text("from corpus.ruleset import *\nthis is not python\n")
    return corpus_root


BROKEN_RUBRIC = "---\nversion: [\n---\n"
RUBRIC_COMMANDS = [
    ["status"], ["split"], ["pick", "unused", "training", "1"], ["vectorize", "training", "-t", "new"],
    ["label", "samples/unused", "new"],
]
FILE_COMMANDS = [
    (["test", "truncated.json", '{"coeffs": [["a", 1.0], ["b", 1.0]], "bias": 0}'], "truncated.json"),
    (["test", "garbage.json", '{"coeffs": [["a", 1.0], ["b", 1.0]], "bias": 0}'], "garbage.json"),
    (["train", "truncated.json", "--trainee", "new"], "truncated.json"),
    (["train", "garbage.json", "--trainee", "new"], "garbage.json"),
    (["test", "good.json", "model-truncated.json"], "model-truncated.json"),
    (["test", "good.json", "garbage.json"], "garbage.json"),
    (["vectorize", "training", "-t", "new", "--ruleset", "/nope.py"], "/nope.py"),
    (["vectorize", "training", "-t", "new", "--ruleset", "broken.py"], "broken.py"),
]


def _one_line_exit_2(result, name: str) -> None:
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("corpus: ")]  # not progress
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("args", RUBRIC_COMMANDS, ids=lambda a: a[0])
def test_a_broken_rubric_is_bad_input_in_every_command(files: Path, corpus_cli, args) -> None:
    (files / "samples" / "rubric.md").write_text(BROKEN_RUBRIC)
    _one_line_exit_2(corpus_cli(*args, cwd=files), "rubric.md")


@pytest.mark.parametrize(("args", "name"), FILE_COMMANDS, ids=lambda a: " ".join(a) if isinstance(a, list) else a)
def test_unreadable_model_vector_and_ruleset_files_are_bad_input(files: Path, corpus_cli, args, name) -> None:
    _one_line_exit_2(corpus_cli(*args, cwd=files), name)
