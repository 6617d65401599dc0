"""`corpus add`: copy pages into a set under a free name, refusing duplicates.

Everything is validated and named first; then the plan goes to the journal and
landing.py brings each page in (staged and extracted under `.git/`, then renamed
into its set) and stages them all in one `git add`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.errors import BadInput
from corpus.samples.fingerprints import holder, known_pages, page_fingerprints
from corpus.samples.landing import Arrival, land
from corpus.tree.pages import label_types, read_page
from corpus.tree.rubric import Rubric
from corpus.tree.sample import PAGE_SUFFIXES, RESOURCES_DIR, SETS, Sample, all_samples

ORIGINALS_DIR = "originals"  # where fathom-extract keeps pages as they were before extraction


@dataclass(frozen=True)
class Incoming:
    """A page to add, validated, with the name it will get."""

    source: Path
    negative: bool
    sample: Sample
    sha256: str  # of the page as given
    fingerprint: str  # of the page as `inline` would restore it


def is_page_file(path: Path, top: Path) -> bool:
    """A page under `top`, not inside a resources or fathom `originals/` folder."""
    inner = path.relative_to(top).parts[:-1]
    return (path.is_file() and path.suffix.lower() in PAGE_SUFFIXES and not path.name.startswith(".")
            and RESOURCES_DIR not in inner and ORIGINALS_DIR not in inner)


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; folders searched recursively for pages."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if is_page_file(p, path))
        else:
            found.append(path)
    if not found:
        raise BadInput("no pages to add")
    return found


def polarity(path: Path, data: bytes, wanted: bool | None) -> bool:
    """True for a negative page: from labels unless given; a contradiction is an error."""
    labeled = bool(label_types(data))
    if wanted is None:
        return not labeled
    if wanted and labeled:
        raise BadInput(f"{path}: marked negative but it holds data-fathom labels")
    if not wanted and not labeled:
        raise BadInput(f"{path}: marked positive but it holds no data-fathom label")
    return wanted


@dataclass
class AddResult:
    added: list[Incoming]
    skipped: list[str]  # pages already in the corpus, as notes
    problems: list[str]  # data: URLs that extraction left in place, as `path:offset: message`


def plan_additions(root: Path, rubric: Rubric, paths: list[Path], negative: bool | None,
                   to_set: str, name: str | None) -> tuple[list[Incoming], list[str]]:
    """Validate every input and choose every name before anything is written.

    Pages already in the corpus are skipped with a note (so re-running an
    interrupted `add DIR` completes it). Under the guide's naming rule pages get
    the next free numbers; under a custom rule they keep their file names.
    """
    if to_set not in SETS:
        raise BadInput(f"unknown set {to_set!r} (expected one of {', '.join(SETS)})")
    sources = expand_inputs(paths)
    if name is not None and len(sources) != 1:
        raise BadInput("--name needs exactly one page")
    rule = rubric.naming
    existing = all_samples(root)
    known = known_pages(root, existing)
    taken = {s.name for s in existing}
    identities = {rule.identity(s.name) for s in existing}
    next_number = max((int(i) for s in existing if (i := rule.sample_id(s.name) or "").isdigit()), default=0) + 1
    planned: list[Incoming] = []
    skipped: list[str] = []
    for source in sources:
        data = read_page(source)
        fingerprints = page_fingerprints(source, data)
        there = holder(root, source, fingerprints, known)
        if there is not None:
            skipped.append(f"{source}: already in the corpus as {there.relpath}; skipped")
            continue
        is_negative = polarity(source, data, negative)
        if name is None and rule.can_number():
            new_name = rule.numbered_name(next_number, is_negative)
            next_number += 1
        else:
            new_name = name or source.name
            check_new_name(rule, new_name, is_negative, identities)
        if new_name in taken:
            raise BadInput(f"{source}: a sample named {new_name} already exists")
        taken.add(new_name)
        identities.add(rule.identity(new_name))
        known.update(dict.fromkeys(fingerprints, Sample(root, to_set, new_name)))
        planned.append(Incoming(source, is_negative, Sample(root, to_set, new_name), *fingerprints))
    if not planned and skipped:
        raise BadInput(skipped[0].removesuffix("; skipped") if len(skipped) == 1 else
                       f"all {len(skipped)} pages are already in the corpus")
    return planned, skipped


def check_new_name(rule, new_name: str, is_negative: bool, identities: set[str]) -> None:
    if rule.match(new_name) is None:
        raise BadInput(f"{new_name}: breaks the naming rule {rule.pattern} (give another with --name)")
    if rule.is_negative(new_name) != is_negative:
        raise BadInput(f"{new_name}: the name says {'negative' if not is_negative else 'positive'}, "
                       f"the page is {'negative' if is_negative else 'positive'}")
    if rule.identity(new_name) in identities:
        raise BadInput(f"{new_name}: id {rule.identity(new_name)} is already used in the corpus")


def add_pages(root: Path, rubric: Rubric, paths: list[Path], negative: bool | None, to_set: str,
              name: str | None, extract: bool = True, show_progress: bool = False) -> AddResult:
    """Validate all inputs, then copy them in, extract their data: URLs, and stage them."""
    planned, skipped = plan_additions(root, rubric, paths, negative, to_set, name)
    arrivals = [Arrival(str(item.source.resolve()), item.sample.relpath, item.sha256, extract, item.fingerprint)
                for item in planned]
    problems = land(root, arrivals, show_progress)
    return AddResult(planned, skipped, problems)
