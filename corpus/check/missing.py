"""A page's references to its resources: outside its folder, not staged, or absent.

Absent files are one finding per page, with their count, a few names and the remedy
that fits why they are absent: in git but not in the working tree (`git checkout`),
Git LFS pointers whose content was never fetched (`git lfs pull`), or never
committed at all (nothing git can restore). A clone without its LFS objects has
thousands of these; one line per page keeps the real findings visible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from corpus.extract.references import Reference
from corpus.findings import Finding
from corpus.samples import lfs
from corpus.tree.sample import RESOURCES_DIR, SAMPLES_DIR, Sample

NAMES_SHOWN = 3  # file names a finding lists before "and N more"


class TrackedResources:
    """Which resource files git's index holds, listed when first asked: a whole set's
    `resources/` at once when the set is checked whole, else one page's folder at a
    time (checking one page must not list 33,000 pages' files)."""

    def __init__(self, root: Path, whole_sets: Iterable[str] = ()) -> None:
        self.root = root
        self.whole_sets = set(whole_sets)
        self.listed: dict[str, set[str]] = {}  # the folder git listed -> the files it holds

    def __contains__(self, relpath: str) -> bool:
        parts = relpath.split("/")  # samples/<set>/resources/<stem>/...
        depth = 3 if parts[1] in self.whole_sets or len(parts) < 5 else 4
        folder = "/".join(parts[:depth])
        if folder not in self.listed:
            try:
                self.listed[folder] = set(lfs.staged_blobs(self.root, [folder]))
            except CorpusError:  # not a git repository: nothing is tracked
                self.listed[folder] = set()
        return relpath in self.listed[folder]


@dataclass
class _Sorted:
    """A page's own references, by what is wrong with the file each names."""

    unstaged: list[Reference] = field(default_factory=list)  # on disk, not staged (hook)
    untracked: list[Reference] = field(default_factory=list)  # neither on disk nor in git
    tracked: list[Reference] = field(default_factory=list)  # in git, not on disk
    pointers: list[Reference] = field(default_factory=list)  # an LFS pointer on disk, content not fetched

    def absent(self) -> list[Reference]:
        return sorted(self.untracked + self.tracked + self.pointers, key=lambda r: r.line)


def reference_findings(sample: Sample, references: list[Reference], staged: set[str] | None,
                       tracked: Callable[[str], bool]) -> list[Finding]:
    """What is wrong with a page's references. `staged` (the commit hook) holds the
    staged resource paths: references must be staged, not merely on disk."""
    findings = []
    own = f"{RESOURCES_DIR}/{sample.stem}/"
    found = _Sorted()
    seen: set[str] = set()
    for ref in references:
        where = f"{SAMPLES_DIR}/{sample.set_name}/{ref.target}"
        if not ref.target.startswith(own):
            findings.append(Finding(Path(sample.relpath), ref.line, f"refers to `{ref.url}` outside its own resources "
                                    f"folder `{own}` (a sample is served only its own resources)", "resource-outside"))
        elif where not in seen:
            seen.add(where)
            _sort_reference(found, ref, sample.set_dir / ref.target, where, staged, tracked)
    if found.unstaged:
        folder = sample.resources_dir.relative_to(sample.root).as_posix()
        findings.append(Finding(Path(sample.relpath), found.unstaged[0].line,
                                f"refers to {_files(found.unstaged, 'unstaged ')}: `git add {folder}`",
                                "unstaged-resource"))
    if found.absent():
        findings.append(Finding(Path(sample.relpath), found.absent()[0].line,
                                f"refers to {_files(found.absent(), 'missing ')}, {_remedy(sample, found)}",
                                "missing-resource"))
    return findings


def _sort_reference(found: _Sorted, ref: Reference, path: Path, where: str, staged: set[str] | None,
                    tracked: Callable[[str], bool]) -> None:
    on_disk = _is_file(path)
    if staged is not None:  # what the commit holds is what counts
        if where in staged:
            return
        (found.unstaged if on_disk else found.untracked).append(ref)
    elif not on_disk:
        (found.tracked if tracked(where) else found.untracked).append(ref)
    elif _is_pointer_file(path):
        found.pointers.append(ref)


def _files(refs: list[Reference], adjective: str = "") -> str:
    """`missing resource `resources/7/1.css`` for one file; a count and a few names for more."""
    if len(refs) == 1:
        return f"{adjective}resource `{refs[0].url}`"
    names = sorted({ref.target.rsplit("/", 1)[-1] for ref in refs})
    shown = ", ".join(f"`{name}`" for name in names[:NAMES_SHOWN])
    more = f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
    return f"{adjective}resources: {len(names)} files ({shown}{more})"


def _remedy(sample: Sample, found: _Sorted) -> str:
    """Why the files are absent and what brings them back, per cause (counted when causes mix)."""
    folder = sample.resources_dir.relative_to(sample.root).as_posix()
    causes = [
        (found.pointers, "Git LFS pointers whose content this clone never fetched: `git lfs pull`"),
        (found.tracked, f"in git but not in the working tree: `git checkout -- {folder}` (Git LFS fetches "
                        "their content)"),
        (found.untracked, "never committed (neither in git nor on disk): bring the page's resources in from "
                          "where it came from, or make this kind a warning in the rubric "
                          "(`checks: {missing-resource: warning}`)"),
    ]
    present = [(refs, text) for refs, text in causes if refs]
    if len(present) == 1:
        return present[0][1]
    return "; ".join(f"{len(refs)} {text}" for refs, text in present)


def _is_file(path: Path) -> bool:
    """`path.is_file()`, False for names the OS refuses (a segment over 255 bytes: ENAMETOOLONG)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_pointer_file(path: Path) -> bool:
    """Whether a working file is a Git LFS pointer (smudging never ran): only small files are read."""
    try:
        if path.stat().st_size >= lfs.POINTER_MAX_BYTES:
            return False
        return lfs.is_pointer(path.read_bytes())
    except OSError:
        return False
