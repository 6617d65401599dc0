"""`corpus check`: the rubric's rules, naming, resources and storage, as `path:line: message`.

Findings stream out sorted by path: each page's as soon as it is checked, each set's
resources (orphan folders, links, Git LFS storage) when the order reaches its
`resources/` folder. Pages are parsed once each (in worker processes when there are
many, a bounded number at a time), so a full check of 100,000 pages holds what it
is printing, not the corpus. Checks that need the whole corpus (ids shared across
sets) ask the name index, so checking one page of a big corpus stays fast.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.check import drift
from corpus.check.leakage import EVALUATED, groups_of, leakage_findings
from corpus.check.links import (
    page_link_findings,
    resource_link_findings,
    set_link_findings,
)
from corpus.check.missing import TrackedResources, reference_findings
from corpus.check.pagecheck import page_reports
from corpus.check.strays import is_stray, set_stray_findings, stray_findings
from corpus.errors import BadInput, CorpusError
from corpus.findings import WARNING, Finding
from corpus.samples import lfs
from corpus.samples.hookwiring import hooks_installed
from corpus.samples.nameindex import NameIndex, name_index
from corpus.tree.rubric import Rubric, RubricError, load_rubric, rubric_path
from corpus.tree.sample import (
    RESOURCES_DIR,
    SAMPLES_DIR,
    SETS,
    Sample,
    all_samples,
    is_page_name,
    resolve_samples,
)
from corpus.vectors.ruleset import RULESET_NAME, load_ruleset

__all__ = ["Finding", "check_paths", "hooks_installed", "iter_findings"]


@dataclass
class Scope:
    """What a check was asked to look at (the rubric is always read)."""

    samples: list[Sample] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # root-relative resource files or folders
    sets: list[str] = field(default_factory=list)  # sets checked whole: look for orphan folders too
    strays: list[Path] = field(default_factory=list)  # named temp files, folders named like pages


def check_paths(root: Path, paths: list[Path], drift: bool = False, *, staged: bool = False,
                storage: bool = True, on_page: Callable[[], None] | None = None) -> list[Finding]:
    """All of `iter_findings`, as a sorted list."""
    return list(iter_findings(root, paths, drift, staged=staged, storage=storage, on_page=on_page))


def iter_findings(
    root: Path,
    paths: list[Path],
    drift: bool = False,
    *,
    staged: bool = False,
    storage: bool = True,
    on_page: Callable[[], None] | None = None,
    scope: Scope | None = None,
) -> Iterator[Finding]:
    """Check pages, set folders, resources or the rubric (no paths: the whole corpus);
    the findings come sorted (path, line, message), without repeats, as they are found.

    `staged` (for the commit hook) skips paths that are not samples instead of
    refusing them, and wants referenced resources staged, not merely on disk.
    `storage` includes the Git LFS checks of resources. `on_page` is called as each
    page is done. `scope`, when the caller has resolved `paths` already (to count the
    pages), is used as it is: a full check lists the sets once.
    """
    root = root.resolve()
    if scope is None:
        scope = resolve_scope(root, paths, lenient=staged)
    samples = sorted(scope.samples, key=lambda s: (s.set_name, s.name))  # the order of their findings
    rubric_findings: list[Finding] = []
    rubric: Rubric | None
    try:
        rubric = with_trainee_targets(load_rubric(root), root)
    except RubricError as e:
        rubric_findings.append(Finding(_rel(root, e.path), e.line, e.message, "rubric-error"))
        rubric = None
    present = _staged_resources(root, samples) if staged else None
    with ExitStack() as stack:
        # One index for the naming and the leakage checks: it is opened and refreshed once.
        index = stack.enter_context(name_index(root, rubric.naming)) if rubric is not None and (
            samples or scope.sets) else None
        pages = _page_findings(root, rubric, samples, present, on_page, index, scope.sets)
        drifted = sorted(drift_findings(root, samples)) if drift else []
        leaks = group_findings(rubric, scope, index) if rubric is not None and index is not None else []
        resources = _resource_findings(root, scope, samples, storage)
        previous = None
        for finding in heapq.merge(pages, rubric_findings, drifted, leaks, resources):
            if finding != previous:
                yield with_severity(rubric, finding)
            previous = finding


def with_severity(rubric: Rubric | None, finding: Finding) -> Finding:
    """The finding as the rubric's `checks:` rates its kind (an error unless it says `warning`)."""
    if rubric is not None and rubric.checks.get(finding.kind) == WARNING:
        return replace(finding, severity=WARNING)
    return finding


def group_findings(rubric: Rubric, scope: Scope, index: NameIndex) -> list[Finding]:
    """Leakage: naming groups spanning evaluated sets; a partial check asks only about the
    groups of its pages, but sees every page of the corpus (the index reads those groups' pages)."""
    if rubric.naming.group is None or (not scope.samples and not scope.sets):
        return []
    wanted = None if set(EVALUATED) <= set(scope.sets) else groups_of(rubric.naming, (s.name for s in scope.samples))
    if wanted is not None and not wanted:
        return []
    return leakage_findings(rubric.naming, index.grouped(EVALUATED, wanted))


def _page_findings(root: Path, rubric: Rubric | None, samples: list[Sample], present: set[str] | None,
                   on_page: Callable[[], None] | None, index: NameIndex | None,
                   scope_sets: list[str]) -> Iterator[Finding]:
    """What is wrong with each page itself, page by page in the order given."""
    tracked = TrackedResources(root, scope_sets)
    for sample, report in page_reports(rubric, samples):
        found = [Finding(Path(sample.relpath), p.line, p.message, p.kind) for p in report.problems]
        found += reference_findings(sample, report.references, present, tracked.__contains__)
        found += page_link_findings(sample)
        if index is not None and rubric is not None:
            found += naming_findings(index, rubric, sample)
        if on_page:
            on_page()
        yield from sorted(set(found))


def _resource_findings(root: Path, scope: Scope, samples: list[Sample], storage: bool) -> Iterator[Finding]:
    """Set by set (in path order), what is wrong with resources: orphan folders, links
    and Git LFS storage; one set's resources are looked at only when the stream reaches them."""
    by_set: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_set[sample.set_name].append(sample)
    named: dict[str, list[str]] = defaultdict(list)
    for spec in scope.resources:
        named[spec.split("/")[1]].append(spec)
    strays: dict[str, list[Path]] = defaultdict(list)
    for path in scope.strays:
        strays[path.relative_to(root / SAMPLES_DIR).parts[0]].append(path)
    for set_name in sorted(set(by_set) | set(named) | set(scope.sets) | set(strays)):
        whole = set_name in scope.sets
        found = orphan_findings(root, set_name, whole, named[set_name])
        found += set_stray_findings(root, set_name) if whole else stray_findings(root, strays[set_name])
        found += resource_link_findings(root, by_set[set_name]) + set_link_findings(root, set_name)
        if storage:
            if whole:  # one folder holds every page's resources: git lists it, not 33,000 paths
                specs = [f"{SAMPLES_DIR}/{set_name}/{RESOURCES_DIR}"]
            else:
                specs = [_rel(root, s.resources_dir).as_posix() for s in by_set[set_name]] + named[set_name]
            found += lfs.check_resources(root, sorted(set(specs)))
        yield from sorted(set(found))


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
        return Scope(all_samples(root, links=True), sets=list(SETS))
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
        if parts and resolved.exists() and is_stray(root, resolved):
            scope.strays.append(resolved)
            continue
        if len(parts) >= 2 and parts[0] in SETS and parts[1] == RESOURCES_DIR:
            scope.resources.append(resolved.relative_to(root).as_posix())
            continue
        if lenient and not (len(parts) == 2 and parts[0] in SETS and is_page_name(parts[1]) and resolved.is_file()):
            continue  # a hook is handed every staged file; only pages concern it
        for sample in resolve_samples(root, [path], links=True):
            if sample.path not in seen:
                seen.add(sample.path)
                scope.samples.append(sample)
        if resolved.is_dir():
            whole = list(SETS) if resolved in (root, samples_root) else [parts[0]]
            scope.sets += [s for s in whole if s not in scope.sets]
    return scope


def _staged_resources(root: Path, samples: list[Sample]) -> set[str]:
    return set(lfs.staged_blobs(root, [_rel(root, s.resources_dir).as_posix() for s in samples]))


def naming_findings(index: NameIndex, rubric: Rubric, sample: Sample) -> list[Finding]:
    """A name that breaks the rule, or an id another page uses too (ids span all sets)."""
    if rubric.naming.match(sample.name) is None:
        return [Finding(Path(sample.relpath), 1, f"name `{sample.name}` breaks the naming rule "
                                                 f"`{rubric.naming.pattern}`", "naming-rule")]
    sample_id = rubric.naming.identity(sample.name)  # the `id` group, or the whole name without one
    others = [p for p in index.sharing(sample_id) if p != sample.relpath]
    if not others:
        return []
    return [Finding(Path(sample.relpath), 1, f"id `{sample_id}` is also used by "
                                             f"{', '.join(others)} (ids are shared across sets)", "shared-id")]


def orphan_findings(root: Path, set_name: str, whole: bool, specs: list[str]) -> list[Finding]:
    """Resource folders of one set whose page is gone: all of them when the set is checked
    whole, else those of the resources named (`specs`)."""
    stems: set[str] = set()
    resources = root / SAMPLES_DIR / set_name / RESOURCES_DIR
    if whole and resources.is_dir():
        stems.update(p.name for p in resources.iterdir())
    for spec in specs:
        parts = spec.split("/")
        if len(parts) >= 4:
            stems.add(parts[3])
    findings = []
    for stem in sorted(stems):
        folder = resources / stem
        relpath = Path(SAMPLES_DIR, set_name, RESOURCES_DIR, stem)
        if not folder.is_dir():
            findings.append(Finding(relpath, 1, "file directly in resources/: resources belong in "
                                                "resources/<page stem>/", "stray-resource"))
        elif not any(resources.parent.joinpath(stem + suffix).is_file() for suffix in (".html", ".htm")):
            findings.append(Finding(relpath, 1, f"resources folder has no page (no {stem}.html in "
                                                f"{SAMPLES_DIR}/{set_name}/)", "orphan-resources"))
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
                                   "review its labels against the rubric", "drift") for page in pages]


def _rel(root: Path, path: Path) -> Path:
    try:
        return path.resolve().relative_to(root)
    except ValueError:
        return path
