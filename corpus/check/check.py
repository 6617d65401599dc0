"""`corpus check`: the rubric's rules, naming, resources and storage, as `path:line: message`.

Pages are parsed once each (in worker processes when there are many); checks that
need the whole corpus (ids shared across sets) look only at directory listings, so
checking one page of a big corpus stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.check import drift
from corpus.check.findings import Finding
from corpus.check.labels import Problem, check_labels, parse_page
from corpus.check.links import link_findings
from corpus.check.rubric import Rubric, RubricError, load_rubric, rubric_path
from corpus.errors import BadInput, CorpusError
from corpus.extract.references import Reference, resource_references
from corpus.samples import lfs
from corpus.samples.hookwiring import hooks_installed
from corpus.samples.nameindex import NameIndex, name_index
from corpus.samples.tree import (
    RESOURCES_DIR,
    SAMPLES_DIR,
    SETS,
    Sample,
    all_samples,
    is_page_name,
    resolve_samples,
)
from corpus.vectors.ruleset import RULESET_NAME, load_ruleset

__all__ = ["Finding", "check_paths", "hooks_installed"]

PARALLEL_FROM = 64  # pages; below this, starting worker processes costs more than it saves


@dataclass
class Scope:
    """What a check was asked to look at (the rubric is always read)."""

    samples: list[Sample] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # root-relative resource files or folders
    sets: list[str] = field(default_factory=list)  # sets checked whole: look for orphan folders too


@dataclass(frozen=True)
class PageReport:
    """What one worker found in one page."""

    problems: list[Problem]
    references: list[Reference]


def check_paths(
    root: Path,
    paths: list[Path],
    drift: bool = False,
    *,
    staged: bool = False,
    storage: bool = True,
    on_page: Callable[[], None] | None = None,
) -> list[Finding]:
    """Check pages, set folders, resources or the rubric (no paths: the whole corpus).

    `staged` (for the commit hook) skips paths that are not samples instead of
    refusing them, and wants referenced resources staged, not merely on disk.
    `storage` includes the Git LFS checks of resources.
    """
    root = root.resolve()
    scope = resolve_scope(root, paths, lenient=staged)
    findings: list[Finding] = []
    rubric: Rubric | None
    try:
        rubric = with_trainee_targets(load_rubric(root), root)
    except RubricError as e:
        findings.append(Finding(_rel(root, e.path), e.line, e.message))
        rubric = None
    reports = check_pages(rubric, scope.samples, on_page)
    present = _staged_resources(root, scope.samples) if staged else None
    for sample, report in zip(scope.samples, reports):
        findings += [Finding(Path(sample.relpath), p.line, p.message) for p in report.problems]
        findings += _reference_findings(sample, report.references, present)
    if rubric is not None:
        findings += list(naming_findings(root, rubric, scope.samples))
    findings += orphan_findings(root, scope)
    findings += link_findings(root, scope.samples)
    if storage:
        specs = [_rel(root, s.resources_dir).as_posix() for s in scope.samples]
        specs += [f"{SAMPLES_DIR}/{s}/{RESOURCES_DIR}" for s in scope.sets] + scope.resources
        findings += lfs.check_resources(root, sorted(set(specs)))
    if drift:
        findings += drift_findings(root, scope.samples)
    return sorted(set(findings))


def with_trainee_targets(rubric: Rubric, root: Path) -> Rubric:
    """The rubric, plus the label values rulesets.py's trainees count as targets of a
    declared type (`targets=["new", "confirm"]`); a ruleset that does not load adds none
    (vectorize reports why)."""
    if not (root / RULESET_NAME).is_file():
        return rubric
    try:
        aliases = load_ruleset(root / RULESET_NAME).target_aliases()
    except CorpusError:
        return rubric
    usable = {label: name for label, name in aliases.items() if name in rubric.types and label not in rubric.types}
    return replace(rubric, target_aliases=usable) if usable else rubric


def resolve_scope(root: Path, paths: Iterable[Path], lenient: bool = False) -> Scope:
    paths = list(paths)
    if not paths:
        return Scope(all_samples(root), sets=list(SETS))
    scope = Scope()
    samples_root = root / SAMPLES_DIR
    seen: set[Path] = set()
    for path in paths:
        resolved = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not lenient and not resolved.exists():
            raise BadInput(f"{path}: no such file or folder")
        if resolved == rubric_path(root).resolve():
            continue  # the rubric is loaded, and its schema errors reported, by every check
        try:
            parts = resolved.relative_to(samples_root).parts
        except ValueError:
            parts = ()
        if len(parts) >= 2 and parts[0] in SETS and parts[1] == RESOURCES_DIR:
            scope.resources.append(resolved.relative_to(root).as_posix())
            continue
        if lenient and not (len(parts) == 2 and parts[0] in SETS and is_page_name(parts[1]) and resolved.is_file()):
            continue  # a hook is handed every staged file; only pages concern it
        for sample in resolve_samples(root, [path]):
            if sample.path not in seen:
                seen.add(sample.path)
                scope.samples.append(sample)
        if resolved.is_dir():
            whole = list(SETS) if resolved in (root, samples_root) else [parts[0]]
            scope.sets += [s for s in whole if s not in scope.sets]
    return scope


def check_pages(rubric: Rubric | None, samples: list[Sample],
                on_page: Callable[[], None] | None = None) -> list[PageReport]:
    jobs = [(rubric, sample) for sample in samples]
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        results = []
        for job in jobs:
            results.append(check_page(*job))
            if on_page:
                on_page()
        return results
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 8)) as pool:
        results = []
        for report in pool.map(_check_page_job, jobs, chunksize=16):
            results.append(report)
            if on_page:
                on_page()
        return results


def _check_page_job(job: tuple[Rubric | None, Sample]) -> PageReport:
    return check_page(*job)


def check_page(rubric: Rubric | None, sample: Sample) -> PageReport:
    """Everything that can be said about one page from its own bytes."""
    from corpus.extract.extract import looks_like_html
    from corpus.extract.survey import survey

    try:
        data = sample.path.read_bytes()
    except OSError as e:
        return PageReport([Problem(1, f"cannot read the page: {e.strerror}")], [])
    if not data.strip():
        return PageReport([Problem(1, "empty page")], [])
    if not looks_like_html(data[:4096]):
        return PageReport([Problem(1, "not an HTML page (no markup at its start): binary or misnamed?")], [])
    problems = []
    if _may_hold_data_urls(data):
        found = survey(data)
        if found.extractable:
            problems.append(Problem(1, f"page still holds inline data: URLs (extract not run): "
                                       f"run `corpus extract {sample.relpath}`"))
        for offset, message in found.leftovers:  # what extract cannot move out: never silent
            problems.append(Problem(data.count(b"\n", 0, offset) + 1, f"offset {offset}: {message}"))
    doc = parse_page(data)
    if doc is None:
        return PageReport([*problems, Problem(1, "does not parse as HTML")], [])
    if rubric is not None:
        parts = rubric.naming.match(sample.name)
        negative = None if parts is None else bool(parts.get("negative"))
        problems += check_labels(rubric, doc, negative)
    return PageReport(problems, resource_references(doc))


def _may_hold_data_urls(data: bytes) -> bool:
    """A fast superset of `has_inline_data`: no `data:` (colon maybe as an entity), no data URL.

    The full scan costs as much as parsing the page; most pages are ruled out in microseconds.
    """
    lowered = data.lower()
    return b"data:" in lowered or b"data&" in lowered


def _reference_findings(sample: Sample, references: list[Reference], staged: set[str] | None) -> list[Finding]:
    findings = []
    own = f"{RESOURCES_DIR}/{sample.stem}/"
    for ref in references:
        where = f"{SAMPLES_DIR}/{sample.set_name}/{ref.target}"
        if not ref.target.startswith(own):
            message = (f"refers to `{ref.url}` outside its own resources folder `{own}` "
                       "(a sample is served only its own resources)")
        elif staged is not None and where not in staged:
            message = f"refers to resource `{ref.url}`, which is not staged: `git add {where}`"
        elif staged is None and not _is_file(sample.set_dir / ref.target):
            message = f"refers to missing resource `{ref.url}`"
        else:
            continue
        findings.append(Finding(Path(sample.relpath), ref.line, message))
    return findings


def _is_file(path: Path) -> bool:
    """`path.is_file()`, False for names the OS refuses (a segment over 255 bytes: ENAMETOOLONG)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _staged_resources(root: Path, samples: list[Sample]) -> set[str]:
    return set(lfs.staged_blobs(root, [_rel(root, s.resources_dir).as_posix() for s in samples]))


def naming_findings(root: Path, rubric: Rubric, samples: Iterable[Sample]) -> Iterator[Finding]:
    """Names that break the rule, and ids used by more than one page (ids span all sets),
    page by page in the order given."""
    index = None
    with ExitStack() as stack:
        for sample in samples:
            if index is None:  # opened for the first page: nothing to check costs nothing
                index = stack.enter_context(name_index(root, rubric.naming))
            yield from _name_findings(index, rubric, sample)


def _name_findings(index: NameIndex, rubric: Rubric, sample: Sample) -> list[Finding]:
    if rubric.naming.match(sample.name) is None:
        return [Finding(Path(sample.relpath), 1, f"name `{sample.name}` breaks the naming rule "
                                                 f"`{rubric.naming.pattern}`")]
    sample_id = rubric.naming.identity(sample.name)  # the `id` group, or the whole name without one
    others = [p for p in index.sharing(sample_id) if p != sample.relpath]
    if not others:
        return []
    return [Finding(Path(sample.relpath), 1, f"id `{sample_id}` is also used by "
                                             f"{', '.join(others)} (ids are shared across sets)")]


def orphan_findings(root: Path, scope: Scope) -> list[Finding]:
    """Resource folders whose page is gone, in the sets checked whole and the resources named."""
    folders: set[tuple[str, str]] = set()
    for set_name in scope.sets:
        resources = root / SAMPLES_DIR / set_name / RESOURCES_DIR
        if resources.is_dir():
            folders.update((set_name, p.name) for p in resources.iterdir())
    for spec in scope.resources:
        parts = spec.split("/")
        if len(parts) >= 4:
            folders.add((parts[1], parts[3]))
    findings = []
    for set_name, stem in sorted(folders):
        folder = root / SAMPLES_DIR / set_name / RESOURCES_DIR / stem
        relpath = Path(SAMPLES_DIR, set_name, RESOURCES_DIR, stem)
        if not folder.is_dir():
            findings.append(Finding(relpath, 1, "file directly in resources/: resources belong in "
                                                "resources/<page stem>/"))
        elif not any(folder.parent.parent.joinpath(stem + suffix).is_file() for suffix in (".html", ".htm")):
            findings.append(Finding(relpath, 1, f"resources folder has no page (no {stem}.html in "
                                                f"{SAMPLES_DIR}/{set_name}/)"))
    return findings


def drift_findings(root: Path, samples: list[Sample]) -> list[Finding]:
    bump, pages = drift.drifted_pages(root, [s.relpath for s in samples])
    if bump is None:
        return []
    if bump.commit is None:
        why = f"the rubric is now version {bump.version} (not committed yet)"
    else:
        why = f"rubric version {bump.version} came in with commit {bump.short}"
    return [Finding(Path(page), 1, f"labeled under an older rubric: unchanged since before {why}; "
                                   "review its labels against the rubric") for page in pages]


def _rel(root: Path, path: Path) -> Path:
    try:
        return path.resolve().relative_to(root)
    except ValueError:
        return path
