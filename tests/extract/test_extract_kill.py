"""Killing the extractor at any point leaves the page original or fully extracted, never in between."""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.extract.extract import extract_sample
from corpus.extract.inline import inline_sample
from corpus.tree.sample import Sample
from tests.extract.pages import rich_page, tree, write_sample

KILLED_AT = """
import os, signal, sys
from pathlib import Path
from corpus.extract.extract import extract_sample, stage_sample
from corpus.extract.staged import commit_pages
from corpus.tree.sample import Sample

stop_at = int(sys.argv[2])
calls = []

def checkpoint(stage):
    calls.append(stage)
    if len(calls) == stop_at:
        os.kill(os.getpid(), signal.SIGKILL)

samples = [Sample(Path(sys.argv[1]), "unused", name) for name in sys.argv[3:] or ["1.html"]]
if len(samples) == 1:
    extract_sample(samples[0], checkpoint)
else:  # a batch: staged one by one, put in place together
    commit_pages([stage_sample(sample, checkpoint) for sample in samples])
print(len(calls))
"""

REF = re.compile(rb"resources/1/([0-9a-f]{16}\.[a-z0-9]+)")


class Injected(Exception):
    pass


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes, list[str]]:
    """The original page, its fully extracted form, and the checkpoints an extraction passes."""
    root = tmp_path_factory.mktemp("reference")
    sample = write_sample(root, rich_page())
    stages: list[str] = []
    extract_sample(sample, stages.append)
    assert stages.count("resource") >= 8 and stages[-2:] == ["page", "done"]
    return rich_page(), sample.path.read_bytes(), stages


def assert_whole(sample: Sample, original: bytes, extracted: bytes) -> None:
    page = sample.path.read_bytes()
    assert page in (original, extracted)
    if page == extracted:
        for name in REF.findall(page):
            data = (sample.resources_dir / name.decode()).read_bytes()
            assert hashlib.sha256(data).hexdigest().startswith(name.decode().split(".")[0])


def test_a_killed_extraction_leaves_a_whole_page_and_can_be_finished(tmp_path: Path, reference):
    original, extracted, stages = reference
    outcomes = set()
    for stop_at in range(1, len(stages) + 1):
        root = tmp_path / f"k{stop_at}"
        sample = write_sample(root, original)
        child = subprocess.run([sys.executable, "-c", KILLED_AT, str(root), str(stop_at)], capture_output=True)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()
        assert_whole(sample, original, extracted)
        outcomes.add(sample.path.read_bytes() == extracted)

        result = extract_sample(sample)  # running it again finishes the job
        assert result.problems == []
        assert sample.path.read_bytes() == extracted
        assert not list(sample.resources_dir.glob(".corpus-*"))
        assert not list(sample.path.parent.glob(".corpus-*"))  # nor the page's staged copy
        assert inline_sample(sample)
        assert tree(root) == {sample.relpath: original}
        shutil.rmtree(root)
    assert outcomes == {False, True}  # killed before the page was replaced, and after


def test_a_failed_extraction_rolls_back_to_the_original(tmp_path: Path, reference):
    original, _, stages = reference
    for stop_at in (1, len(stages) // 2, len(stages) - 1):  # the last resource, then before the page
        root = tmp_path / f"f{stop_at}"
        sample = write_sample(root, original)
        calls: list[str] = []

        def checkpoint(stage: str) -> None:
            calls.append(stage)
            if len(calls) == stop_at:
                raise Injected(stage)

        with pytest.raises(Injected):
            extract_sample(sample, checkpoint)
        assert tree(root) == {sample.relpath: original}
        assert not sample.resources_dir.parent.exists()


def test_a_failure_after_the_page_was_replaced_keeps_the_extraction(tmp_path: Path, reference):
    original, extracted, _ = reference
    sample = write_sample(tmp_path, original)

    def checkpoint(stage: str) -> None:
        if stage == "done":
            raise Injected(stage)

    with pytest.raises(Injected):
        extract_sample(sample, checkpoint)
    assert_whole(sample, original, extracted)
    assert sample.path.read_bytes() == extracted
    assert inline_sample(sample) and sample.path.read_bytes() == original


def test_an_inline_killed_before_it_removed_the_manifest_is_finished_by_the_next_run(tmp_path: Path, reference):
    original, extracted, _ = reference
    sample = write_sample(tmp_path, original)
    extract_sample(sample)
    sample.path.write_bytes(original)  # what a kill right after inline replaced the page leaves
    assert not inline_sample(sample)
    assert tree(tmp_path) == {sample.relpath: original}
    # The same state, but extract runs next: the stale layer is not stacked on.
    extract_sample(sample)
    sample.path.write_bytes(original)
    assert extract_sample(sample).changed
    assert sample.path.read_bytes() == extracted
    assert inline_sample(sample) and tree(tmp_path) == {sample.relpath: original}


def batch_pages() -> dict[str, bytes]:
    return {f"{i}.html": rich_page().replace(b"Text", f"Page {i}".encode()) for i in (1, 2, 3)}


def test_a_batch_killed_anywhere_leaves_each_of_its_pages_whole(tmp_path: Path):
    """Three pages share the syncs that put them in place: killed while one is replaced and the
    next is not, each is still the original or fully extracted, and the next run finishes."""
    originals = batch_pages()
    reference = tmp_path / "reference"
    samples = [write_sample(reference, data, name=name) for name, data in originals.items()]
    done = subprocess.run([sys.executable, "-c", KILLED_AT, str(reference), "0", *originals], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    stages = int(done.stdout)
    extracted = {s.name: s.path.read_bytes() for s in samples}
    assert all(extracted[name] != originals[name] for name in originals)
    first_commit_stage = stages - 6  # three "page" and three "done" checkpoints end the run
    for stop_at in [1, first_commit_stage - 1] + list(range(first_commit_stage + 1, stages + 1)):
        root = tmp_path / f"k{stop_at}"
        batch = [write_sample(root, data, name=name) for name, data in originals.items()]
        child = subprocess.run([sys.executable, "-c", KILLED_AT, str(root), str(stop_at), *originals],
                               capture_output=True)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()
        for sample in batch:
            assert_whole(sample, originals[sample.name], extracted[sample.name])
        for sample in batch:  # running it again finishes the job
            assert extract_sample(sample).problems == []
            assert sample.path.read_bytes() == extracted[sample.name]
        assert not list(root.rglob(".corpus-*"))
        assert all(inline_sample(s) for s in batch)
        assert tree(root) == {s.relpath: originals[s.name] for s in batch}
        shutil.rmtree(root)


def test_a_failure_in_a_batch_undoes_the_pages_not_yet_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from corpus.extract import run

    originals = batch_pages()
    batch = [write_sample(tmp_path, data, name=name) for name, data in originals.items()]
    stage_for_real = run.stage_sample

    def disk_full_on_the_last_page(sample):
        if sample is batch[-1]:
            raise OSError(28, "No space left on device", str(sample.path))
        return stage_for_real(sample)

    monkeypatch.setattr(run, "stage_sample", disk_full_on_the_last_page)
    with pytest.raises(OSError, match="No space left"):
        run.extract_batch(batch)
    assert tree(tmp_path) == {s.relpath: originals[s.name] for s in batch}  # the staged pages were undone
    monkeypatch.undo()
    assert [r.changed for r in run.extract_batch(batch)] == [True, True, True]
