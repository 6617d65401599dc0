"""Benchmark: `corpus collect` pages a minute with -j 1, 2 and 4, on a local site.

    PYTHONPATH=. .venv/bin/python bench/collect.py [--pages 20] [--jobs 1,2,4]

Serves the tests' site (tests/collect/site.py: stylesheets with @import, a font,
srcset, <picture>, an iframe, a script-built element) on 127.0.0.1 and collects
--pages distinct pages of it into a folder per run (outside a corpus, so git's
costs are not in it), with one Chromium and N pages in flight. The bundle of
freeze-dry is made once before the runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.collect.freezer import freeze_dry_script  # noqa: E402
from corpus.collect.run import collect  # noqa: E402
from corpus.collect.sinks import FolderSink  # noqa: E402
from corpus.collect.targets import Target  # noqa: E402
from corpus.collect.visit import CollectOptions  # noqa: E402
from tests.collect.site import serving  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--jobs", default="1,2,4")
    args = parser.parse_args()
    script = freeze_dry_script()
    with serving() as site, tempfile.TemporaryDirectory() as tmp:
        for jobs in (int(j) for j in args.jobs.split(",")):
            targets = [Target(site.url(f"/page/{jobs}-{i}.html"), f"p{i}") for i in range(args.pages)]
            options = CollectOptions(jobs=jobs, allow_local=True)
            started = time.perf_counter()
            outcomes = collect(targets, options, FolderSink(Path(tmp) / f"j{jobs}", targets), script)
            seconds = time.perf_counter() - started
            collected = sum(o.status == "collected" for o in outcomes)
            print(f"-j {jobs}: {collected}/{len(targets)} pages in {seconds:.1f} s, "
                  f"{60 * collected / seconds:.0f} pages a minute")


if __name__ == "__main__":
    main()
