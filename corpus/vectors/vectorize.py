"""`corpus vectorize`: a ruleset's feature vectors for a set, in the Fathom format.

Incremental: a page is vectorized again only when its bytes changed (sha256) or
the ruleset did; kept pages are copied from the existing vector file, renamed
pages are found by their hash, deleted pages are dropped. A page's vectors depend
only on its bytes, its resources, the ruleset and the viewport, never on its name
or on other pages, which is what makes an incremental run equal a full one.

`time` (ms per page) is written as 0 unless `timings=True`: a measured time
differs run to run, and a tracked vector file must not change when nothing did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpus.check.rubric import load_rubric
from corpus.errors import BadInput
from corpus.progress import progress as show_progress
from corpus.samples.tree import SAMPLES_DIR, SETS, set_samples
from corpus.vectors.planner import old_vectors, plan_pages
from corpus.vectors.ruleset import RULESET_NAME, load_ruleset
from corpus.vectors.vectorfile import (
    VectorFile,
    dump_vectors,
    sha256_file,
    vectors_to_json,
)
from corpus.vectors.workers import PageTask, RunConfig, run_tasks

VECTORS_DIR = "vectors"


def default_vectors_path(root: Path, set_name: str, trainee: str) -> Path:
    return root / VECTORS_DIR / f"{set_name}_{trainee}.json"


@dataclass
class VectorizeReport:
    out: Path
    set_name: str
    trainee: str
    vectorized: list[str] = field(default_factory=list)  # pages computed this run
    kept: list[str] = field(default_factory=list)  # pages copied from the old file
    removed: list[str] = field(default_factory=list)  # pages the old file had, now gone
    rendered: int = 0  # pages rendered in a browser (the rest came from the cache or needed none)
    full: bool = False  # every page was vectorized (new file, ruleset change, --full)
    changed: bool = False  # the file's bytes changed

    def as_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out), "set": self.set_name, "trainee": self.trainee,
            "vectorized": self.vectorized, "kept": len(self.kept), "removed": self.removed,
            "rendered": self.rendered, "full": self.full, "changed": self.changed,
        }


def update_vectors(
    root: Path,
    set_name: str,
    trainee: str,
    ruleset_path: Path | None = None,
    out: Path | None = None,
    jobs: int = 1,
    *,
    full: bool = False,
    timings: bool = False,
    progress: bool = False,
    pages: list[str] | None = None,
) -> VectorizeReport:
    """(Re)vectorize one set incrementally; see `vectorize_set`. `pages` limits the
    set to those names (the hook passes what git's index holds)."""
    if set_name not in SETS:
        raise BadInput(f"{set_name}: not a set (expected one of: {', '.join(SETS)})")
    root = Path(root)
    ruleset_path = Path(ruleset_path) if ruleset_path is not None else root / RULESET_NAME
    out = Path(out) if out is not None else default_vectors_path(root, set_name, trainee)
    ruleset = load_ruleset(ruleset_path)
    spec = ruleset.get(trainee)
    viewport = load_rubric(root).viewport

    samples = set_samples(root, set_name)
    if pages is not None:
        wanted = set(pages)
        samples = [s for s in samples if s.name in wanted]
    current = {s.name: sha256_file(s.path) for s in samples}
    paths = {s.name: s.path for s in samples}

    old = old_vectors(out, full)
    keep, todo = plan_pages(current, old, ruleset.hash, spec.feature_names)
    report = VectorizeReport(out, set_name, trainee, vectorized=todo, kept=sorted(keep), full=not keep and bool(todo))
    if old is not None:
        report.removed = sorted(set(old.page_hashes) - set(current))

    config = RunConfig(ruleset_path.resolve(), ruleset.hash, trainee, viewport, root.resolve(), timings)
    tasks = [PageTask(name, paths[name], current[name], f"{SAMPLES_DIR}/{set_name}/{name}") for name in todo]
    with show_progress(f"vectorizing {set_name} for {trainee}", len(tasks), progress) as advance:
        done, report.rendered = run_tasks(config, tasks, jobs, advance)

    page_vectors = [p if timings else replace(p, time=0) for p in [*keep.values(), *done]]
    vectors = VectorFile(spec.feature_names, page_vectors, dict(current), ruleset.hash)
    before = out.read_bytes() if out.exists() else None
    dump_if_changed(vectors, out, before)
    report.changed = before != out.read_bytes()
    return report


def dump_if_changed(vectors: VectorFile, out: Path, before: bytes | None) -> None:
    """Write atomically, and not at all when the bytes would be the same."""
    text = (json.dumps(vectors_to_json(vectors), separators=(",", ":")) + "\n").encode()
    if text != before:
        dump_vectors(vectors, out)


def vectorize_set(
    root: Path,
    set_name: str,
    trainee: str,
    ruleset_path: Path | None = None,
    out: Path | None = None,
    jobs: int = 1,
    *,
    full: bool = False,
    timings: bool = False,
    progress: bool = False,
) -> Path:
    """Incrementally (re)vectorize `samples/<set_name>` for `trainee` and return the file.

    The ruleset defaults to `<root>/rulesets.py`, the file to
    `<root>/vectors/<set_name>_<trainee>.json`. Only pages whose bytes changed are
    vectorized again, unless the ruleset changed (then all are, from the render
    cache). A failing rule raises CorpusError naming rule, page and element, and
    leaves the old file untouched. Callers that change the corpus hold writer_lock.
    """
    return update_vectors(
        root, set_name, trainee, ruleset_path, out, jobs, full=full, timings=timings, progress=progress
    ).out
