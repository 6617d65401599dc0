"""The incremental plan: which pages keep their old vectors and which are redone.

A page is kept when its name and sha256 match the old file (or, after a rename,
its sha256 alone), and the ruleset and feature names are unchanged. The ruleset is
compared by its rules hash (its content with the weights masked, see
corpus/vectors/weights.py) where the old file records one: neither renaming the
ruleset nor shipping new weights into it redoes any page.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from corpus.errors import CorpusError
from corpus.vectors.vectorfile import PageVectors, VectorFile, load_vectors


def old_vectors(out: Path, full: bool, source: bytes | None) -> VectorFile | None:
    """The vector file `out` as the run found it (its bytes `source`; None: there is none)."""
    if full or source is None:
        return None
    try:
        return load_vectors(out, source)
    except CorpusError as e:
        raise CorpusError(f"{e} (run with --full to rebuild it)") from None


def same_ruleset(old: VectorFile, ruleset_hash: str, rules_hash: str | None) -> bool:
    """Whether `old` was made with these rules: by rules hash where both have one, else by bytes."""
    if old.rules_hash is not None and rules_hash is not None:
        return old.rules_hash == rules_hash
    return old.ruleset_hash == ruleset_hash


def recorded_ruleset_hash(old: VectorFile | None, kept: bool, ruleset_hash: str, rules_hash: str | None) -> str:
    """The rulesetHash a rewritten file records: the old one while its pages are kept under
    the same rules (a ship changed only weights, so its bytes need not change), else the current."""
    if old is not None and kept and old.ruleset_hash and old.rules_hash is not None and old.rules_hash == rules_hash:
        return old.ruleset_hash
    return ruleset_hash


def plan_pages(
    current: dict[str, str],
    old: VectorFile | None,
    ruleset_hash: str,
    feature_names: list[str],
    inputs_hash: str | None = None,
    rules_hash: str | None = None,
) -> tuple[dict[str, PageVectors], list[str]]:
    """Which pages can be kept from `old` (by name, or by hash after a rename) and which to do."""
    usable = (
        old is not None
        and old.version == 2
        and same_ruleset(old, ruleset_hash, rules_hash)
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
