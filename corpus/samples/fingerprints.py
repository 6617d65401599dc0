"""The sha256 of every page as it was added, so a page comes in only once.

Extraction rewrites a page, so its current bytes no longer tell whether an
incoming copy of the original is already in. `add` and `import` therefore record
`<sha256>  <name>` lines (sha256sum's format) in `samples/added.sha256`, a
tracked file that travels with the corpus; names are unique across sets, so a
move never changes it. Pages added before the record existed are known by their
current bytes and by the original their extraction manifest remembers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from corpus.store import gitcli
from corpus.store.atomic import atomic_write
from corpus.store.digest import sha256_file
from corpus.tree.sample import SAMPLES_DIR, Sample

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
    """sha256 -> the sample holding that page, for every sample given."""
    from corpus.extract.manifest import load_manifest

    record = read_record(root)
    known: dict[str, Sample] = {}
    for sample in samples:
        digest = record.get(sample.name)
        if digest is not None:
            known[digest] = sample
            continue
        known.setdefault(sha256_file(sample.path), sample)
        manifest = load_manifest(sample)
        if manifest is not None and manifest.layers:
            known.setdefault(manifest.layers[0].original_sha256, sample)
    return known
