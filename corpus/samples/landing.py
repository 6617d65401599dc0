"""Bringing new pages into the tree: journaled, staged under `.git/`, one `git add`.

Each arriving page is copied to `.git/corpus-work/stage/`, gets its resources
there (a page fathom-extract made has its files put back inline, then our own
extraction runs), and is renamed into its set: resources folder first, page
last. A page is in the corpus exactly when its file is in its set, so the same
function finishes an interrupted plan: it skips pages already there and redoes
the rest. The sha256 of each page as given goes to `samples/added.sha256`, and
everything is staged in one `git add`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.extract.manifest import MANIFEST_NAME
from corpus.progress import progress
from corpus.samples import journal
from corpus.samples.fathomtree import reinline_page
from corpus.samples.fingerprints import (
    forget_record,
    record_path,
    write_record,
)
from corpus.store import gitcli
from corpus.store.atomic import fsync_dir
from corpus.store.digest import sha256_file
from corpus.tree.sample import RESOURCES_DIR, Sample

KIND = "add"
STAGE_NAME = "stage"


@dataclass(frozen=True)
class Arrival:
    """One page to bring in: where it comes from, where it goes, what it was."""

    source: str  # absolute path of the page as given
    page: str  # its path in the corpus, relative to the root (`samples/unused/7.html`)
    sha256: str  # of the page as given
    extract: bool = True
    fingerprint: str = ""  # sha256 of the page as `inline` would restore it (fingerprints.py); "" for sha256

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def sample(self, root: Path) -> Sample:
        _, set_name, name = self.page.split("/", 2)
        return Sample(root, set_name, name)


def land(root: Path, arrivals: list[Arrival], show_progress: bool = False, label: str = "adding pages") -> list[str]:
    """Journal the arrivals and bring them all in; on a failure take them all out again."""
    if not arrivals:
        return []
    for arrival in arrivals:
        dest = arrival.sample(root)
        for path in (dest.path, dest.resources_dir):
            if os.path.lexists(path):
                raise CorpusError(f"{path}: already exists; nothing was added")
    journal.write_plan(root, journal.Plan(KIND, [asdict(a) for a in arrivals]))
    try:
        problems = finish_landing(root, arrivals, show_progress, label)
    except BaseException:
        undo_landing(root, arrivals)
        journal.close_plan(root)
        raise
    journal.close_plan(root)
    return problems


def finish_landing(root: Path, arrivals: list[Arrival], show_progress: bool = False,
                   label: str = "adding pages") -> list[str]:
    """Bring in every arrival not yet in its set, then record and stage them all."""
    stage_root = gitcli.work_dir(root) / STAGE_NAME
    problems: list[str] = []
    landed: list[Arrival] = []
    with progress(label, len(arrivals), show=show_progress) as advance:
        for arrival in arrivals:
            dest = arrival.sample(root)
            if not os.path.lexists(dest.path):
                problem = _bring_in(arrival, dest, Sample(stage_root, dest.set_name, dest.name), problems)
                if problem:
                    problems.append(problem)
                    advance(1)
                    continue
            landed.append(arrival)
            advance(1)
    for set_dir in {arrival.sample(root).set_dir for arrival in landed}:
        fsync_dir(set_dir)
    write_record(root, {arrival.sample(root).name: arrival.fingerprint or arrival.sha256 for arrival in landed})
    paths = [record_path(root).relative_to(root).as_posix()]
    for arrival in landed:
        dest = arrival.sample(root)
        paths.append(arrival.page)
        if dest.resources_dir.is_dir():
            paths.append(dest.resources_dir.relative_to(root).as_posix())
    gitcli.run_gated(root, "add", "--pathspec-from-file=-", "--pathspec-file-nul",
                    stdin="\0".join(paths).encode("utf-8", "surrogateescape"))
    return problems


def _bring_in(arrival: Arrival, dest: Sample, staged: Sample, problems: list[str]) -> str | None:
    """Stage, extract and rename one page into its set; a reason when it cannot come."""
    if dest.resources_dir.exists():
        shutil.rmtree(dest.resources_dir)  # a folder without its page: ours, from a killed run
    source = Path(arrival.source)
    _clear(staged)
    staged.set_dir.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(source, staged.path)
    except OSError as e:
        return f"{source}: cannot be read any more ({e.strerror}); not added"
    if sha256_file(staged.path) != arrival.sha256:
        return f"{source}: changed while it was being added; not added (add it again)"
    _bring_resources(source, staged, arrival.extract)
    if arrival.extract:
        from corpus.extract.extract import extract_sample

        result = extract_sample(staged)
        problems.extend(f"{dest.path}:{p.offset}: {p.message}" for p in result.problems)
    if staged.resources_dir.is_dir():
        dest.resources_dir.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged.resources_dir, dest.resources_dir)
    dest.set_dir.mkdir(parents=True, exist_ok=True)
    os.rename(staged.path, dest.path)
    return None


def _bring_resources(source: Path, staged: Sample, extract: bool) -> None:
    """A page with a `resources/<stem>/` folder beside it brings its files.

    Ours (with a manifest) or unextracted on request: copied as they are.
    fathom-extract's: put back inline, so our extraction stores them its way and
    `inline` can give back a self-contained page.
    """
    folder = source.parent / RESOURCES_DIR / source.stem
    if not folder.is_dir():
        return
    if extract and not (folder / MANIFEST_NAME).exists():
        staged.path.write_bytes(reinline_page(staged.path.read_bytes(), source.stem, folder))
    else:
        shutil.copytree(folder, staged.resources_dir)


def _clear(staged: Sample) -> None:
    staged.path.unlink(missing_ok=True)
    shutil.rmtree(staged.resources_dir, ignore_errors=True)


def undo_landing(root: Path, arrivals: list[Arrival]) -> None:
    """Take every arrival out of the tree, the index and the record."""
    paths = []
    for arrival in arrivals:
        dest = arrival.sample(root)
        shutil.rmtree(dest.resources_dir, ignore_errors=True)
        dest.path.unlink(missing_ok=True)
        paths += [arrival.page, dest.resources_dir.relative_to(root).as_posix()]
    forget_record(root, {arrival.sample(root).name for arrival in arrivals})
    gitcli.run_gated(root, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--pathspec-from-file=-",
                    "--pathspec-file-nul", stdin="\0".join(paths).encode("utf-8", "surrogateescape"))
