"""`corpus vectorize`: a ruleset's feature vectors for a set, in the Fathom format.

Incremental: a page is vectorized again only when its bytes changed (sha256) or
the ruleset did; kept pages are copied from the existing vector file, renamed
pages are found by their hash, deleted pages are dropped. A page's vectors depend
only on its bytes, its resources, the ruleset and the viewport, never on its name
or on other pages, which is what makes an incremental run equal a full one.

`time` (ms per page) is written as 0 unless `timings=True`: a measured time
differs run to run, and a tracked vector file must not change when nothing did.

A ruleset is Python (`rulesets.py`, corpus/vectors/ruleset.py) or a Fathom
JavaScript file (`rulesets.js`, corpus/vectors/jsruleset.py), told apart by suffix.
A page that fails is named in one line and left out (so the next run tries it
again); the others are still written. Finished pages are checkpointed into the
file as the run goes (vectors/checkpoint.py), so a killed run keeps them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from corpus.errors import BadInput, CorpusError
from corpus.extract.factcache import page_facts
from corpus.store.atomic import atomic_write
from corpus.tree.rubric import load_rubric
from corpus.tree.sample import SAMPLES_DIR, SETS, set_samples
from corpus.vectors.checkpoint import Checkpoint
from corpus.vectors.jsruleset import JS_RULESET_NAME, is_js_ruleset, load_js_ruleset
from corpus.vectors.jsvectorize import VECTORIZER_VERSION, JsRun
from corpus.vectors.planner import old_vectors, plan_pages, recorded_ruleset_hash
from corpus.vectors.ruleset import RULESET_NAME, load_ruleset
from corpus.vectors.vectorfile import (
    PageVectors,
    VectorFile,
    non_finite,
    vector_bytes,
)
from corpus.vectors.weights import rules_hash
from corpus.vectors.workers import (
    LocalRunner,
    Outcome,
    PageFailed,
    PageTask,
    RunConfig,
    Runner,
)

VECTORS_DIR = "vectors"


def default_vectors_path(root: Path, set_name: str, trainee: str) -> Path:
    return root / VECTORS_DIR / f"{set_name}_{trainee}.json"


def default_ruleset_path(root: Path) -> Path:
    """`rulesets.py` at the root, or `rulesets.js` when that is the only one there."""
    python, javascript = root / RULESET_NAME, root / JS_RULESET_NAME
    return javascript if javascript.exists() and not python.exists() else python


@dataclass(frozen=True)
class PreparedRuleset:
    """A loaded ruleset, reduced to what planning and the workers need."""

    hash: str  # the file's sha256: the vector file's rulesetHash
    feature_names: list[str]
    viewport: tuple[int, int]
    js: JsRun | None = None
    inputs_hash: str | None = None  # JavaScript only: see VectorFile.inputs_hash
    rules_hash: str | None = None  # the file with its weights masked: see VectorFile.rules_hash


def prepare_ruleset(
    root: Path, path: Path, trainee: str, rubric_viewport: tuple[int, int], *, firefox: bool, delay: float
) -> PreparedRuleset:
    if not is_js_ruleset(path):
        ruleset = load_ruleset(path)  # first: it names a missing or broken file
        return PreparedRuleset(ruleset.hash, ruleset.get(trainee).feature_names, rubric_viewport,
                               rules_hash=rules_hash(path, cache_root=root))
    js = load_js_ruleset(path, cache_root=root)
    rules = rules_hash(path, cache_root=root)
    spec = js.get(trainee)
    viewport = spec.viewport or rubric_viewport
    run = JsRun(js.code, trainee, viewport, firefox, delay)
    # The bundle's content, not its text: esbuild's text names the ruleset's file and holds its weights.
    identity = [rules, *js.imported_hashes(), js.bundler_version()]
    inputs = json.dumps([VECTORIZER_VERSION, identity, trainee, list(viewport), firefox]).encode()
    return PreparedRuleset(js.hash, spec.feature_names, viewport, run, hashlib.sha256(inputs).hexdigest(), rules)


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
    failed: list[PageFailed] = field(default_factory=list)  # pages left out, with why

    def as_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out), "set": self.set_name, "trainee": self.trainee,
            "vectorized": self.vectorized, "kept": len(self.kept), "removed": self.removed,
            "rendered": self.rendered, "full": self.full, "changed": self.changed,
            "failed": [{"page": f.filename, "error": f.message} for f in self.failed],
        }


def update_vectors(
    root: Path,
    set_name: str,
    trainee: str,
    ruleset_path: Path | None = None,
    out: Path | None = None,
    runner: Runner | None = None,
    *,
    full: bool = False,
    timings: bool = False,
    progress: bool = False,
    pages: list[str] | None = None,
    delay: float = 0.0,
    firefox: bool = True,
    show_browser: bool = False,
) -> VectorizeReport:
    """(Re)vectorize one set incrementally; see `vectorize_set`. `pages` limits the
    set to those names (the hook passes what git's index holds). Pages that fail
    are in the report's `failed` and left out of the file. `runner` says where pages
    run (default: here, in this process; corpus/cluster/choice.py picks local worker
    processes or a Dask cluster)."""
    if set_name not in SETS:
        raise BadInput(f"{set_name}: not a set (expected one of: {', '.join(SETS)})")
    if delay < 0:
        raise BadInput(f"--delay must not be negative (got {delay})")
    root = Path(root)
    ruleset_path = Path(ruleset_path) if ruleset_path is not None else default_ruleset_path(root)
    out = Path(out) if out is not None else default_vectors_path(root, set_name, trainee)
    ruleset = prepare_ruleset(root, ruleset_path, trainee, load_rubric(root).viewport, firefox=firefox, delay=delay)
    current, paths = _page_hashes(root, set_name, pages)
    before = out.read_bytes() if out.exists() else None  # read once: checkpoints rewrite it meanwhile
    old = old_vectors(out, full, before)
    keep, todo = plan_pages(current, old, ruleset.hash, ruleset.feature_names, ruleset.inputs_hash, ruleset.rules_hash)
    report = VectorizeReport(out, set_name, trainee, kept=sorted(keep), full=not keep and bool(todo))
    if old is not None:
        report.removed = sorted(set(old.page_hashes) - set(current))

    config = RunConfig(
        ruleset_path.resolve(), ruleset.hash, trainee, ruleset.viewport, root.resolve(), timings,
        delay=delay, set_dir=(root / SAMPLES_DIR / set_name).resolve(), js=ruleset.js, show_browser=show_browser,
    )
    tasks = [PageTask(name, paths[name], current[name], f"{SAMPLES_DIR}/{set_name}/{name}") for name in todo]
    recorded = replace(ruleset, hash=recorded_ruleset_hash(old, bool(keep), ruleset.hash, ruleset.rules_hash))
    vector_file = _vector_file_of(recorded, keep, current, timings)
    # Finished pages are written as the run goes, so a killed run keeps them.
    finite = partial(_finite_outcome, ruleset.feature_names, f"{SAMPLES_DIR}/{set_name}/")
    with Checkpoint(vector_file, out, len(keep) + len(tasks)) as checkpoint:
        results, report.rendered = (runner or LocalRunner()).run(
            config, tasks, f"vectorizing {set_name} for {trainee}", progress, lambda o: checkpoint.add(finite(o)))
    results = [finite(r) for r in results]
    now = checkpoint.written if checkpoint.written is not None else before
    _write_results(report, results, vector_file, before, now)
    return report


def _finite_outcome(feature_names: list[str], where: str, outcome: Outcome) -> Outcome:
    """A page holding a NaN or an infinity fails alone: no vector file can hold it."""
    found = non_finite(outcome, feature_names) if isinstance(outcome, PageVectors) else None
    return outcome if found is None else PageFailed(outcome.filename, f"{where}{outcome.filename}: {found} is not a finite number")


def _page_hashes(root: Path, set_name: str, pages: list[str] | None) -> tuple[dict[str, str], dict[str, Path]]:
    """The set's pages (or those named in `pages`): each one's sha256, and its path."""
    samples = set_samples(root, set_name)
    if pages is not None:
        wanted = set(pages)
        samples = [s for s in samples if s.name in wanted]
    # sha256 per page from the blob-id keyed facts cache: a hook run hashes only what changed.
    facts = page_facts(root, [s.relpath for s in samples], prefix=f"{SAMPLES_DIR}/{set_name}/")
    return {s.name: facts[s.relpath].sha256 for s in samples}, {s.name: s.path for s in samples}


def _vector_file_of(ruleset: PreparedRuleset, keep: dict[str, PageVectors], current: dict[str, str],
                    timings: bool) -> Callable[[list[PageVectors]], VectorFile]:
    """The vector file of the kept pages and those done so far (see `_vector_file`)."""
    return lambda done: _vector_file(ruleset, keep, done, current, timings)


def _write_results(report: VectorizeReport, results: list[PageVectors | PageFailed],
                   vector_file: Callable[[list[PageVectors]], VectorFile], before: bytes | None,
                   now: bytes | None) -> None:
    """Record the run's outcomes in the report and write the file (if its bytes differ from
    `now`, what is there after the checkpoints); `changed` compares with `before`, the file
    as the run found it. A failed page is left out of pageHashes, so the next run tries it again."""
    done = [r for r in results if not isinstance(r, PageFailed)]
    report.failed = sorted((r for r in results if isinstance(r, PageFailed)), key=lambda f: f.filename)
    report.vectorized = sorted(p.filename for p in done)
    data = vector_bytes(vector_file(done), report.out)
    if data != now:
        atomic_write(report.out, data)
    report.changed = data != before


def _vector_file(ruleset: PreparedRuleset, keep: dict[str, PageVectors], done: list[PageVectors],
                 current: dict[str, str], timings: bool) -> VectorFile:
    """The file holding the kept pages and `done`; pageHashes name only those, so
    a page missing from it (failed, or not finished yet) is done by the next run."""
    pages = [p if timings else replace(p, time=0) for p in [*keep.values(), *done]]
    hashes = {p.filename: current[p.filename] for p in pages}
    return VectorFile(ruleset.feature_names, pages, hashes, ruleset.hash, inputs_hash=ruleset.inputs_hash,
                      rules_hash=ruleset.rules_hash)


def vectorize_set(root: Path, set_name: str, trainee: str, ruleset_path: Path | None = None, **options: Any) -> Path:
    """Incrementally (re)vectorize `samples/<set_name>` for `trainee` and return the file.

    The ruleset defaults to `<root>/rulesets.py` (or `rulesets.js` if it is the
    only one), the file to `<root>/vectors/<set_name>_<trainee>.json`. Only pages
    whose bytes changed are vectorized again, unless the ruleset changed (then all
    are, from the render cache). `options` are `update_vectors`' (`out`, `runner`:
    where pages run, `delay`, `firefox`, `progress`, `show_browser`...). If pages fail,
    the others are written and CorpusError says how many failed and why the first
    did. Callers that change the corpus hold writer_lock.
    """
    report = update_vectors(root, set_name, trainee, ruleset_path, **options)
    if report.failed:
        raise CorpusError(
            f"{len(report.failed)} page(s) of {set_name} could not be vectorized (the others are in "
            f"{report.out}); first: {report.failed[0].message}"
        )
    return report.out
