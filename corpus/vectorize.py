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

import hashlib
import json
import multiprocessing
import queue
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from corpus.browser import Viewport
from corpus.errors import BadInput, CorpusError
from corpus.render import MARK, PAIRED_BY_NAME, PageFacts, Renderer, mark_elements
from corpus.ruleset import NOT_RENDERED, RULESET_NAME, Node, Rendered, Trainee, load_ruleset
from corpus.rubric import load_rubric
from corpus.samples import SAMPLES_DIR, SETS, set_samples
from corpus.vectorfile import MARKUP_LENGTH, NodeVector, PageVectors, VectorFile, dump_vectors, load_vectors, sha256_file, vectors_to_json

LABEL = "data-fathom"
VECTORS_DIR = "vectors"


def default_vectors_path(root: Path, set_name: str, trainee: str) -> Path:
    return root / VECTORS_DIR / f"{set_name}_{trainee}.json"


# --- one page ------------------------------------------------------------------------


class PageDocument:
    """A parsed page as rules see it: labels and marks removed, facts fetched on demand."""

    def __init__(self, html: bytes, viewport: tuple[int, int], facts: Callable[[bytes], PageFacts], where: str) -> None:
        self.viewport = viewport
        self.where = where
        self._facts_source = facts
        self._facts: PageFacts | None = None
        self._marked = mark_elements(html)
        parser = lxml_html.HTMLParser(huge_tree=True)
        try:
            self.root = lxml_html.document_fromstring(self._marked, parser=parser)
        except (etree.ParserError, ValueError) as e:
            raise CorpusError(f"{where}: cannot parse the page: {e}") from None
        self.tree = self.root.getroottree()
        self._marks: dict[Any, str] = {}
        self.labels: dict[Any, str] = {}
        self.elements: list[Any] = []
        self._nodes: dict[Any, Node] = {}
        for element in self.root.iter(etree.Element):
            self.elements.append(element)  # holding them keeps lxml's proxies, and so dict keys, stable
            mark = element.attrib.pop(MARK, None)
            if mark is not None:
                self._marks[element] = mark
            label = element.attrib.pop(LABEL, None)
            if label is not None:
                self.labels[element] = label.strip()
        head, body = self.root.find("head"), self.root.find("body")
        self._named = {self.root: "html", head: "head", body: "body"}

    def node(self, element: Any) -> Node:
        node = self._nodes.get(element)
        if node is None:
            node = self._nodes[element] = Node(self, element)
        return node

    def facts(self) -> PageFacts:
        if self._facts is None:
            self._facts = self._facts_source(self._marked)
        return self._facts

    def rendered(self, element: Any) -> Rendered:
        elements = self.facts().elements
        mark = self._marks.get(element)
        if mark is not None and mark in elements:
            return elements[mark]
        name = self._named.get(element)
        if name in PAIRED_BY_NAME and name in elements:
            return elements[name]
        return NOT_RENDERED

    def page_size(self) -> tuple[float, float]:
        facts = self.facts()
        return (facts.width, facts.height)

    def describe(self, element: Any) -> str:
        return f"{start_tag(element)} ({self.tree.getpath(element)})"


def start_tag(element: Any, limit: int | None = None) -> str:
    attrs = "".join(
        f' {name}="{str(value).replace("&", "&amp;").replace(chr(34), "&quot;")}"'
        for name, value in element.attrib.items()
    )
    tag = f"<{str(element.tag).lower()}{attrs}>"
    return tag if limit is None else tag[:limit]


class RuleError(CorpusError):
    """A rule raised or returned something other than a number in [0, 1]."""


def _call_rule(doc: PageDocument, trainee: Trainee, rule: str, func: Callable[[Node], Any], element: Any) -> Any:
    try:
        return func(doc.node(element))
    except CorpusError:
        raise  # rendering failed: already names the page
    except Exception as e:
        detail = str(e).strip().splitlines()
        what = f"{type(e).__name__}: {detail[0]}" if detail else type(e).__name__
        raise RuleError(
            f"{doc.where}: rule `{rule}` of trainee `{trainee.name}` raised {what} on {doc.describe(element)}"
        ) from None


def _as_feature(doc: PageDocument, trainee: Trainee, rule: str, value: Any, element: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    try:
        number = float(value) if _is_real(value) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not (0.0 <= number <= 1.0):
        shown = repr(value)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise RuleError(
            f"{doc.where}: rule `{rule}` of trainee `{trainee.name}` returned {shown} "
            f"({type(value).__name__}), not a number in [0, 1], on {doc.describe(element)}"
        )
    return number


def _is_real(value: Any) -> bool:
    import numbers

    return isinstance(value, numbers.Real)


def vectorize_document(doc: PageDocument, trainee: Trainee) -> list[NodeVector]:
    """Candidates (`dom`, kept by `when`) in document order, then pruned targets."""
    selector = CSSSelector(trainee.dom, translator="html")
    targets = [e for e in doc.elements if doc.labels.get(e) == trainee.name]
    target_set = set(targets)
    nodes: list[NodeVector] = []
    kept: set[Any] = set()
    for element in selector(doc.root):
        if trainee.when is not None and not _call_rule(doc, trainee, "when", trainee.when, element):
            continue
        features = [
            _as_feature(doc, trainee, name, _call_rule(doc, trainee, name, func, element), element)
            for name, func in trainee.features.items()
        ]
        kept.add(element)
        nodes.append(NodeVector(element in target_set, features, start_tag(element, MARKUP_LENGTH)))
    for element in targets:
        if element not in kept:
            nodes.append(NodeVector(True, [], start_tag(element, MARKUP_LENGTH), pruned=True))
    return nodes


# --- running over pages ------------------------------------------------------------------


@dataclass(frozen=True)
class PageTask:
    filename: str  # relative to the set folder: the page's key in the vector file
    path: Path
    sha256: str
    where: str  # how messages name the page


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker process needs; plain data so it pickles."""

    ruleset_path: Path
    ruleset_hash: str
    trainee: str
    viewport: tuple[int, int]
    cache_root: Path | None
    timings: bool


class PageVectorizer:
    """Vectorizes pages one by one with one ruleset and one (lazily started) browser."""

    def __init__(self, config: RunConfig) -> None:
        ruleset = load_ruleset(config.ruleset_path)
        if ruleset.hash != config.ruleset_hash:
            raise CorpusError(f"{config.ruleset_path}: the ruleset changed during the run; run again")
        self.config = config
        self.trainee = ruleset.get(config.trainee)
        self.renderer = Renderer(Viewport(*config.viewport), config.cache_root)

    def __enter__(self) -> PageVectorizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.renderer.close()

    def run(self, task: PageTask) -> PageVectors:
        started = time.perf_counter()
        try:
            html = task.path.read_bytes()
        except OSError as e:
            raise CorpusError(f"{task.where}: cannot read the page: {e.strerror}") from None
        if hashlib.sha256(html).hexdigest() != task.sha256:
            raise CorpusError(f"{task.where}: the page changed during the run; run again")

        def facts(marked: bytes) -> PageFacts:
            return self.renderer.facts(task.path, task.sha256, marked)

        doc = PageDocument(html, self.config.viewport, facts, task.where)
        nodes = vectorize_document(doc, self.trainee)
        elapsed = round((time.perf_counter() - started) * 1000) if self.config.timings else 0
        return PageVectors(task.filename, nodes, elapsed)


def _worker(config: RunConfig, tasks: Any, results: Any) -> None:
    """A worker process: pull tasks until a None, send back vectors or one error."""
    renders = 0
    try:
        with PageVectorizer(config) as vectorizer:
            while (task := tasks.get()) is not None:
                results.put(("page", vectorizer.run(task)))
            renders = vectorizer.renderer.renders
    except CorpusError as e:
        results.put(("error", str(e), e.exit_code))
        return
    except BaseException as e:  # a bug: report it rather than hang the parent
        results.put(("error", "".join(traceback.format_exception_only(type(e), e)).strip(), 1))
        return
    results.put(("done", renders))


def run_tasks(config: RunConfig, tasks: list[PageTask], jobs: int, advance: Callable[[int], None]) -> tuple[list[PageVectors], int]:
    """Vectorize `tasks` in this process (jobs=1) or in `jobs` worker processes.

    Returns the page vectors and how many pages were rendered (not from cache).
    """
    if not tasks:
        return [], 0
    jobs = max(1, min(jobs, len(tasks)))
    if jobs == 1:
        out = []
        with PageVectorizer(config) as vectorizer:
            for task in tasks:
                out.append(vectorizer.run(task))
                advance(1)
            return out, vectorizer.renderer.renders
    return _run_parallel(config, tasks, jobs, advance)


def _run_parallel(config: RunConfig, tasks: list[PageTask], jobs: int, advance: Callable[[int], None]) -> tuple[list[PageVectors], int]:
    # spawn, not fork: workers start Playwright threads and must not inherit a
    # half-copied parent (the ruleset module is loaded afresh in each).
    ctx = multiprocessing.get_context("spawn")
    task_queue = ctx.Queue()
    results = ctx.Queue()
    for task in tasks:
        task_queue.put(task)
    for _ in range(jobs):
        task_queue.put(None)
    workers = [ctx.Process(target=_worker, args=(config, task_queue, results), daemon=True) for _ in range(jobs)]
    for w in workers:
        w.start()
    out: list[PageVectors] = []
    renders = 0
    finished = 0
    try:
        while finished < jobs:
            try:
                message = results.get(timeout=1.0)
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise CorpusError("a vectorizing worker process died; run again with --jobs 1 to see why")
                continue
            if message[0] == "page":
                out.append(message[1])
                advance(1)
            elif message[0] == "done":
                renders += message[1]
                finished += 1
            else:
                error = CorpusError(message[1])
                error.exit_code = message[2]
                raise error
    finally:
        for w in workers:
            if w.is_alive() and finished < jobs:
                w.terminate()
        for w in workers:
            w.join(timeout=10)
    return out, renders


# --- a whole set -------------------------------------------------------------------------


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


def _old_vectors(out: Path, full: bool) -> VectorFile | None:
    if full or not out.exists():
        return None
    try:
        return load_vectors(out)
    except CorpusError as e:
        raise CorpusError(f"{e} (run with --full to rebuild it)") from None


def plan_pages(
    current: dict[str, str], old: VectorFile | None, ruleset_hash: str, feature_names: list[str]
) -> tuple[dict[str, PageVectors], list[str]]:
    """Which pages can be kept from `old` (by name, or by hash after a rename) and which to do."""
    usable = (
        old is not None
        and old.version == 2
        and old.ruleset_hash == ruleset_hash
        and old.feature_names == feature_names
    )
    by_name: dict[str, PageVectors] = {}
    by_hash: dict[str, PageVectors] = {}
    if usable:
        assert old is not None
        by_name = {p.filename: p for p in old.pages if p.filename in old.page_hashes}
        for name in sorted(by_name):
            by_hash.setdefault(old.page_hashes[name], by_name[name])
    keep: dict[str, PageVectors] = {}
    todo: list[str] = []
    for name, digest in current.items():
        if name in by_name and old is not None and old.page_hashes[name] == digest:
            keep[name] = by_name[name]
        elif digest in by_hash:
            keep[name] = replace(by_hash[digest], filename=name)
        else:
            todo.append(name)
    return keep, todo


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

    old = _old_vectors(out, full)
    keep, todo = plan_pages(current, old, ruleset.hash, spec.feature_names)
    report = VectorizeReport(out, set_name, trainee, vectorized=todo, kept=sorted(keep), full=not keep and bool(todo))
    if old is not None:
        report.removed = sorted(set(old.page_hashes) - set(current))

    config = RunConfig(ruleset_path.resolve(), ruleset.hash, trainee, viewport, root.resolve(), timings)
    tasks = [PageTask(name, paths[name], current[name], f"{SAMPLES_DIR}/{set_name}/{name}") for name in todo]
    with _progress(progress, len(tasks), f"vectorizing {set_name} for {trainee}") as advance:
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


@contextmanager
def _progress(show: bool, total: int, label: str) -> Iterator[Callable[[int], None]]:
    if not show or total == 0 or not sys.stderr.isatty():  # no bar in logs and pipes
        yield lambda n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


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
