"""The incremental plan: which pages keep their old vectors and which are redone.

A page is kept when its name and sha256 match the old file (or, after a rename,
its sha256 alone), and the ruleset and feature names are unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from corpus.errors import CorpusError
from corpus.vectors.vectorfile import PageVectors, VectorFile, load_vectors


def old_vectors(out: Path, full: bool) -> VectorFile | None:
    if full or not out.exists():
        return None
    try:
        return load_vectors(out)
    except CorpusError as e:
        raise CorpusError(f"{e} (run with --full to rebuild it)") from None


def plan_pages(
    current: dict[str, str],
    old: VectorFile | None,
    ruleset_hash: str,
    feature_names: list[str],
    inputs_hash: str | None = None,
) -> tuple[dict[str, PageVectors], list[str]]:
    """Which pages can be kept from `old` (by name, or by hash after a rename) and which to do."""
    usable = (
        old is not None
        and old.version == 2
        and old.ruleset_hash == ruleset_hash
        and old.inputs_hash == inputs_hash
        and old.feature_names == feature_names
    )
    by_name: dict[str, PageVectors] = {}
    by_hash: dict[str, PageVectors] = {}
    if usable:
        assert old is not None
        by_name = {p.filename: p for p in old.pages if p.filename in old.page_hashes}
        for name in sorted(by_name):
            by_hash.setdefault(old.page_hashes[name], by_name[name])
    keep: dict[str, PageVectors] = {}
    todo: list[str] = []
    for name, digest in current.items():
        if name in by_name and old is not None and old.page_hashes[name] == digest:
            keep[name] = by_name[name]
        elif digest in by_hash:
            keep[name] = replace(by_hash[digest], filename=name)
        else:
            todo.append(name)
    return keep, todo
