"""The render cache on a cluster: pages rendered once are not rendered again, as locally.

A local run keeps each page's rendered facts in `.corpus-cache/render/`, by the
page's sha256 and the viewport, so a later run (a changed ruleset, another trainee)
reads them instead of starting a browser. A cluster run does the same with the
client's cache: a task carries its page's cached facts, which the worker puts in
its own cache before vectorizing (so its renderer finds them), and a page the
worker had to render comes back with its facts, which the client stores. Each
worker's cache (in its local directory, gone with the worker) also serves pages it
meets again. JavaScript rulesets read the page in the browser every time, locally
too: nothing is shipped for them.
"""

from __future__ import annotations

from pathlib import Path

from corpus.render.browser import Viewport
from corpus.render.facts import render_cache
from corpus.vectors.workers import RunConfig


def worker_cache_root(worker_root: Path) -> Path:
    """Where a worker keeps the facts it rendered or was sent (under its local directory)."""
    return worker_root / "render-cache"


def read_facts(cache_root: Path | None, config: RunConfig, page_hash: str) -> bytes | None:
    """The cache entry of a page (gzipped JSON, as the renderer wrote it), if there is one."""
    if cache_root is None or config.js is not None:
        return None
    return render_cache(cache_root, Viewport(*config.viewport)).get(page_hash)


def write_facts(cache_root: Path | None, config: RunConfig, page_hash: str, data: bytes) -> None:
    """Keep a page's facts unless they are kept already (a damaged entry is rendered
    again and overwritten by the renderer itself)."""
    if cache_root is None or config.js is not None:
        return
    cache = render_cache(cache_root, Viewport(*config.viewport))
    if not cache.path(page_hash).exists():
        cache.put(page_hash, data)
