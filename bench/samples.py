"""Benchmark the samples tree: per-page cost of add, import, split and pick as the corpus grows.

    .venv/bin/python bench/samples.py [--sizes 200,2000,20000]

For each size N it generates N small pages (one in ten inlines a tiny image, so
extraction and Git LFS take part), then times, each as one real `corpus` process
in a fresh corpus: `add DIR` of all N, `import` of a samples tree of N, `split`
of the N imported pages, and `pick` of N/2 of them back. The anchor is the same
work's per-page cost at the smallest size, printed side by side with the ratio
(the goal: within 1.5x at 100 times the size), and the floor any tool pays at
that size (`cp -r` of the pages plus one `git add -A`). Compare ratios, not seconds.
Runs in a temporary directory with its own HOME and git config.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
CORPUS = str(VENV_BIN / "corpus")
# A 1x1 PNG: a real image, so extraction sniffs it and LFS stores it.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def isolate(home: Path) -> None:
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Bench\n\temail = bench@corpus.invalid\n[init]\n\tdefaultBranch = main\n")
    os.environ.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1",
                      PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")


def page(number: int) -> bytes:
    negative = number % 3 == 0
    label = "" if negative else ' data-fathom="new-password"'
    image = (f'<img src="data:image/png;base64,{base64.b64encode(PIXEL + number.to_bytes(4, "big")).decode()}">'
             if number % 10 == 0 else "")
    return (f'<!doctype html>\n<html><head><meta charset="utf-8"><title>Page {number}</title></head>\n'
            f'<body><form><input type="password"{label}></form>{image}<p>Page {number}: lorem ipsum dolor '
            f"sit amet.</p></body></html>\n").encode()


def make_pages(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for number in range(1, count + 1):
        (folder / f"{'n' if number % 3 == 0 else ''}{number}.html").write_bytes(page(number))


def corpus(root: Path) -> Path:
    run([CORPUS, "init", str(root)], root.parent)
    return root


def run(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {result.stderr.strip().splitlines()[-1:]}")
    return elapsed


def measure(work: Path, count: int) -> dict[str, float]:
    """Milliseconds per page of each operation at this size."""
    src = work / "pages"
    make_pages(src, count)
    per_page: dict[str, float] = {}
    added = corpus(work / "added")
    per_page["add"] = run([CORPUS, "add", str(src)], added) / count
    tree = work / "tree" / "unused"
    shutil.copytree(src, tree)
    imported = corpus(work / "imported")
    per_page["import"] = run([CORPUS, "import", str(work / "tree")], imported) / count
    per_page["split"] = run([CORPUS, "split"], imported) / count
    per_page["pick"] = run([CORPUS, "pick", "training", "unused", str(count // 2)], imported) / (count // 2)
    floor = work / "floor"
    subprocess.run(["git", "init", "-q", str(floor)], check=True)
    start = time.perf_counter()
    shutil.copytree(src, floor / "samples")
    subprocess.run(["git", "add", "-A"], cwd=floor, check=True)
    per_page["floor (cp + git add)"] = (time.perf_counter() - start) / count
    return {op: seconds * 1000 for op, seconds in per_page.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,2000,20000", help="Corpus sizes in pages, smallest first.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        isolate(Path(tmp))
        results = {}
        for size in sizes:
            print(f"measuring {size} pages...", file=sys.stderr, flush=True)
            results[size] = measure(Path(tmp) / str(size), size)
    first, last = sizes[0], sizes[-1]
    print(f"{'ms per page':<22}" + "".join(f"{size:>10}" for size in sizes) + f"   {last}/{first}")
    for op in results[first]:
        row = "".join(f"{results[size][op]:>10.2f}" for size in sizes)
        print(f"{op:<22}{row}   {results[last][op] / results[first][op]:.2f}x")


if __name__ == "__main__":
    main()
