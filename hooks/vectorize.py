"""The `corpus-vectorize` hook: keep the tracked vector files in step with the commit.

For every tracked `vectors/<set>_<type>.json` it re-vectorizes, incrementally, the
set's pages as git's index holds them (so added, edited, renamed and deleted pages
all count, and untracked pages do not). A vector file that changes makes the hook
fail, as pre-commit's fixers do: add the file and commit again.

Pages run where `corpus vectorize` runs them: on the Dask cluster that
CORPUS_SCHEDULER or training.yaml's `scheduler:` names, else in one worker process
per usable CPU; progress goes to stderr.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.cluster.address import scheduler_for
from corpus.cluster.choice import vectorize_runner
from corpus.errors import CorpusError
from corpus.parallel import usable_cpus
from corpus.store import gitcli
from corpus.tree.sample import SAMPLES_DIR, SETS, is_page_name
from corpus.vectors.vectorize import VECTORS_DIR, update_vectors
from corpus.vectors.workers import Runner

VECTOR_FILE = re.compile(rf"^{VECTORS_DIR}/({'|'.join(SETS)})_(.+)\.json$")


def tracked_vector_files(root: Path) -> list[tuple[str, str]]:
    """(set, trainee) of each tracked vector file."""
    found = []
    for relpath in gitcli.tracked_files(root, VECTORS_DIR):
        m = VECTOR_FILE.match(relpath)
        if m:
            found.append((m.group(1), m.group(2)))
    return found


def staged_pages(root: Path, set_name: str) -> list[str]:
    prefix = f"{SAMPLES_DIR}/{set_name}/"
    names = [p[len(prefix):] for p in gitcli.tracked_files(root, prefix)]
    return [n for n in names if "/" not in n and is_page_name(n)]


def hook_runner(root: Path) -> Runner:
    """Where the hook's pages run: the configured cluster (as `corpus vectorize` finds it),
    else a worker process per usable CPU (a worker starts only for a page to do)."""
    return vectorize_runner(usable_cpus(), scheduler_for(root, None))


def main(root: Path, files: list[Path]) -> int:
    del files  # every set with a vector file is checked: deletions never reach a hook's file list
    updated = []
    failed = []
    try:
        runner = hook_runner(root)
        for set_name, trainee in tracked_vector_files(root):
            # progress=True: pre-commit has no terminal, so this prints plain
            # `vectorizing ...: n/N` lines (corpus/progress.py) and a long commit is not silent.
            report = update_vectors(root, set_name, trainee, runner=runner, pages=staged_pages(root, set_name),
                                    progress=True)
            failed += report.failed
            if report.changed:
                updated.append((report, f"{VECTORS_DIR}/{set_name}_{trainee}.json"))
    except CorpusError as e:
        print(f"corpus-vectorize: {e}")
        return 1
    for failure in failed:
        print(f"corpus-vectorize: {failure.message}")
    for report, relpath in updated:
        print(f"corpus-vectorize: updated {relpath} ({len(report.vectorized)} pages vectorized, "
              f"{len(report.removed)} removed)")
    if failed:
        print(f"corpus-vectorize: {len(failed)} page(s) could not be vectorized; fix them and commit again")
        return 1
    if updated:
        print("corpus-vectorize: add the updated vector files (git add vectors/) and commit again")
        return 1
    return 0
