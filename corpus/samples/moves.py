"""Moving samples between sets: journaled, batched, and finished after a crash.

A move plan lists path pairs (each page, and its resources folder when it has
one). Applying it renames what is still at its source, then moves the index
entries under each source to the destination in one `git update-index
--index-info` (the blobs are unchanged, so history follows as with `git mv`).
Both steps skip what is done, so the same function finishes an interrupted plan,
and applied to the reversed pairs it undoes a failed one. Cost: one rename per
path and one git call per plan, whatever the corpus size.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.progress import progress
from corpus.samples import journal
from corpus.store import gitcli
from corpus.tree.sample import SAMPLES_DIR, Sample

ZERO_SHA = "0" * 40
KIND = "move"


@dataclass(frozen=True)
class Move:
    sample: Sample
    to_set: str

    @property
    def destination(self) -> Sample:
        return self.sample.moved_to(self.to_set)


def path_pairs(root: Path, moves: list[Move]) -> list[dict[str, str]]:
    """Each page, then its resources folder, as `{"from": rel, "to": rel}`."""
    pairs = []
    for move in moves:
        dest = move.destination
        pairs.append({"from": move.sample.relpath, "to": dest.relpath})
        if move.sample.resources_dir.exists():
            pairs.append({"from": _rel(root, move.sample.resources_dir), "to": _rel(root, dest.resources_dir)})
    return pairs


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def check_destinations(root: Path, pairs: list[dict[str, str]]) -> None:
    """Refuse the whole plan if anything would land on something."""
    seen: set[str] = set()
    for pair in pairs:
        target = pair["to"]
        if os.path.lexists(root / target) or target in seen:
            raise CorpusError(f"{root / target}: already exists; nothing was moved")
        seen.add(target)


def apply_moves(root: Path, moves: list[Move], before_each: Callable[[int], None] | None = None,
                show_progress: bool = False) -> None:
    """Journal the moves, carry them out; on a failure undo them and re-raise.

    `before_each(k)` runs before the k-th rename (tests inject failures with it).
    """
    pairs = path_pairs(root, moves)
    check_destinations(root, pairs)
    if not pairs:
        return
    journal.write_plan(root, journal.Plan(KIND, pairs))
    try:
        finish_moves(root, pairs, before_each, show_progress)
    except BaseException:
        finish_moves(root, [{"from": p["to"], "to": p["from"]} for p in reversed(pairs)])
        journal.close_plan(root)
        raise
    journal.close_plan(root)


def finish_moves(root: Path, pairs: list[dict[str, str]], before_each: Callable[[int], None] | None = None,
                 show_progress: bool = False) -> int:
    """Rename what is still at its source, then move its index entries; return renames done."""
    renamed = 0
    made: set[Path] = set()
    with progress("moving pages and resources folders", len(pairs), show=show_progress) as advance:
        for k, pair in enumerate(pairs):
            source, target = root / pair["from"], root / pair["to"]
            if os.path.lexists(source):
                if os.path.lexists(target):
                    raise CorpusError(f"{target}: already exists; cannot move {pair['from']} there")
                if before_each is not None:
                    before_each(k)
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                os.rename(source, target)
                renamed += 1
            advance(1)
    _move_index_entries(root, pairs)
    _remove_empty_resource_dirs(root, pairs)
    return renamed


def _move_index_entries(root: Path, pairs: list[dict[str, str]]) -> None:
    """One `update-index --index-info`: entries at or under each source go to its target."""
    prefixes = {p["from"]: p["to"] for p in pairs}
    listing = gitcli.run_gated(root, "ls-files", "-s", "-z", "--", f"{SAMPLES_DIR}/")
    lines: list[bytes] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        path = raw_path.decode("utf-8", "surrogateescape")
        target = _target_of(path, prefixes)
        if target is None:
            continue
        mode, sha, stage = meta.decode().split()
        lines.append(f"0 {ZERO_SHA}\t".encode() + raw_path)
        lines.append(f"{mode} {sha} {stage}\t".encode() + target.encode("utf-8", "surrogateescape"))
    if lines:
        gitcli.run_gated(root, "update-index", "-z", "--index-info", stdin=b"\0".join(lines) + b"\0")


def _target_of(path: str, prefixes: dict[str, str]) -> str | None:
    """Where an index path goes: a page itself, or a file inside a moved resources folder."""
    if path in prefixes:
        return prefixes[path]
    parts = path.split("/")
    # samples/<set>/resources/<stem>/... : the folder is the first four parts
    if len(parts) > 4:
        folder = "/".join(parts[:4])
        if folder in prefixes:
            return prefixes[folder] + "/" + "/".join(parts[4:])
    return None


def _remove_empty_resource_dirs(root: Path, pairs: list[dict[str, str]]) -> None:
    """A set's `resources/` stays behind empty when its last folder moves away."""
    parents = {(root / p[key]).parent for p in pairs for key in ("from", "to")}
    for parent in parents:
        if parent.name == "resources" and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
