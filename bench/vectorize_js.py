"""Benchmark vectorizing with a JavaScript ruleset (rulesets.js) in headless Chromium.

    .venv/bin/python bench/vectorize_js.py --pages 60 --set-pages 500

Part 1: a full run of `corpus vectorize -j 2` over `--pages` realistic saved pages
(40-60 KB, a few hundred elements, the saved page's CSP, an inlined image), with
the scaffolded rulesets.js, through the real `corpus` command (start-up included).
Its anchor is what fathom's own Vectorizer needs at best with its defaults: a
5 s wait after each load, 16 tabs at once, so 5/16 = 0.3125 s a page however fast
the rest is (FathomFox drives Firefox, which this machine cannot run; the wait is
what bounds it).

Part 2: a `--set-pages` page set, vectorized once, then one page changed and the
set vectorized again. Its anchor is the old tools, which redid every page when
any changed: `--set-pages` times part 1's anchor.

Ratios are what to compare (goals: at most 0.31 s a page; under 2 s after one change).
"""

from __future__ import annotations

import argparse
import base64
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from vectorize import make_page  # noqa: E402  (the realistic page generator of bench/vectorize.py)

from corpus.render.browser import Viewport, launch  # noqa: E402
from corpus.samples.init import init_corpus  # noqa: E402

VENV_BIN = Path(sys.executable).parent
FATHOM_DELAY_S = 5.0  # fathom's default --delay
FATHOM_TABS = 16  # fathom's default --tabs
FATHOM_BEST_S_PER_PAGE = FATHOM_DELAY_S / FATHOM_TABS
SAVED_HEAD = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
              "media-src data:; style-src data: 'unsafe-inline'; font-src data:; frame-src data:\">"
              '<link rel="original" href="https://example.com/">')
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101001805d8b80000000049454e44ae426082")).decode()


def saved_page(rng: random.Random, n: int, positive: bool) -> str:
    """bench/vectorize.py's page, as a browser extension saves it: CSP, inlined image."""
    page = make_page(rng, n, positive).replace("<meta charset=utf-8>", "<meta charset=utf-8>" + SAVED_HEAD, 1)
    return page.replace("<header>", f'<header><img src="data:image/png;base64,{PIXEL}" width=120 height=40>', 1)


def build(root: Path, pages: int, seed: int) -> None:
    init_corpus(root, js=True)
    rng = random.Random(seed)
    training = root / "samples" / "training"
    for i in range(1, pages + 1):
        positive = rng.random() < 0.6
        (training / f"{'' if positive else 'n'}{i}.html").write_text(saved_page(rng, i, positive))


def vectorize(root: Path, jobs: int) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(VENV_BIN / "corpus"), "vectorize", "training", "-t", "new-password", "-j", str(jobs)],
                            cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"corpus vectorize failed: {result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=60, help="pages for the full run (part 1)")
    parser.add_argument("--set-pages", type=int, default=500, help="pages in the set of part 2")
    parser.add_argument("--jobs", type=int, default=2, help="browser workers (-j)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-vectorize-js-") as tmp:
        root = Path(tmp) / "full"
        build(root, args.pages, args.seed)
        size = sum(p.stat().st_size for p in (root / "samples" / "training").glob("*.html")) / args.pages
        elapsed = vectorize(root, args.jobs)
        per_page = elapsed / args.pages
        print(f"part 1: {args.pages} saved pages ({size / 1024:.0f} KiB each), -j {args.jobs}, start-up included")
        print(f"  corpus:        {per_page:6.3f} s/page  ({elapsed:.1f} s)")
        print(f"  fathom (best): {FATHOM_BEST_S_PER_PAGE:6.3f} s/page  ({FATHOM_DELAY_S:g} s wait / {FATHOM_TABS} tabs)")
        print(f"  ratio corpus/fathom: {per_page / FATHOM_BEST_S_PER_PAGE:.3f}  (goal <= 1)")

        root = Path(tmp) / "set"
        build(root, args.set_pages, args.seed + 1)
        first = vectorize(root, args.jobs)
        page = sorted((root / "samples" / "training").glob("*.html"))[0]
        page.write_text(page.read_text().replace("</footer>", " changed</footer>"))
        again = vectorize(root, args.jobs)
        old_tools = args.set_pages * FATHOM_BEST_S_PER_PAGE
        started = time.perf_counter()
        with launch(Viewport()) as browser, browser.set_tab(Viewport()):
            pass
        browser_floor = time.perf_counter() - started
        print(f"part 2: {args.set_pages}-page set, one page changed (first full run {first:.1f} s)")
        print(f"  corpus:            {again:7.2f} s  (goal < 2 s; of which starting and closing Chromium "
              f"alone takes {browser_floor:.2f} s on this machine now)")
        print(f"  old tools (best):  {old_tools:7.2f} s  (every page again)")
        print(f"  ratio corpus/old:  {again / old_tools:.4f}")


if __name__ == "__main__":
    main()
