"""Benchmark `corpus check` and the commit hooks on a generated corpus.

    .venv/bin/python bench/check.py [--pages 1000] [--kb 100]

Prints pages/s for `corpus check` over the whole corpus next to its anchor (reading
and parsing every page once with lxml in one process, the floor any label checker
pays), and the wall time of a `git commit` touching one page with the hooks next to
the same commit with `--no-verify`. Compare the ratios, not the seconds.
Runs in a temporary directory with its own HOME, git config and pre-commit cache.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from corpus.parallel import usable_cpus

VENV_BIN = Path(sys.executable).parent


def isolate(home: Path) -> None:
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Bench\n\temail = bench@corpus.invalid\n[init]\n\tdefaultBranch = main\n")
    os.environ.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1",
                      PRE_COMMIT_HOME=str(home / "pre-commit-cache"),
                      PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")


def page_html(number: int, negative: bool, kb: int) -> str:
    rows = []
    size, row = 0, 0
    while size < kb * 1024:
        line = (f'<div class="row r{row}"><p>Item {row} of page {number}: lorem ipsum dolor sit amet, '
                f'consectetur adipiscing elit.</p><a href="https://example.com/{number}/{row}">more</a></div>')
        rows.append(line)
        size += len(line) + 1
        row += 1
    form = "" if negative else '<form><input type="password" data-fathom="new-password"></form>'
    return (f'<!doctype html>\n<html><head><meta charset="utf-8"><title>Page {number}</title>\n'
            f'<link rel="stylesheet" href="resources/{"n" if negative else ""}{number}/style.css"></head>\n'
            f"<body>\n{form}\n" + "\n".join(rows) + "\n</body></html>\n")


def make_corpus(root: Path, pages: int, kb: int) -> list[Path]:
    from corpus.samples.init import init_corpus

    init_corpus(root)
    made = []
    sets = ("training", "validation", "testing")
    for number in range(1, pages + 1):
        negative = number % 4 == 0
        stem = f"{'n' if negative else ''}{number}"
        set_dir = root / "samples" / sets[number % 3]
        path = set_dir / f"{stem}.html"
        path.write_text(page_html(number, negative, kb))
        css = set_dir / "resources" / stem / "style.css"
        css.parent.mkdir(parents=True)
        css.write_text(f"body {{ margin: {number % 7}px }}\n")
        made.append(path)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "generated corpus", "--no-verify"], cwd=root, check=True)
    return made


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, result


def parse_all(pages: list[Path]) -> float:
    start = time.perf_counter()
    parser = etree.HTMLParser(huge_tree=True)
    for path in pages:
        etree.fromstring(path.read_bytes(), parser).xpath("//*[@data-fathom]")
    return time.perf_counter() - start


def touch_one(root: Path, page: Path, round_: int) -> None:
    text = page.read_text().replace("</body>", f"<p>edit {round_}</p>\n</body>", 1)
    page.write_text(text)
    subprocess.run(["git", "add", str(page)], cwd=root, check=True)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--pages", type=int, default=1000)
    args.add_argument("--kb", type=int, default=100)
    opts = args.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "home").mkdir()
        isolate(tmp_path / "home")
        root = tmp_path / "corpus"
        pages = make_corpus(root, opts.pages, opts.kb)
        corpus = str(VENV_BIN / "corpus")

        anchor = parse_all(pages)
        seconds, result = timed([corpus, "check"], root)
        if result.returncode != 0:
            sys.exit(f"corpus check found problems in the generated corpus:\n{result.stdout[:2000]}{result.stderr}")
        print(f"corpus check: {opts.pages} pages of {opts.kb} KB in {seconds:.2f} s = {opts.pages / seconds:.0f} pages/s"
              f" ({usable_cpus()} cores)")
        print(f"anchor (lxml parse of every page, one process): {anchor:.2f} s = {opts.pages / anchor:.0f} pages/s")
        print(f"ratio check / anchor: {seconds / anchor:.2f}")

        page = pages[len(pages) // 2]
        seconds, result = timed([corpus, "hooks", "run", "check", str(page.relative_to(root))], root)
        print(f"corpus-check hook alone on 1 page: {seconds:.2f} s (exit {result.returncode})")
        touch_one(root, page, 1)
        hooked, result = timed(["git", "commit", "-qm", "edit one page"], root)
        if result.returncode != 0:
            sys.exit(f"the commit with hooks failed:\n{result.stdout}{result.stderr}")
        touch_one(root, page, 2)
        plain, _ = timed(["git", "commit", "-qm", "edit one page", "--no-verify"], root)
        print(f"git commit touching 1 page of {opts.pages}, all hooks: {hooked:.2f} s; "
              f"with --no-verify (anchor): {plain:.2f} s; ratio {hooked / plain:.1f}")


if __name__ == "__main__":
    main()
