"""The one checkpointing writer: when it rewrites the vector file, and what it holds."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from corpus.vectors.checkpoint import CHECKPOINT_SECONDS, Checkpoint
from corpus.vectors.vectorfile import NodeVector, PageVectors, VectorFile, load_vectors
from corpus.vectors.vectorize import update_vectors
from corpus.vectors.workers import PageFailed


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def page(n: int) -> PageVectors:
    return PageVectors(f"{n}.html", [NodeVector(True, [0.5])], 0)


def partial_file(done: list[PageVectors]) -> VectorFile:
    return VectorFile(["f"], list(done), {p.filename: "0" * 64 for p in done}, "r" * 64)


def saved(out: Path) -> list[str]:
    return sorted(load_vectors(out).page_hashes) if out.exists() else []


def test_the_file_is_rewritten_every_tenth_of_the_pages_or_every_5_seconds(tmp_path: Path) -> None:
    out, clock = tmp_path / "v.json", Clock()
    checkpoint = Checkpoint(partial_file, out, pages=30, clock=clock)
    checkpoint.add(page(1))
    checkpoint.add(PageFailed("x.html", "failed"))  # a failure is never written
    checkpoint.add(page(2))
    assert saved(out) == []
    checkpoint.add(page(3))  # a tenth of 30
    assert saved(out) == ["1.html", "2.html", "3.html"]
    checkpoint.add(page(4))
    assert saved(out) == ["1.html", "2.html", "3.html"]
    clock.now = CHECKPOINT_SECONDS
    checkpoint.add(page(5))
    assert saved(out) == ["1.html", "2.html", "3.html", "4.html", "5.html"]


def test_a_slow_rewrite_waits_ten_times_its_duration_before_the_next(tmp_path: Path) -> None:
    """A few pages of a large file (a hook's run): each rewrite is costly, so they space out."""
    out, clock = tmp_path / "v.json", Clock()

    def slow(done: list[PageVectors]) -> VectorFile:
        clock.now += 2.0  # serialising the large file takes 2 s
        return partial_file(done)

    checkpoint = Checkpoint(slow, out, pages=100_000, clock=clock)
    clock.now = CHECKPOINT_SECONDS
    checkpoint.add(page(1))
    assert saved(out) == ["1.html"]
    clock.now += CHECKPOINT_SECONDS
    checkpoint.add(page(2))
    assert saved(out) == ["1.html"]  # 5 s after a 2 s rewrite: not yet
    clock.now += 15.0
    checkpoint.add(page(3))  # 20 s after it
    assert saved(out) == ["1.html", "2.html", "3.html"]


def test_leaving_by_an_exception_writes_what_is_finished(tmp_path: Path) -> None:
    out = tmp_path / "v.json"
    with pytest.raises(KeyboardInterrupt), Checkpoint(partial_file, out, pages=100, clock=Clock()) as checkpoint:
        checkpoint.add(page(1))
        raise KeyboardInterrupt
    assert saved(out) == ["1.html"]


def test_a_page_scoring_an_infinity_is_not_kept_and_costs_no_other_page(tmp_path: Path) -> None:
    out = tmp_path / "v.json"
    checkpoint = Checkpoint(partial_file, out, pages=1, clock=Clock())
    checkpoint.add(PageVectors("inf.html", [NodeVector(True, [math.inf])], 0))
    checkpoint.add(page(1))
    assert saved(out) == ["1.html"]


def test_a_failing_save_on_the_way_out_does_not_hide_the_error_that_ended_the_run(tmp_path: Path) -> None:
    def unwritable(done: list[PageVectors]) -> VectorFile:  # a kept page holds a NaN: dump_vectors refuses
        return partial_file([PageVectors("old.html", [NodeVector(True, [math.nan])], 0), *done])

    with pytest.raises(KeyboardInterrupt), Checkpoint(unwritable, tmp_path / "v.json", pages=100, clock=Clock()) as c:
        c.add(page(1))
        raise KeyboardInterrupt


RULESET = '''
from corpus.ruleset import Ruleset
ruleset = Ruleset()
pw = ruleset.trainee("new-password", dom="input")

@pw.feature
def is_password(node):
    if node.id == "boom":
        raise ValueError("always fails")
    return node.attrs.get("type") == "password"
'''


def test_changed_compares_with_the_file_as_the_run_found_it(corpus_root: Path) -> None:
    """The last page fails, so the final file is the last checkpoint's bytes: the hook
    must still hear that the file changed."""
    root = corpus_root
    (root / "rulesets.py").write_text(RULESET)
    training = root / "samples" / "training"
    (training / "1.html").write_text("<input type=password>")
    assert update_vectors(root, "training", "new-password").changed
    (training / "2.html").write_text("<input type=password name=b>")
    (training / "3.html").write_text("<input id=boom>")
    report = update_vectors(root, "training", "new-password")
    assert report.vectorized == ["2.html"] and [f.filename for f in report.failed] == ["3.html"]
    assert report.changed
