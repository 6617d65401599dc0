"""A run over many pages: worker processes give the same pages, files and problems, in order,
and a run killed with all its workers leaves every page whole."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from corpus.extract.extract import extract_sample
from corpus.extract.inline import inline_sample
from corpus.extract.run import extract_samples, workers_for
from corpus.tree.sample import Sample, resolve_samples
from tests.extract.pages import (
    freeze_dry_page,
    png,
    real_page,
    rich_page,
    tree,
    write_sample,
)

REF = re.compile(rb"resources/([^/]+)/([0-9a-f]{16}\.[a-z0-9]+)")


def mixed_set(root: Path) -> list[Sample]:
    """Pages as a real set holds them: messy saves, a page with a broken data URL, a page whose
    resources folder is a symlink, a binary file named .html, a 0-byte page, and a page whose
    resources folder's name is taken by a file."""
    samples = [write_sample(root, real_page(), name="1.html"),
               write_sample(root, freeze_dry_page('<img src="data:image/png;base64,@@@@">'), name="n2.html"),
               write_sample(root, rich_page(), name="3.html"),
               write_sample(root, png((1, 2, 3)), name="4.html"),
               write_sample(root, b"", name="5.html"),
               write_sample(root, rich_page().replace(b"Text", b"Other"), name="6.html")]
    outside = root / "elsewhere"
    outside.mkdir()
    (root / "samples" / "unused" / "resources").mkdir(exist_ok=True)
    os.symlink(outside, root / "samples" / "unused" / "resources" / "6")
    samples += [write_sample(root, real_page().replace(b"framed", f"page {i}".encode()), name=f"{i}.html")
                for i in range(7, 12)]
    samples.append(write_sample(root, rich_page().replace(b"Text", b"Blocked"), name="12.html"))
    (root / "samples" / "unused" / "resources" / "12").write_text("a file where the folder belongs")
    return samples


def outcome(results) -> list[tuple[bool, list[str], list[str]]]:
    return [(r.changed, r.names, [str(p) for p in r.problems]) for r in results]


def test_worker_processes_extract_exactly_what_one_process_does_in_page_order(tmp_path: Path):
    alone, spread = tmp_path / "alone", tmp_path / "spread"
    originals = {s.name: s.path.read_bytes() for s in mixed_set(tmp_path / "originals")}
    in_one = outcome(extract_samples(mixed_set(alone), jobs=1))
    samples = mixed_set(spread)
    in_workers = outcome(extract_samples(samples, jobs=3))

    assert [(changed, names, [p.replace(str(spread), str(alone)) for p in problems])
            for changed, names, problems in in_workers] == in_one
    assert tree(spread) == tree(alone)
    assert [changed for changed, _, _ in in_one] == [True, True, True, False, False, False] + [True] * 5 + [False]
    problems = [problems for _, _, problems in in_one]
    assert "malformed" in problems[1][0] and "not an HTML" in problems[3][0] and "symbolic link" in problems[5][0]
    assert "is a file where the folder of 12.html's resources belongs" in problems[11][0]
    assert [bool(p) for p in problems] == [False, True, False, True, False, True] + [False] * 5 + [True]
    for sample, (changed, _, _) in zip(samples, in_workers):
        if sample.name not in ("6.html", "12.html"):  # inline refuses these folders as extract did
            assert inline_sample(sample) == changed
        assert sample.path.read_bytes() == originals[sample.name]


def test_one_page_or_one_job_is_extracted_in_this_process():
    assert workers_for(pages=1, jobs=8) == 1
    assert workers_for(pages=10, jobs=1) == 1
    assert workers_for(pages=10, jobs=4) == 4
    assert workers_for(pages=3, jobs=4) == 3


def test_cli_jobs_keeps_the_order_and_the_per_page_problems(corpus_root: Path, corpus_cli):
    mixed_set(corpus_root)
    in_order = [s.relpath for s in resolve_samples(corpus_root, [corpus_root / "samples" / "unused"])]
    result = corpus_cli("extract", "-j", "2", "--json", "samples/unused", cwd=corpus_root)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [r["page"] for r in report] == in_order
    assert [r["page"] for r in report if r["problems"]] == ["samples/unused/12.html", "samples/unused/4.html",
                                                           "samples/unused/6.html", "samples/unused/n2.html"]
    by_page = {r["page"]: r for r in report}
    first = by_page["samples/unused/1.html"]
    assert first["changed"] and all(p.startswith("samples/unused/resources/1/") for p in first["resources"])
    assert all((corpus_root / p).is_file() for p in first["resources"])
    assert "4 problem(s) in 4 page(s)" in result.stderr
    bad = corpus_cli("extract", "-j", "0", cwd=corpus_root)
    assert bad.returncode == 2 and "--jobs" in bad.stderr


KILL_THE_RUN = """
import os, signal, sys
from pathlib import Path
from corpus.extract.run import extract_samples
from corpus.tree.sample import set_samples

for done, result in enumerate(extract_samples(list(set_samples(Path(sys.argv[1]), "unused")), jobs=2), 1):
    if done == int(sys.argv[2]):
        os.killpg(0, signal.SIGKILL)  # the run and its workers, wherever they are in their pages
"""


def test_a_run_killed_with_its_workers_leaves_every_page_whole(tmp_path: Path):
    originals = {f"{i}.html": real_page().replace(b"framed", f"page {i}".encode()) for i in range(1, 9)}
    expected: dict[str, bytes] = {}
    for name, data in originals.items():  # what each page becomes when extracted alone
        sample = write_sample(tmp_path / "reference", data, name=name)
        assert extract_sample(sample).changed
        expected[name] = sample.path.read_bytes()
    for stop_after in (1, 4):
        root = tmp_path / f"killed-{stop_after}"
        samples = [write_sample(root, data, name=name) for name, data in originals.items()]
        child = subprocess.run([sys.executable, "-c", KILL_THE_RUN, str(root), str(stop_after)],
                               capture_output=True, start_new_session=True)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()
        extracted = 0
        for sample in samples:
            page = sample.path.read_bytes()
            assert page in (originals[sample.name], expected[sample.name])
            if page == expected[sample.name]:
                extracted += 1
                for stem, name in REF.findall(page):
                    data = (sample.resources_dir.parent / stem.decode() / name.decode()).read_bytes()
                    assert hashlib.sha256(data).hexdigest().startswith(name.decode().split(".")[0])
        assert extracted >= stop_after
        results = list(extract_samples(samples, jobs=2))  # the next run finishes the job
        assert all(not r.problems for r in results)
        assert {s.name: s.path.read_bytes() for s in samples} == expected
        assert all(inline_sample(s) for s in samples)
        assert tree(root) == {s.relpath: originals[s.name] for s in samples}


KILL_A_WORKER = """
import os, signal, sys
from pathlib import Path
from corpus.errors import CorpusError
from corpus.extract.run import extract_samples
from corpus.tree.sample import set_samples

def workers():
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                yield int(pid)

try:
    for done, result in enumerate(extract_samples(list(set_samples(Path(sys.argv[1]), "unused")), jobs=2), 1):
        if done == 1:
            for pid in workers():
                os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would
except CorpusError as e:
    print(e)
    sys.exit(e.exit_code)
"""


def test_a_worker_killed_mid_run_is_one_error_line_and_every_page_stays_whole(tmp_path: Path):
    # More batches than the run queues (2 workers x 2, of 32 pages): some are never sent before
    # the kill, so the run cannot end well, however fast the others go.
    originals = {f"{i}.html": real_page().replace(b"framed", f"page {i}".encode()) for i in range(1, 201)}
    samples = [write_sample(tmp_path, data, name=name) for name, data in originals.items()]
    child = subprocess.run([sys.executable, "-c", KILL_A_WORKER, str(tmp_path)], capture_output=True, text=True)
    assert child.returncode == 1, child.stderr
    assert "a worker process died" in child.stdout and "run `corpus extract` again" in child.stdout
    assert len(child.stdout.strip().splitlines()) == 1
    assert all(not r.problems for r in extract_samples(samples, jobs=2))  # the next run finishes the job
    assert all(inline_sample(s) for s in samples)
    assert tree(tmp_path) == {s.relpath: originals[s.name] for s in samples}
