"""What a sample is: a page in one of the sets, its resources folder, and its name."""

from __future__ import annotations

import functools
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

    `negative` matching anything marks a negative page; `id`, when the pattern has
    it, is the sample's identity across all sets (without it the whole name is);
    `group` names the group that ties related pages together (a site's variants,
    its positive and negative pages), which splits keep in one set; other groups
    (such as `lang`) can be used to stratify splits.
    """

    pattern: str = DEFAULT_NAME_PATTERN
    group: str | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)

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

    def identity(self, name: str) -> str:
        """What must be unique in the corpus: the `id` when the rule has one, else the name."""
        return self.sample_id(name) or name

    def group_of(self, name: str, group: str | None = None) -> str:
        """The value of `group` (default: the rule's) in a name; a name without it is its own group."""
        group = group or self.group
        parts = self.match(name) if group else None
        value = parts.get(group) if parts else None
        return f"{group}={value}" if value else f"name={name}"

    def can_number(self) -> bool:
        """Whether new names can be made up as the guide does (`7.html`, `n8.html`)."""
        return self.pattern == DEFAULT_NAME_PATTERN

    def numbered_name(self, number: int, negative: bool) -> str:
        return f"{'n' if negative else ''}{number}.html"


@functools.lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)  # slots: a full check holds 100,000 of them
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


def page_names(set_dir: Path) -> set[str]:
    """The names of the pages in a set folder (none when it is missing)."""
    try:
        # scandir's entries know their type without a stat per page (100,000 pages: ~1 s less)
        with os.scandir(set_dir) as entries:
            return {e.name for e in entries if is_page_name(e.name) and e.is_file()}
    except (FileNotFoundError, NotADirectoryError):
        return set()


def set_samples(root: Path, set_name: str, *, links: bool = False) -> list[Sample]:
    """The pages of one set, sorted by name.

    A symbolic link where a set folder or a set's `resources/` folder belongs is refused
    (BadInput naming it) before any command reads or changes a set: following it would
    read or move files outside the corpus. (A linked page or page resources folder is
    refused page by page where it is used: extract, pick's page checks, the viewer.)
    `links=True` (for `check`, which reports them all) lists the set anyway, but never
    through a linked set folder.
    """
    set_dir = root / SAMPLES_DIR / set_name
    if links:
        return [] if set_dir.is_symlink() else [Sample(root, set_name, n) for n in sorted(page_names(set_dir))]
    refuse_linked_sets(root)
    return [Sample(root, set_name, name) for name in sorted(page_names(set_dir))]


def all_samples(root: Path, sets: Iterable[str] = SETS, *, links: bool = False) -> list[Sample]:
    return [s for set_name in sets for s in set_samples(root, set_name, links=links)]


def refuse_linked_sets(root: Path) -> None:
    """BadInput when a set folder, or a set's `resources/` folder, is a symbolic link."""
    for set_name in SETS:
        for folder in (root / SAMPLES_DIR / set_name, root / SAMPLES_DIR / set_name / RESOURCES_DIR):
            if folder.is_symlink():
                raise _linked(root, folder)
            if not folder.is_dir():
                break


def refuse_linked_sample(sample: Sample) -> None:
    """BadInput when the sample's set folder, page or resources folders is a symbolic link:
    what a command that writes one page (a label from the viewer) checks before writing."""
    refuse_linked_sets(sample.root)
    for path in (sample.path, sample.resources_dir):
        if path.is_symlink():
            raise _linked(sample.root, path)


def _linked(root: Path, path: Path) -> BadInput:
    try:
        shown: Path | str = path.relative_to(root)
    except ValueError:
        shown = path
    return BadInput(f"{shown}: is a symbolic link (to {os.readlink(path)}); the corpus never follows links "
                    "out of its sets: replace it with the folder or file itself")


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


def resolve_samples(root: Path, paths: Iterable[Path], *, links: bool = False) -> list[Sample]:
    """Expand paths (pages, set folders, `samples/`, the corpus root) into samples.

    No paths means the whole corpus. Paths outside the corpus are refused, and so are
    symbolic links in the sets (see `set_samples`; `links` as there).
    """
    paths = list(paths)
    if not paths:
        return all_samples(root, links=links)
    found: dict[Path, Sample] = {}
    samples_root = (root / SAMPLES_DIR).resolve()
    for path in paths:
        resolved = path.resolve()
        if not resolved.exists():
            raise BadInput(f"{path}: no such file or folder")
        if resolved.is_file():
            sample = sample_at(root, path)
            if not links:
                if path.is_symlink():
                    raise _linked(root, path.absolute())
                refuse_linked_sample(sample)
            found[sample.path] = sample
            continue
        if resolved in (root.resolve(), samples_root):
            sets: Iterable[str] = SETS
        else:
            try:
                rel = resolved.relative_to(samples_root)
            except ValueError:
                raise BadInput(f"{path}: not inside the corpus samples folder {samples_root}") from None
            if len(rel.parts) == 2 and rel.parts[0] in SETS and is_page_name(rel.parts[1]):
                raise BadInput(f"{path}: a folder named like a page, not a page")
            if len(rel.parts) != 1 or rel.parts[0] not in SETS:
                raise BadInput(f"{path}: not a set folder (expected samples/<set>)")
            sets = [rel.parts[0]]
        for sample in all_samples(root, sets, links=links):
            found[sample.path] = sample
    return sorted(found.values(), key=lambda s: (SETS.index(s.set_name), s.name))


def set_named(root: Path, text: str | Path, base: Path | None = None) -> str:
    """The set `text` names: a set's name (`unused`), or its folder (`samples/unused`, any path
    to it, relative to `base`, default the cwd), as fathom's pick takes it. BadInput for
    anything else.

    Every command that takes a set resolves it here (the CLI through its SetName type).
    A set whose folder is a symbolic link is refused (see `set_samples`).
    """
    if str(text) in SETS:
        refuse_linked_sets(root)
        return str(text)
    folder = ((base or Path.cwd()) / text).resolve()
    sets_root = (root / SAMPLES_DIR).resolve()
    for name in SETS:
        if folder == (sets_root / name).resolve():  # resolved: a path through a linked folder names its set too
            refuse_linked_sets(root)
            return name
    raise BadInput(f"{text}: not a set (expected one of {', '.join(SETS)} or its folder under {sets_root})")


def find_root(start: Path) -> Path:
    """The corpus root at or above `start`: the folder holding `samples/`."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / SAMPLES_DIR).is_dir() and (candidate / ".git").exists():
            return candidate
    raise CorpusError(f"{start}: not inside a corpus (run `corpus init` first)")


def iter_resource_files(sample: Sample) -> Iterator[Path]:
    if sample.resources_dir.is_dir() and not sample.resources_dir.is_symlink():  # never follow a link out
        yield from sorted(p for p in sample.resources_dir.rglob("*") if p.is_file() and not p.is_symlink())
