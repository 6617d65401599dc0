"""Beyond one machine: throughput on local workers vs a Dask cluster, and everyday
commands at growing corpus sizes.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--render-pages 100]
                                    [--skip-check-above N] [--keep /tmp/corpus-scale]

1. Pages/s of `vectorize` with a ruleset that reads rendered boxes, with 1 and 2
   local workers and with a 2-worker `LocalCluster` (the anchor: 1 local worker;
   ratios printed). The cluster pays for shipping pages and results; on one
   machine it should land near 2 local workers, and scale with machines beyond.
2. Per corpus size: `corpus status` (cold: builds the per-page facts cache; warm:
   the everyday case); each hook's own time on what a one-page commit stages
   (`corpus hooks run NAME FILES`, warm; and the check hook's first run, which
   builds the name index); a `git commit` of one edited page through pre-commit and
   all hooks, split into git's own cost (the same commit with --no-verify: the
   anchor nothing of ours can beat), our hooks, and pre-commit's framework (its
   `git diff` after every hook); a full `corpus check` with its peak RSS. A last
   line gives each number's growth from the smallest size. Goals: each hook's own
   time flat in corpus size (within 1.5x from 1,000 to 100,000 pages); a warm status
   under 2 s at 100,000 pages; the full check's memory not growing with the corpus
   beyond its per-path lists.

Pages are small (about 2 KB, a label on 3 of 4, a resource file on 1 in 20),
written and `git add`ed in one batch (100,000 in about 20 s; `--keep DIR` makes
them once and reuses them). Runs with its own HOME and git config.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check import VENV_BIN, isolate, timed, touch_one  # noqa: E402  (bench/check.py)

from corpus.parallel import usable_cpus  # noqa: E402

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

    from corpus.cluster.vectorize import ClusterRunner
    from corpus.vectors.vectorize import update_vectors
    from corpus.vectors.workers import LocalRunner

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

    one = rate(runner=LocalRunner(1))
    two = rate(runner=LocalRunner(2))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=40) as cluster:
        rate(runner=ClusterRunner(cluster.scheduler_address))  # warm up: workers start their browsers
        dask = rate(runner=ClusterRunner(cluster.scheduler_address))
    print(f"vectorize {pages} rendered pages ({usable_cpus()} cores): 1 local worker {one:.1f} pages/s (anchor); "
          f"2 local workers {two:.1f} pages/s (x{two / one:.2f}); 2-worker LocalCluster {dask:.1f} pages/s "
          f"(x{dask / one:.2f})", flush=True)


@dataclass
class Everyday:
    """One corpus size's numbers (seconds; peak RSS in MB)."""

    size: int
    made: float  # generating it (0: reused from --keep)
    status_cold: float  # no cache: builds the facts (and nothing else)
    status_warm: float
    status_edited: float  # one page edited since the last status
    hooks: dict[str, float]  # each hook's own run (`corpus hooks run NAME FILES`), warm
    check_hook_cold: float  # the check hook's first run without a name index (builds it)
    commit_hooked: float  # `git commit` of one edited page, through pre-commit and every hook
    commit_plain: float  # the same commit with --no-verify: git's own cost (anchor)
    full_check: float | None = None
    full_check_rss: float | None = None
    full_check_exit: int | None = None


def corpus_at(base: Path, size: int) -> tuple[Path, float]:
    """A generated corpus of `size` pages under `base`, made once and reused (--keep)."""
    root = base / f"corpus-{size}"
    if (root / ".git" / "corpus-bench-complete").exists():
        return root, 0.0
    shutil.rmtree(root, ignore_errors=True)
    start = time.perf_counter()
    generate(root, size)
    (root / ".git" / "corpus-bench-complete").write_text("generated by bench/scale.py\n")
    return root, time.perf_counter() - start


# Peak RSS survives exec, so a command forked straight from this (large) process would
# report at least this process's size: a small launcher forks it and reports its rusage.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_measured(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB: the largest of the command's processes) and exit status."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *command], cwd=cwd, capture_output=True,
                            text=True, check=True)
    seconds = time.perf_counter() - start
    maxrss_kb, status = (int(field) for field in result.stdout.split())
    return seconds, maxrss_kb / 1024, status


REPEATS = 5  # each timing is the fastest of this many runs: the machine is shared, noise only adds


def edit_one(root: Path, page: Path, resource: Path, round_: int) -> None:
    """Edit a page and its resource file and stage both: a commit that runs every hook."""
    with resource.open("a") as out:
        out.write(f"edit {round_}\n")
    subprocess.run(["git", "add", str(resource)], cwd=root, check=True)
    touch_one(root, page, round_)


def fastest(command: list[str], root: Path, what: str) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        seconds, result = timed(command, root)
        if result.returncode != 0:
            sys.exit(f"{what} failed on the generated corpus:\n{result.stdout}{result.stderr}")
        best = min(best, seconds)
    return best


def hook_times(root: Path, page: str, resource: str) -> tuple[dict[str, float], float]:
    """Each hook on what the one-page commit stages, warm; and the check hook's first
    run with no name index."""
    corpus = str(VENV_BIN / "corpus")
    files = {"extract": [page], "check": [page, resource], "lfs": [resource], "vectorize": []}
    (root / ".git" / "corpus" / "facts.sqlite").unlink(missing_ok=True)
    cold, _ = timed([corpus, "hooks", "run", "check", page], root)
    return {name: fastest([corpus, "hooks", "run", name, *paths], root, f"the {name} hook")
            for name, paths in files.items()}, cold


def everyday(base: Path, size: int, skip_check_above: int) -> Everyday:
    root, made = corpus_at(base, size)
    corpus = str(VENV_BIN / "corpus")
    (root / ".git" / "corpus" / "facts.sqlite").unlink(missing_ok=True)
    cold, result = timed([corpus, "status", "--json"], root)
    assert result.returncode == 0, result.stderr
    warm = fastest([corpus, "status", "--json"], root, "status")
    number = (size // 2) // 20 * 20 or 20  # a page with a resource file, in the middle
    page = root / "samples" / SETS[number % 3] / f"{'n' if number % 4 == 0 else ''}{number}.html"
    resource = page.parent / "resources" / page.stem / "note.txt"
    edit_one(root, page, resource, 1)
    dirty = fastest([corpus, "status", "--json"], root, "status")
    hooks, check_cold = hook_times(root, page.relative_to(root).as_posix(), resource.relative_to(root).as_posix())
    hooked = plain = float("inf")
    for round_ in range(REPEATS):
        if round_:
            edit_one(root, page, resource, 10 + round_)
        hooked = min(hooked, _commit(root, hooks=True))
        edit_one(root, page, resource, 20 + round_)
        plain = min(plain, _commit(root, hooks=False))
    found = Everyday(size, made, cold, warm, dirty, hooks, check_cold, hooked, plain)
    if size <= skip_check_above:
        found.full_check, found.full_check_rss, found.full_check_exit = run_measured([corpus, "check"], root)
    print(describe(found), flush=True)
    return found


def _commit(root: Path, hooks: bool) -> float:
    seconds, result = timed(["git", "commit", "-qm", "edit one page", *([] if hooks else ["--no-verify"])], root)
    if result.returncode != 0:
        sys.exit(f"the commit failed:\n{result.stdout}{result.stderr}")
    return seconds


def describe(e: Everyday) -> str:
    hooks = ", ".join(f"{name} {seconds:.2f}" for name, seconds in e.hooks.items())
    ours = sum(e.hooks.values())
    framework = e.commit_hooked - e.commit_plain - ours
    line = (f"{e.size:>7} pages ({f'made in {e.made:.0f} s' if e.made else 'reused'}): "
            f"status cold {e.status_cold:.2f} s, warm {e.status_warm:.2f} s, one page edited {e.status_edited:.2f} s\n"
            f"        hooks' own time: {hooks} s (sum {ours:.2f} s; check hook's first run, building the name "
            f"index: {e.check_hook_cold:.2f} s)\n"
            f"        one-page commit: with hooks {e.commit_hooked:.2f} s = git's own {e.commit_plain:.2f} s "
            f"(--no-verify, anchor) + our hooks {ours:.2f} s + pre-commit's framework {framework:.2f} s")
    if e.full_check is not None:
        line += (f"\n        full check {e.full_check:.1f} s, peak RSS {e.full_check_rss:.0f} MB "
                 f"(exit {e.full_check_exit})")
    return line


def summary(rows: list[Everyday]) -> None:
    """Ratios against the smallest size: each hook's own time, git's commit, full check memory."""
    if len(rows) < 2:
        return
    small = rows[0]
    for row in rows[1:]:
        growth = ", ".join(f"{name} x{row.hooks[name] / small.hooks[name]:.2f}" for name in row.hooks)
        line = (f"{small.size} -> {row.size} pages: hooks' own time {growth}; git's own commit "
                f"x{row.commit_plain / small.commit_plain:.2f}")
        if row.full_check_rss and small.full_check_rss:
            line += f"; full check peak RSS x{row.full_check_rss / small.full_check_rss:.2f}"
        print(line, flush=True)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", default="1000,10000,100000")
    args.add_argument("--render-pages", type=int, default=100, help="pages for the throughput part (0: skip it)")
    args.add_argument("--skip-check-above", type=int, default=10**9, help="no full check above this many pages")
    args.add_argument("--keep", type=Path, metavar="DIR",
                      help="make the corpora under DIR (outside the repository, e.g. /tmp/corpus-scale) and "
                           "reuse them in later runs; without it they live in a temp dir and are deleted")
    opts = args.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpus-scale-", ignore_cleanup_errors=True) as name:
        tmp = Path(name)
        home = (opts.keep or tmp) / "home"
        home.mkdir(parents=True, exist_ok=True)
        isolate(home)
        if opts.render_pages:
            throughput(tmp, opts.render_pages)
        base = opts.keep.resolve() if opts.keep else tmp
        if opts.keep and base.is_relative_to(Path(__file__).resolve().parent.parent):
            sys.exit(f"--keep {opts.keep}: inside the repository; pick a folder outside it (e.g. under /tmp)")
        rows = [everyday(base, int(size), opts.skip_check_above) for size in opts.sizes.split(",") if size]
        summary(rows)


if __name__ == "__main__":
    main()
