"""A full `check` streams: findings come sorted and unrepeated, page by page, while later
pages are still unread, and the parallel path says exactly what the one-process path says."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.check import pagecheck
from corpus.check.check import check_paths, iter_findings, resolve_scope

BAD = '<input type=password data-fathom="BAD new-password">'


def page(root: Path, relpath: str, body: str) -> Path:
    path = root / "samples" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html>\n<html><body>\n{body}\n</body></html>\n")
    return path


def messy_corpus(root: Path, pages: int) -> None:
    """Pages whose findings sort before and after each set's `resources/` block, next to
    orphan folders, missing and linked resources, shared ids and broken names."""
    for n in range(1, pages + 1):
        set_name = ("training", "validation", "testing", "unused")[n % 4]
        body = '<input type=password data-fathom="new-password">'
        if n % 3 == 0:
            body += f"\n{BAD}"
        if n % 5 == 0:
            body += f'\n<img src="resources/{n}/missing.png">'
        if n % 7 == 0:
            body += '\n<b data-fathom="new-pasword">'
        page(root, f"{set_name}/{n}.html", body)
    page(root, "training/n1.html", "<p>shares id 1</p>")
    page(root, "training/zz.html", "<p>a name the rule refuses, after resources/</p>")
    page(root, "training/a b.html", "<p>a space, before resources/</p>")
    page(root, "testing/resources.html", "<p>named like the folder</p>")
    (root / "samples/training/resources/ghost").mkdir(parents=True)
    (root / "samples/training/resources/ghost/x.txt").write_text("no page\n")
    (root / "samples/testing/resources/2").mkdir(parents=True)
    (root / "samples/testing/resources/2/link.css").symlink_to("/etc/hostname")
    (root / "samples/validation/resources").mkdir(parents=True, exist_ok=True)
    (root / "samples/validation/resources/stray.txt").write_text("a file directly in resources/\n")


def test_findings_come_sorted_once_and_parallel_equals_serial(corpus_root: Path, monkeypatch) -> None:
    messy_corpus(corpus_root, pagecheck.PARALLEL_FROM * 3)
    parallel = check_paths(corpus_root, [])
    assert parallel == sorted(set(parallel))
    said = {f.message.split(" ")[0] for f in parallel}
    assert {"evaluator", "refers", "label", "id", "name", "resources", "file", "symbolic"} <= said, said
    monkeypatch.setattr(pagecheck, "PARALLEL_FROM", 10**9)
    assert check_paths(corpus_root, []) == parallel
    by_set = []
    for set_name in ("testing", "training", "unused", "validation"):
        by_set += check_paths(corpus_root, [corpus_root / "samples" / set_name])
    assert sorted(by_set) == [f for f in parallel if not str(f.path).startswith("samples/rubric")]


def test_first_findings_print_while_later_pages_are_unread(corpus_root: Path) -> None:
    """The pipe is not read until the first line, so a checker that printed only at the
    end would have read every page before printing; one that streams stops at the full
    pipe, at most a window of pages ahead, and reads the last page after it was edited."""
    workers = 8  # pagecheck's cap: the widest window any machine gets
    count = workers * pagecheck.WINDOW_CHUNKS * pagecheck.CHUNK + 300
    bad = "\n".join([BAD] * 20)  # ~2.6 KB of findings a page: 64 KiB of pipe holds ~25 pages
    for n in range(1, count + 1):
        page(corpus_root, f"training/{n:05d}.html", bad)
    last = corpus_root / "samples" / "training" / f"{count:05d}.html"
    corpus = Path(sys.executable).parent / "corpus"
    with open(corpus_root.parent / "stderr.txt", "w") as stderr:
        process = subprocess.Popen([str(corpus), "check", "samples/training"], cwd=corpus_root,
                                   stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            first = process.stdout.readline()
            assert first.startswith("samples/training/00001.html:"), first
            page(corpus_root, f"training/{count:05d}.html", '<b data-fathom="edited-after-the-first-line">')
            rest = process.stdout.read()
        finally:
            process.stdout.close()
            process.wait()
    assert process.returncode == 1
    assert f"{last.relative_to(corpus_root)}:3: label type `edited-after-the-first-line` is not declared" in rest


def test_json_streamed_is_the_list_echo_json_prints(corpus_root: Path, corpus_cli) -> None:
    messy_corpus(corpus_root, 12)
    result = corpus_cli("check", "--json", cwd=corpus_root)
    assert result.returncode == 1
    expected = [f.to_json() for f in check_paths(corpus_root, [])]
    assert result.stdout == json.dumps(expected, indent=2, sort_keys=True) + "\n"
    clean = corpus_cli("check", "--json", "samples/training/4.html", cwd=corpus_root)
    assert (clean.returncode, clean.stdout) == (0, "[]\n")


@pytest.mark.parametrize("stop_after", [1, 5])
def test_a_consumer_that_stops_early_leaves_no_worker_behind(corpus_root: Path, stop_after: int) -> None:
    messy_corpus(corpus_root, pagecheck.PARALLEL_FROM * 2)
    findings = iter_findings(corpus_root, [])
    taken = [next(findings) for _ in range(stop_after)]
    findings.close()  # the pool shuts down, the name index closes
    assert multiprocessing.active_children() == []
    assert taken == check_paths(corpus_root, [])[:stop_after]


def test_a_resolved_scope_is_checked_as_given(corpus_root: Path) -> None:
    """`corpus check` resolves its paths once (to count the pages) and hands the scope on:
    the check looks at that scope, not at `paths` resolved again."""
    messy_corpus(corpus_root, 6)
    one = corpus_root / "samples/training/4.html"
    scope = resolve_scope(corpus_root, [one])
    assert list(iter_findings(corpus_root, [], scope=scope)) == check_paths(corpus_root, [one])
