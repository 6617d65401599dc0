"""`corpus import SRC`: bring an existing Fathom corpus in, names and sets kept.

SRC is a samples tree (any of `unused/ training/ validation/ testing/`, or a
folder holding `samples/` with them) or a plain folder of pages. Pages keep
their names and sets (`to_set` puts them all in one); pages fathom-extract made
bring their `resources/<stem>/` files; fathom's `originals/` folders are not
samples. Names that break the naming rule are imported and reported: they are
the user's data. All pages land through one journaled plan (landing.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import BadInput
from corpus.samples.add import is_page_file
from corpus.samples.fingerprints import known_pages
from corpus.samples.landing import Arrival, land
from corpus.tree.pages import label_types, read_page
from corpus.tree.rubric import Rubric
from corpus.tree.sample import SAMPLES_DIR, SETS, Sample, all_samples


@dataclass
class ImportResult:
    imported: list[Arrival] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # pages already in the corpus
    reported: list[str] = field(default_factory=list)  # imported, but breaking a rule of the rubric
    problems: list[str] = field(default_factory=list)  # from extraction

    def per_set(self) -> dict[str, int]:
        counts = Counter(a.page.split("/")[1] for a in self.imported)
        return {s: counts[s] for s in SETS if counts[s]}


def source_pages(src: Path, to_set: str | None) -> list[tuple[Path, str]]:
    """Every page of SRC with the set it goes to."""
    if not src.is_dir():
        raise BadInput(f"{src}: not a folder (import takes a samples tree or a folder of pages)")
    if (src / SAMPLES_DIR).is_dir() and any((src / SAMPLES_DIR / s).is_dir() for s in SETS):
        src = src / SAMPLES_DIR
    set_dirs = [s for s in SETS if (src / s).is_dir()]
    found: list[tuple[Path, str]] = []
    if set_dirs:
        for set_name in set_dirs:
            top = src / set_name
            found += [(p, to_set or set_name) for p in sorted(top.rglob("*")) if is_page_file(p, top)]
    else:
        found = [(p, to_set or "unused") for p in sorted(src.rglob("*")) if is_page_file(p, src)]
    if not found:
        raise BadInput(f"{src}: no pages to import")
    return found


def plan_import(root: Path, rubric: Rubric, src: Path, to_set: str | None,
                extract: bool = True) -> tuple[list[Arrival], ImportResult]:
    """Validate every page and its place before anything is written."""
    rule = rubric.naming
    existing = all_samples(root)
    known = known_pages(root, existing)
    identities = Counter(rule.identity(s.name) for s in existing)
    coming: dict[str, Path] = {}
    result = ImportResult()
    arrivals: list[Arrival] = []
    for source, set_name in source_pages(src, to_set):
        data = read_page(source)
        digest = Arrival.digest(data)
        if digest in known:
            result.skipped.append(f"{source}: already in the corpus as {known[digest].relpath}; skipped")
            continue
        dest = Sample(root, set_name, source.name)
        if dest.relpath in coming:
            raise BadInput(f"{source}: {coming[dest.relpath]} goes to {dest.relpath} too; nothing was imported")
        if dest.path.exists() or dest.resources_dir.exists():
            raise BadInput(f"{source}: {dest.relpath} already exists with other content; nothing was imported")
        coming[dest.relpath] = source
        known[digest] = dest
        result.reported += _name_notes(rule, source.name, bool(label_types(data)), identities, dest.relpath)
        identities[rule.identity(source.name)] += 1
        arrivals.append(Arrival(str(source.resolve()), dest.relpath, digest, extract))
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
