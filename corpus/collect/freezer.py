"""npm's freeze-dry as one script for a page, and the marks `collect` adds to its output.

The script comes from `corpus/vectors/js/freezedry.mjs` (esbuild on Node), is
kept in the corpus's file cache by the hash of what went into it (the lockfile
and the bundling script), and defines `window.__corpusFreezeDry` in the page
it is evaluated in.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from corpus.errors import CorpusError
from corpus.store.filecache import FileCache
from corpus.vectors.jsruleset import JS_DIR, SETUP_HINT, run_node

BUNDLER = JS_DIR / "freezedry.mjs"
LOCKFILE = JS_DIR / "package-lock.json"
CACHE_KIND = "collect/freeze-dry"
# Calls the bundle as FathomFox's content script did, with the memento marks.
FREEZE_CALL = "([ms]) => window.__corpusFreezeDry(document, {addMetadata: true, timeout: ms})"
REQUESTED_ATTRIBUTE = "data-corpus-requested"


def freeze_dry_script(cache_root: Path | None = None) -> str:
    """The bundled freeze-dry; from `cache_root`'s file cache when it was made from these inputs."""
    if not (JS_DIR / "node_modules" / "freeze-dry").is_dir():
        raise CorpusError(f"freeze-dry is not installed, which collecting needs: {SETUP_HINT}")
    key = hashlib.sha256(LOCKFILE.read_bytes() + BUNDLER.read_bytes()).hexdigest()
    cache = None if cache_root is None else FileCache(cache_root, CACHE_KIND, ".js")
    if cache is not None and (cached := cache.get(key)) is not None:
        return cached.decode()
    result = run_node(BUNDLER.name, cwd=JS_DIR)
    if result.returncode != 0 or not result.stdout:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise CorpusError(f"bundling freeze-dry failed: {detail}")
    if cache is not None:
        cache.put(key, result.stdout.encode())
    return result.stdout


_ORIGINAL_LINK = re.compile(r"""<link rel="original" """)


def mark_requested(frozen: str, requested: str) -> str:
    """The page with the URL it was asked for beside the final one, on `<link rel="original">`
    (a redirect: freeze-dry records where the page ended up)."""
    attribute = f'{REQUESTED_ATTRIBUTE}="{html.escape(requested, quote=True)}" '
    return _ORIGINAL_LINK.sub(lambda m: m.group(0) + attribute, frozen, count=1)
