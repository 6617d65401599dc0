"""What a sample is: a page in one of the sets, its resources folder, and its name."""

from __future__ import annotations

import os

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import BadInput, CorpusError

SETS = ("unused", "training", "validation", "testing")
SAMPLES_DIR = "samples"
RESOURCES_DIR = "resources"
PAGE_SUFFIXES = (".html", ".htm")
DEFAULT_NAME_PATTERN = r"^(?P<negative>n)?(?P<id>\d+)\.html$"


@dataclass(frozen=True)
class NamingRule:
    """Sample names as a regex with named groups.

    `negative` matching anything marks a negative page; other groups (such as
    `lang`) can be used to stratify splits; `id` (digits) is shared across sets.
    """

    pattern: str = DEFAULT_NAME_PATTERN

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.regex.groupindex)

    def match(self, name: str) -> dict[str, str] | None:
        m = self.regex.match(name)
        if m is None:
            return None
        return {k: v for k, v in m.groupdict().items() if v is not None}

    def is_negative(self, name: str) -> bool:
        parts = self.match(name)
        return parts is not None and bool(parts.get("negative"))

    def sample_id(self, name: str) -> str | None:
        parts = self.match(name)
        return None if parts is None else parts.get("id")

    def can_number(self) -> bool:
        """Whether new names can be made up as the guide does (`7.html`, `n8.html`)."""
        return self.pattern == DEFAULT_NAME_PATTERN

    def numbered_name(self, number: int, negative: bool) -> str:
        return f"{'n' if negative else ''}{number}.html"


@dataclass(frozen=True)
class Sample:
    """One page in a set: `samples/<set>/<name>`, resources in `samples/<set>/resources/<stem>/`."""

    root: Path
    set_name: str
    name: str

    @property
    def set_dir(self) -> Path:
        return self.root / SAMPLES_DIR / self.set_name

    @property
    def path(self) -> Path:
        return self.set_dir / self.name

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    @property
    def resources_dir(self) -> Path:
        return self.set_dir / RESOURCES_DIR / self.stem

    @property
    def relpath(self) -> str:
        """Path relative to the corpus root, with forward slashes (as git shows it)."""
        return f"{SAMPLES_DIR}/{self.set_name}/{self.name}"

    def moved_to(self, set_name: str) -> Sample:
        return Sample(self.root, set_name, self.name)


def is_page_name(name: str) -> bool:
    return name.lower().endswith(PAGE_SUFFIXES) and not name.startswith(".")


def set_samples(root: Path, set_name: str) -> list[Sample]:
    """The pages of one set, sorted by name."""
    set_dir = root / SAMPLES_DIR / set_name
    if not set_dir.is_dir():
        return []
    # scandir's entries know their type without a stat per page (100,000 pages: ~1 s less)
    with os.scandir(set_dir) as entries:
        names = sorted(e.name for e in entries if is_page_name(e.name) and e.is_file())
    return [Sample(root, set_name, name) for name in names]


def all_samples(root: Path, sets: Iterable[str] = SETS) -> list[Sample]:
    return [s for set_name in sets for s in set_samples(root, set_name)]


def sample_at(root: Path, path: Path) -> Sample:
    """The sample a page path names; BadInput when the path is not a page of a set."""
    resolved = path.resolve()
    samples_root = (root / SAMPLES_DIR).resolve()
    try:
        rel = resolved.relative_to(samples_root)
    except ValueError:
        raise BadInput(f"{path}: not inside the corpus samples folder {samples_root}") from None
    if len(rel.parts) != 2 or rel.parts[0] not in SETS or not is_page_name(rel.parts[1]):
        raise BadInput(f"{path}: not a page of a set (expected samples/<set>/<name>.html)")
    return Sample(root, rel.parts[0], rel.parts[1])


def resolve_samples(root: Path, paths: Iterable[Path]) -> list[Sample]:
    """Expand paths (pages, set folders, `samples/`, the corpus root) into samples.

    No paths means the whole corpus. Paths outside the corpus are refused.
    """
    paths = list(paths)
    if not paths:
        return all_samples(root)
    found: dict[Path, Sample] = {}
    samples_root = (root / SAMPLES_DIR).resolve()
    for path in paths:
        resolved = path.resolve()
        if not resolved.exists():
            raise BadInput(f"{path}: no such file or folder")
        if resolved.is_file():
            sample = sample_at(root, path)
            found[sample.path] = sample
            continue
        if resolved in (root.resolve(), samples_root):
            sets: Iterable[str] = SETS
        else:
            try:
                rel = resolved.relative_to(samples_root)
            except ValueError:
                raise BadInput(f"{path}: not inside the corpus samples folder {samples_root}") from None
            if len(rel.parts) != 1 or rel.parts[0] not in SETS:
                raise BadInput(f"{path}: not a set folder (expected samples/<set>)")
            sets = [rel.parts[0]]
        for sample in all_samples(root, sets):
            found[sample.path] = sample
    return sorted(found.values(), key=lambda s: (SETS.index(s.set_name), s.name))


def find_root(start: Path) -> Path:
    """The corpus root at or above `start`: the folder holding `samples/`."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / SAMPLES_DIR).is_dir() and (candidate / ".git").exists():
            return candidate
    raise CorpusError(f"{start}: not inside a corpus (run `corpus init` first)")


def iter_resource_files(sample: Sample) -> Iterator[Path]:
    if sample.resources_dir.is_dir():
        yield from sorted(p for p in sample.resources_dir.rglob("*") if p.is_file())
