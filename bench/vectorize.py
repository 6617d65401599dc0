"""Benchmark `corpus vectorize` and its hook on a generated corpus.

    .venv/bin/python bench/vectorize.py --pages 1000 --rendered-pages 200

Prints pages/s for a full DOM-only run and a full rendered run (on the first
`--rendered-pages` pages, rendering being the slow part), the time to re-vectorize
after changing one page against a full run (each through the real `corpus`
command, start-up included), and the wall time of a commit of one changed page
with the hook against one without vector files. Ratios are what to compare.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus.samples.init import init_corpus, template_text

VENV_BIN = Path(sys.executable).parent
WORDS = ("account password secure email register create new member offer price shop cart news "
         "article weather sport login help contact privacy terms about service update profile").split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_page(rng: random.Random, n: int, positive: bool) -> str:
    """A page of realistic size and shape: ~40-60 KB, a few hundred elements."""
    style = "\n".join(
        f".c{i} {{ color: #{rng.randrange(0xFFFFFF):06x}; margin: {rng.randrange(20)}px; "
        f"font-size: {rng.randrange(10, 24)}px; border: {rng.randrange(3)}px solid #ccc }}"
        for i in range(120)
    )
    nav = "".join(f'<li class="c{rng.randrange(120)}"><a href="/p{i}">{rng.choice(WORDS)}</a></li>' for i in range(40))
    paragraphs = "".join(f'<p class="c{rng.randrange(120)}">{sentence(rng, rng.randrange(20, 80))}</p>' for _ in range(40))
    rows = "".join(
        "<tr>" + "".join(f"<td>{rng.choice(WORDS)} {rng.randrange(1000)}</td>" for _ in range(6)) + "</tr>"
        for _ in range(25)
    )
    side = "".join(f'<div class="card c{rng.randrange(120)}"><h3>{sentence(rng, 3)}</h3><p>{sentence(rng, 25)}</p>'
                   f'<button class="c{rng.randrange(120)}">{rng.choice(WORDS)}</button></div>' for _ in range(15))
    label = ' data-fathom="new-password"'
    if positive:
        form = (f'<form id="signup" class="register c3" action="/register"><input type=email name=email>'
                f'<input type=password id="new-password" autocomplete="new-password"{label}>'
                f'<input type=password id="confirm-password"{label if rng.random() < 0.5 else ""}>'
                '<button type=submit class="primary">Create account</button></form>')
    else:
        form = ('<form id="login" action="/session"><input type=text name=user>'
                '<input type=password id="password" autocomplete="current-password">'
                '<button type=submit>Log in</button></form>')
    search = '<form class="search"><input type=search name=q><input type=hidden name=s value=1></form>'
    return (f"<!doctype html><html><head><meta charset=utf-8><title>Page {n}</title><style>{style}</style></head>"
            f"<body><header>{search}<nav><ul>{nav}</ul></nav></header><main><article>{paragraphs}"
            f"<table>{rows}</table></article><aside>{form}{side}</aside></main>"
            f"<footer>{sentence(rng, 30)}</footer></body></html>\n")


def dom_only_ruleset() -> str:
    """The scaffolded example ruleset without its rendered features."""
    text = template_text("rulesets.py")
    keep = text.split("# Rendered smells")[0]
    return keep.split("# --- a second example type")[0]


def corpus_cmd(root: Path, *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(VENV_BIN / "corpus"), *args], cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"corpus {' '.join(args)} failed: {result.stderr}")
    return elapsed


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed: {result.stderr}")
    return result


def build(root: Path, pages: int, seed: int) -> None:
    init_corpus(root)
    rng = random.Random(seed)
    training = root / "samples" / "training"
    for i in range(1, pages + 1):
        positive = rng.random() < 0.6
        (training / f"{'' if positive else 'n'}{i}.html").write_text(make_page(rng, i, positive))


def touch_one(root: Path, rng: random.Random) -> None:
    page = sorted((root / "samples" / "training").glob("*.html"))[0]
    page.write_text(page.read_text().replace("</footer>", f" {rng.random()}</footer>"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="pages in the generated corpus")
    parser.add_argument("--rendered-pages", type=int, default=200, help="pages for the rendered full run")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs for the full runs")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed + 1)
    with tempfile.TemporaryDirectory(prefix="bench-vectorize-") as tmp:
        env_root = Path(tmp)
        # The hooks call `corpus` from PATH; commits need an identity; keep pre-commit's cache here.
        os.environ["PATH"] = f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"
        os.environ["PRE_COMMIT_HOME"] = str(env_root / "pre-commit")
        for who in ("AUTHOR", "COMMITTER"):
            os.environ[f"GIT_{who}_NAME"] = "Bench"
            os.environ[f"GIT_{who}_EMAIL"] = "bench@corpus.invalid"
        root = env_root / "corpus"
        build(root, args.pages, args.seed)
        size = sum(p.stat().st_size for p in (root / "samples" / "training").glob("*.html"))
        print(f"corpus: {args.pages} pages, {size / args.pages / 1024:.0f} KiB each on average")
        vec = ["vectorize", "training", "-t", "new-password", "--jobs", str(args.jobs)]

        # DOM-only: full run, then one changed page.
        (root / "rulesets.py").write_text(dom_only_ruleset())
        full_dom = corpus_cmd(root, *vec, "--full")
        touch_one(root, rng)
        one_dom = corpus_cmd(root, *vec)
        print(f"DOM-only full run:      {full_dom:7.2f} s  {args.pages / full_dom:7.1f} pages/s")
        print(f"DOM-only 1 page changed: {one_dom:6.2f} s  (goal < 2 s)  ratio to full run: {one_dom / full_dom:.4f}")

        # Hook: a commit of one changed page, against the same commit with no vector file.
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "corpus")
        touch_one(root, rng)
        git(root, "add", "samples")
        started = time.perf_counter()
        hooked = git(root, "commit", "-q", "-m", "one page", check=False)
        hook_commit = time.perf_counter() - started
        if hooked.returncode == 0 or "corpus-vectorize: updated" not in hooked.stdout + hooked.stderr:
            sys.exit("the hook did not update the vector file:\n" + hooked.stdout + hooked.stderr)
        git(root, "add", "vectors")
        git(root, "commit", "-q", "-m", "one page")
        git(root, "rm", "-q", "--cached", "-r", "vectors")
        git(root, "commit", "-q", "-m", "untrack vectors")
        touch_one(root, rng)
        git(root, "add", "samples")
        started = time.perf_counter()
        git(root, "commit", "-q", "-m", "no vectors")
        no_hook_work = time.perf_counter() - started
        print(f"commit of 1 changed page, hook re-vectorizing: {hook_commit:6.2f} s; "
              f"same commit, no vector file: {no_hook_work:6.2f} s; ratio {hook_commit / no_hook_work:.2f}")

        # Rendered: the full example ruleset on a subset (rendering dominates).
        subset = root / "samples" / "validation"
        for page in sorted((root / "samples" / "training").glob("*.html"))[: args.rendered_pages]:
            shutil.copy(page, subset / page.name)
        (root / "rulesets.py").write_text(template_text("rulesets.py"))
        rvec = ["vectorize", "validation", "-t", "new-password", "--jobs", str(args.jobs)]
        full_rendered = corpus_cmd(root, *rvec, "--full")
        n = args.rendered_pages
        print(f"rendered full run ({n} pages): {full_rendered:7.2f} s  {n / full_rendered:7.1f} pages/s  "
              f"ratio to DOM-only pages/s: {(n / full_rendered) / (args.pages / full_dom):.3f}")
        (root / "rulesets.py").write_text(template_text("rulesets.py") + "\n# edited\n")
        cached = corpus_cmd(root, *rvec)
        print(f"ruleset edit, all {n} pages from the render cache: {cached:6.2f} s  {n / cached:7.1f} pages/s  "
              f"ratio to rendering: {cached / full_rendered:.3f}")
        touch_one_in = sorted(subset.glob("*.html"))[0]
        touch_one_in.write_text(touch_one_in.read_text().replace("</footer>", " x</footer>"))
        one_rendered = corpus_cmd(root, *rvec)
        print(f"rendered, 1 page changed: {one_rendered:6.2f} s  (goal < 2 s)  "
              f"ratio to full rendered run: {one_rendered / full_rendered:.4f}")


if __name__ == "__main__":
    main()
