"""The file cache: `<root>/.corpus-cache/`, entries by key, each written atomically.

Keys are content hashes (a page's sha256, say), so an entry never goes stale: a
changed input asks for another key, and a changed meaning gets another `kind`
(a version in the folder name). The rendered facts of pages (render/facts.py),
JavaScript ruleset bundles (vectors/jsruleset.py) and the viewer's element crops
keep their files here. Everything under `.corpus-cache/` is disposable: deleting it
only costs the time to make the entries again, and git never sees it (a
`.gitignore` of `*` inside, which touches no tracked file: a hook may write here).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.store.atomic import atomic_write

CACHE_DIR = ".corpus-cache"
IGNORE_TEXT = b"# Caches of corpus (renders, ruleset bundles, viewer crops); safe to delete.\n*\n"


def ensure_cache_ignored(root: Path) -> None:
    """Keep `<root>/.corpus-cache/` out of git with a `.gitignore` of `*` inside it."""
    ignore = root / CACHE_DIR / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, IGNORE_TEXT)


@dataclass(frozen=True)
class FileCache:
    """One kind of entry: the files `<root>/.corpus-cache/<kind>/<key[:2]>/<key><suffix>`.

    The first two characters of the key spread the entries over subfolders, so no
    folder holds 100,000 files.
    """

    root: Path  # the folder holding `.corpus-cache` (the corpus, or a cluster worker's own)
    kind: str  # a relative folder: "render/v1-1366x768"
    suffix: str = ""  # ".json.gz", ".png": what the files hold

    def path(self, key: str) -> Path:
        if not key or "/" in key or key.startswith("."):
            raise ValueError(f"cache key {key!r}: must be a plain file name")
        return self.root / CACHE_DIR / self.kind / key[:2] / f"{key}{self.suffix}"

    def get(self, key: str) -> bytes | None:
        """The entry's bytes, or None when there is none (or it cannot be read)."""
        try:
            return self.path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key`: all of it or nothing, whenever the writer is killed."""
        ensure_cache_ignored(self.root)
        atomic_write(self.path(key), data)
