"""The sha256 of every page as it was added, so a page comes in only once.

Extraction rewrites a page, so its current bytes no longer tell whether an
incoming copy of the original is already in. `add` and `import` therefore record
`<sha256>  <name>` lines (sha256sum's format) in `samples/added.sha256`, a
tracked file that travels with the corpus; names are unique across sets, so a
move never changes it. Pages added before the record existed are known by the
original their extraction manifest remembers, else by their current bytes; the
first `add` or `import` that hashes them writes them into the record (and stages
it), so each page is hashed once.

A page is the same page extracted or not: an incoming page is fingerprinted both as
given and as `inline` would restore it (its own extraction manifest's original, or a
fathom-extract page with its `resources/<stem>/` files put back), and the record
keeps the restored one. A page of this corpus's own sets is in it, whatever it holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from corpus.errors import BadInput, CorpusError
from corpus.extract.manifest import MANIFEST_NAME, load_manifest, load_manifest_at
from corpus.samples.fathomtree import reinline_page
from corpus.store import gitcli
from corpus.store.atomic import atomic_write
from corpus.store.digest import sha256_file
from corpus.tree.sample import RESOURCES_DIR, SAMPLES_DIR, Sample, sample_at

RECORD_NAME = "added.sha256"


def record_path(root: Path) -> Path:
    return root / SAMPLES_DIR / RECORD_NAME


def read_record(root: Path) -> dict[str, str]:
    """Name -> sha256 of the page as added."""
    path = record_path(root)
    if not path.is_file():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
        digest, sep, name = line.partition("  ")
        if sep and len(digest) == 64:
            found[name] = digest
    return found


def write_record(root: Path, additions: dict[str, str]) -> None:
    """Add name -> sha256 entries (sorted by name, so merges stay small)."""
    _save(root, read_record(root) | additions)


def forget_record(root: Path, names: set[str]) -> None:
    record = read_record(root)
    if names & record.keys():
        _save(root, {name: digest for name, digest in record.items() if name not in names})


def _save(root: Path, record: dict[str, str]) -> None:
    """Replace the record atomically, from a temporary file under `.git/`."""
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(record.items()))
    atomic_write(record_path(root), text.encode("utf-8", "surrogateescape"), temp_dir=gitcli.work_dir(root))


def known_pages(root: Path, samples: Iterable[Sample]) -> dict[str, Sample]:
    """sha256 -> the sample holding that page, for every sample given. Pages the record
    lacks are hashed (as added: their manifest's original, else their bytes). Nothing is
    written: a command that then refuses its pages must leave the corpus as it was."""
    record = read_record(root)
    known: dict[str, Sample] = {}
    for sample in samples:
        digest = record.get(sample.name)
        known.setdefault(digest if digest is not None else _as_added(sample), sample)
    return known


def _as_added(sample: Sample) -> str:
    """The sha256 of a page the record lacks, as `add` would have recorded it."""
    manifest = load_manifest(sample)
    if manifest is not None and manifest.layers:
        return manifest.layers[0].original_sha256
    return sha256_file(sample.path)


def page_fingerprints(path: Path, data: bytes) -> tuple[str, str]:
    """The sha256 of a page as given, and as `inline` would restore it (the same when it
    holds no extracted resources): the second is what the record keeps."""
    given = hashlib.sha256(data).hexdigest()
    return given, _restored_sha256(path, data, given) or given


def _restored_sha256(path: Path, data: bytes, given: str) -> str | None:
    folder = path.parent / RESOURCES_DIR / path.stem
    if (folder / MANIFEST_NAME).is_file():  # ours: the original's hash, if the page is as extracted
        try:
            manifest = load_manifest_at(folder)
        except CorpusError:
            return None
        if manifest is None or not manifest.layers or manifest.layers[-1].extracted_sha256 != given:
            return None
        return manifest.layers[0].original_sha256
    if folder.is_dir():  # fathom-extract's: its files put back inline, as landing does
        return hashlib.sha256(reinline_page(data, path.stem, folder)).hexdigest()
    return None


def holder(root: Path, source: Path, fingerprints: Iterable[str], known: dict[str, Sample]) -> Sample | None:
    """The sample already holding this page: the page itself when it is one of this
    corpus's samples (extracted, maybe relabeled since), else one with a fingerprint in common."""
    try:
        return sample_at(root, source)
    except BadInput:
        pass
    return next((known[f] for f in fingerprints if f in known), None)
