"""Beyond one machine: throughput on local workers vs a Dask cluster, and everyday
commands at growing corpus sizes.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--render-pages 100] [--skip-check-above N]

1. Pages/s of `vectorize` with a ruleset that reads rendered boxes, with 1 and 2
   local workers and with a 2-worker `LocalCluster` (the anchor: 1 local worker;
   ratios printed). The cluster pays for shipping pages and results; on one
   machine it should land near 2 local workers, and scale with machines beyond.
2. Per corpus size: `corpus status` (cold: builds the per-page facts cache; warm:
   the everyday case), a `git commit` of one edited page through all hooks next to
   the same commit with --no-verify (anchor), and a full `corpus check`. Goals: the
   hook commit flat in corpus size, a warm status under 2 s at 100,000 pages.

Pages are small (about 2 KB, a label on 3 of 4, a resource file on 1 in 20),
written and `git add`ed in one batch. Runs in temp dirs with its own HOME and git config.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check import VENV_BIN, isolate, timed, touch_one  # noqa: E402  (bench/check.py)

RULESET = '''
from corpus.ruleset import Ruleset, linear_scale

ruleset = Ruleset()
pw = ruleset.trainee("new-password", dom="input")

@pw.feature
def is_password(node):
    return node.attrs.get("type") == "password"

@pw.feature
def wide(node):
    return linear_scale(node.box.width, 0, 500)
'''
SETS = ("training", "validation", "testing")


def small_page(number: int, negative: bool) -> str:
    label = "" if negative else ' data-fathom="new-password"'
    rows = "".join(f"<p class=r{i}>Row {i} of page {number}: lorem ipsum dolor sit amet.</p>\n" for i in range(25))
    return (f"<!doctype html><html><head><meta charset=utf-8><title>Page {number}</title></head><body>\n"
            f"<form><input name=user><input type=password{label} style='width:{100 + number % 300}px'></form>\n"
            f"{rows}</body></html>\n")


def generate(root: Path, pages: int) -> list[Path]:
    from corpus.samples.init import init_corpus

    init_corpus(root)
    made = []
    for number in range(1, pages + 1):
        negative = number % 4 == 0
        stem = f"{'n' if negative else ''}{number}"
        set_dir = root / "samples" / SETS[number % 3]
        path = set_dir / f"{stem}.html"
        path.write_text(small_page(number, negative))
        if number % 20 == 0:
            (set_dir / "resources" / stem).mkdir(parents=True)
            (set_dir / "resources" / stem / "note.txt").write_text(f"resource of {number}\n")
        made.append(path)
    subprocess.run(["git", "config", "gc.auto", "0"], cwd=root, check=True)  # no background gc while timing
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "generated corpus", "--no-verify"], cwd=root, check=True)
    return made


def throughput(tmp: Path, pages: int) -> None:
    from distributed import LocalCluster

    from corpus.vectors.vectorize import update_vectors

    root = tmp / "render"
    for number in range(1, pages + 1):
        path = root / "samples" / "training" / f"{number}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(small_page(number, False))
    (root / "rulesets.py").write_text(RULESET)

    def rate(**how: object) -> float:
        shutil.rmtree(root / ".corpus-cache", ignore_errors=True)  # render every page, every time
        start = time.perf_counter()
        report = update_vectors(root, "training", "new-password", out=tmp / "v.json", full=True, **how)
        assert not report.failed and len(report.vectorized) == pages, report.failed
        return pages / (time.perf_counter() - start)

    one = rate(jobs=1)
    two = rate(jobs=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=40) as cluster:
        rate(scheduler=cluster.scheduler_address)  # warm up: workers start their browsers
        dask = rate(scheduler=cluster.scheduler_address)
    print(f"vectorize {pages} rendered pages ({os.cpu_count()} cores): 1 local worker {one:.1f} pages/s (anchor); "
          f"2 local workers {two:.1f} pages/s (x{two / one:.2f}); 2-worker LocalCluster {dask:.1f} pages/s "
          f"(x{dask / one:.2f})", flush=True)


def everyday(tmp: Path, size: int, skip_check_above: int) -> None:
    root = tmp / f"corpus-{size}"
    start = time.perf_counter()
    pages = generate(root, size)
    made = time.perf_counter() - start
    corpus = str(VENV_BIN / "corpus")
    cold, result = timed([corpus, "status", "--json"], root)
    assert result.returncode == 0, result.stderr
    warm, _ = timed([corpus, "status", "--json"], root)
    page = pages[len(pages) // 2]
    touch_one(root, page, 1)
    dirty, _ = timed([corpus, "status", "--json"], root)
    hooked, result = timed(["git", "commit", "-qm", "edit one page"], root)
    if result.returncode != 0:
        sys.exit(f"the commit with hooks failed:\n{result.stdout}{result.stderr}")
    touch_one(root, page, 2)
    plain, _ = timed(["git", "commit", "-qm", "edit one page", "--no-verify"], root)
    line = (f"{size:>7} pages (made in {made:.0f} s): status cold {cold:.2f} s, warm {warm:.2f} s, "
            f"one page edited {dirty:.2f} s; one-page commit with hooks {hooked:.2f} s "
            f"(--no-verify {plain:.2f} s, ratio {hooked / plain:.1f})")
    if size <= skip_check_above:
        full, result = timed([corpus, "check"], root)
        line += f"; full check {full:.1f} s (exit {result.returncode})"
    print(line, flush=True)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", default="1000,10000,100000")
    args.add_argument("--render-pages", type=int, default=100)
    args.add_argument("--skip-check-above", type=int, default=10**9, help="no full check above this many pages")
    opts = args.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpus-scale-", ignore_cleanup_errors=True) as name:
        tmp = Path(name)
        (tmp / "home").mkdir()
        isolate(tmp / "home")
        if opts.render_pages:
            throughput(tmp, opts.render_pages)
        for size in (int(s) for s in opts.sizes.split(",") if s):
            everyday(tmp, size, opts.skip_check_above)


if __name__ == "__main__":
    main()
