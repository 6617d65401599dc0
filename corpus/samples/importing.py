"""`corpus import SRC`: bring an existing Fathom corpus in, names and sets kept.

SRC is a samples tree (any of `unused/ training/ validation/ testing/`, or a
folder holding `samples/` with them) or a plain folder of pages. Pages keep
their names and sets (`to_set` puts them all in one); pages fathom-extract made
bring their `resources/<stem>/` files; fathom's `originals/` folders are not
samples. Names that break the naming rule are imported and reported: they are
the user's data. Every file and folder that is not imported is reported with why
(a folder that is not a set, `originals/`, a file that is not a page), and so are
the resource files pages point at that SRC lacks, counted per set. All pages land
through one journaled plan (landing.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import BadInput
from corpus.samples.add import ORIGINALS_DIR, is_page_file
from corpus.samples.fathomtree import absent_files
from corpus.samples.fingerprints import holder, known_pages, page_fingerprints
from corpus.samples.landing import Arrival, land
from corpus.tree.pages import label_types, read_page
from corpus.tree.rubric import Rubric
from corpus.tree.sample import (
    PAGE_SUFFIXES,
    RESOURCES_DIR,
    SAMPLES_DIR,
    SETS,
    Sample,
    all_samples,
)


@dataclass
class ImportResult:
    imported: list[Arrival] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # pages already in the corpus
    reported: list[str] = field(default_factory=list)  # imported, but breaking a rule of the rubric
    problems: list[str] = field(default_factory=list)  # from extraction
    passed_over: list[str] = field(default_factory=list)  # files and folders of SRC not imported, with why
    # set -> [pages pointing at resource files SRC lacks, how many such files]
    missing_resources: dict[str, list[int]] = field(default_factory=dict)

    def per_set(self) -> dict[str, int]:
        counts = Counter(a.page.split("/")[1] for a in self.imported)
        return {s: counts[s] for s in SETS if counts[s]}

    def count_missing(self, set_name: str, files: int) -> None:
        if files:
            counts = self.missing_resources.setdefault(set_name, [0, 0])
            counts[0] += 1
            counts[1] += files

    def missing_notes(self) -> list[str]:
        return [f"{set_name}: {pages} page(s) point at {files} resource file(s) that are not in the source "
                "(absent: `corpus check` lists them per page)"
                for set_name, (pages, files) in self.missing_resources.items()]


@dataclass
class Source:
    """What SRC holds: the pages with the set each goes to, and what is not imported."""

    pages: list[tuple[Path, str]] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)


def source_pages(src: Path, to_set: str | None) -> Source:
    """Every page of SRC with the set it goes to, and every file and folder passed over."""
    if not src.is_dir():
        raise BadInput(f"{src}: not a folder (import takes a samples tree or a folder of pages)")
    if (src / SAMPLES_DIR).is_dir() and any((src / SAMPLES_DIR / s).is_dir() for s in SETS):
        src = src / SAMPLES_DIR
    set_dirs = [s for s in SETS if (src / s).is_dir()]
    found = Source()
    if set_dirs:
        for entry in sorted(src.iterdir()):
            if entry.name not in set_dirs:
                found.passed_over.append(_not_a_set(entry))
        for set_name in set_dirs:
            _gather(src / set_name, to_set or set_name, found)
    else:
        _gather(src, to_set or "unused", found)
    if not found.pages:
        raise BadInput(f"{src}: no pages to import")
    return found


def _gather(top: Path, set_name: str, found: Source) -> None:
    """The pages under `top`; its `originals/` folders and files that are not pages, passed over."""
    for path in sorted(top.rglob("*")):
        inner = path.relative_to(top).parts[:-1]
        if is_page_file(path, top):
            found.pages.append((path, set_name))
        elif path.is_dir() and path.name == ORIGINALS_DIR and ORIGINALS_DIR not in inner \
                and RESOURCES_DIR not in inner:
            found.passed_over.append(f"{path}/: fathom-extract's copies of pages before extraction, not samples: "
                                     f"skipped, {_page_count(path)} page(s)")
        elif path.is_file() and RESOURCES_DIR not in inner and ORIGINALS_DIR not in inner:
            found.passed_over.append(f"{path}: not a page: skipped")


def _not_a_set(entry: Path) -> str:
    names = ", ".join(SETS)
    if entry.is_dir():
        return f"{entry}/: not a set ({names}): skipped, {_page_count(entry)} page(s)"
    return f"{entry}: not in a set ({names}): skipped"


def _page_count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and RESOURCES_DIR not in
               p.relative_to(folder).parts[:-1] and p.is_file())


def plan_import(root: Path, rubric: Rubric, src: Path, to_set: str | None,
                extract: bool = True) -> tuple[list[Arrival], ImportResult]:
    """Validate every page and its place before anything is written."""
    rule = rubric.naming
    existing = all_samples(root)
    known = known_pages(root, existing)
    identities = Counter(rule.identity(s.name) for s in existing)
    coming: dict[str, Path] = {}
    found = source_pages(src, to_set)
    result = ImportResult(passed_over=found.passed_over)
    arrivals: list[Arrival] = []
    for source, set_name in found.pages:
        data = read_page(source)
        digest, fingerprint = page_fingerprints(source, data)
        there = holder(root, source, (digest, fingerprint), known)
        if there is not None:
            result.skipped.append(f"{source}: already in the corpus as {there.relpath}; skipped")
            continue
        dest = Sample(root, set_name, source.name)
        if dest.relpath in coming:
            raise BadInput(f"{source}: {coming[dest.relpath]} goes to {dest.relpath} too; nothing was imported")
        if dest.path.exists() or dest.resources_dir.exists():
            raise BadInput(f"{source}: {dest.relpath} already exists with other content; nothing was imported")
        coming[dest.relpath] = source
        known.update(dict.fromkeys((digest, fingerprint), dest))
        result.reported += _name_notes(rule, source.name, bool(label_types(data)), identities, dest.relpath)
        identities[rule.identity(source.name)] += 1
        result.count_missing(set_name, len(absent_files(data, source.stem, source.parent / RESOURCES_DIR / source.stem)))
        arrivals.append(Arrival(str(source.resolve()), dest.relpath, digest, extract, fingerprint))
    return arrivals, result


def _name_notes(rule, name: str, labeled: bool, identities: Counter, relpath: str) -> list[str]:
    if rule.match(name) is None:
        return [f"{relpath}: imported, but its name breaks the naming rule {rule.pattern}"]
    notes = []
    if rule.is_negative(name) and labeled:
        notes.append(f"{relpath}: imported, but the name says negative and the page holds labels")
    if identities[rule.identity(name)]:
        notes.append(f"{relpath}: imported, but its id {rule.identity(name)} is already used in the corpus")
    return notes


def import_corpus(root: Path, rubric: Rubric, src: Path, to_set: str | None = None, extract: bool = True,
                  show_progress: bool = False) -> ImportResult:
    if to_set is not None and to_set not in SETS:
        raise BadInput(f"unknown set {to_set!r} (expected one of {', '.join(SETS)})")
    arrivals, result = plan_import(root, rubric, src, to_set, extract)
    result.problems = land(root, arrivals, show_progress, label="importing pages")
    result.imported = arrivals
    return result
