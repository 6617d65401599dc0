"""`corpus pick` and `corpus split`: seeded, stratified moves of samples between sets.

Every page moves with its resources folder; tracked files move with `git mv` so
history follows. All destinations are checked before anything moves, and a failure
midway moves everything back, so the tree ends exactly as it was or fully moved.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from corpus.check.rubric import Rubric
from corpus.errors import BadInput, CorpusError
from corpus.samples import gitutil
from corpus.samples.tree import SETS, Sample, set_samples

Stratum = tuple[str, ...]


@dataclass(frozen=True)
class Move:
    sample: Sample
    to_set: str

    @property
    def destination(self) -> Sample:
        return self.sample.moved_to(self.to_set)


def stratum_of(sample: Sample, rubric: Rubric, groups: Sequence[str]) -> Stratum:
    """Positive/negative always, then the named groups of the naming rule."""
    parts = rubric.naming.match(sample.name) or {}
    negative = "negative" if rubric.naming.is_negative(sample.name) else "positive"
    return (negative, *(parts.get(g, "") for g in groups))


def check_groups(rubric: Rubric, groups: Sequence[str]) -> None:
    for group in groups:
        if group not in rubric.naming.groups:
            raise BadInput(f"--stratify-by {group}: not a group of the naming rule {rubric.naming.pattern}")


def apportion(total: int, weights: Sequence[Fraction], offset: int = 0) -> list[int]:
    """Split `total` by `weights` (summing to 1) with largest remainders, so every
    share is within one of exact. Ties go round-robin from `offset` so that many
    small strata do not all round the same way."""
    exact = [total * w for w in weights]
    shares = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), (i - offset) % len(weights)))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def group_by_stratum(samples: list[Sample], rubric: Rubric, groups: Sequence[str]) -> dict[Stratum, list[Sample]]:
    strata: dict[Stratum, list[Sample]] = defaultdict(list)
    for sample in samples:
        strata[stratum_of(sample, rubric, groups)].append(sample)
    return dict(sorted(strata.items()))


def shuffled(samples: list[Sample], seed: int, stratum: Stratum) -> list[Sample]:
    """A reproducible shuffle: the same seed and names give the same order anywhere."""
    rng = random.Random(f"{seed}:{'/'.join(stratum)}")
    ordered = sorted(samples, key=lambda s: s.name)
    rng.shuffle(ordered)
    return ordered


def plan_pick(root: Path, rubric: Rubric, from_set: str, to_set: str, count: int, seed: int,
              groups: Sequence[str]) -> list[Move]:
    """Choose `count` samples of `from_set`, in proportion to each stratum's size."""
    for set_name in (from_set, to_set):
        if set_name not in SETS:
            raise BadInput(f"unknown set {set_name!r} (expected one of {', '.join(SETS)})")
    if from_set == to_set:
        raise BadInput("FROM and TO are the same set")
    check_groups(rubric, groups)
    samples = set_samples(root, from_set)
    if count < 0 or count > len(samples):
        raise BadInput(f"cannot pick {count} of the {len(samples)} samples in {from_set}")
    strata = group_by_stratum(samples, rubric, groups)
    shares = apportion(count, [Fraction(len(m), len(samples)) for m in strata.values()]) if samples else []
    moves = []
    for (stratum, members), share in zip(strata.items(), shares):
        moves.extend(Move(s, to_set) for s in shuffled(members, seed, stratum)[:share])
    return moves


def parse_ratios(text: str) -> list[Fraction]:
    try:
        parts = [Fraction(p.strip()) for p in text.split(",")]
    except (ValueError, ZeroDivisionError):
        raise BadInput(f"--ratios {text}: expected three numbers like 60,20,20") from None
    if len(parts) != 3 or any(p < 0 for p in parts) or sum(parts) == 0:
        raise BadInput(f"--ratios {text}: expected three non-negative numbers like 60,20,20")
    return [p / sum(parts) for p in parts]


def plan_split(root: Path, rubric: Rubric, ratios: Sequence[Fraction], seed: int,
               groups: Sequence[str]) -> list[Move]:
    """All of `unused` into training, validation and testing, by ratio within each stratum."""
    check_groups(rubric, groups)
    targets = ("training", "validation", "testing")
    moves = []
    strata = group_by_stratum(set_samples(root, "unused"), rubric, groups)
    for index, (stratum, members) in enumerate(strata.items()):
        order = shuffled(members, seed, stratum)
        start = 0
        for to_set, share in zip(targets, apportion(len(order), ratios, offset=index)):
            moves.extend(Move(s, to_set) for s in order[start:start + share])
            start += share
    return moves


def check_destinations(moves: list[Move]) -> None:
    """Refuse the whole plan if any page or resources folder would land on something."""
    seen: set[Path] = set()
    for move in moves:
        dest = move.destination
        for target in (dest.path, dest.resources_dir):
            if target.exists() or target in seen:
                raise CorpusError(f"{target}: already exists; nothing was moved")
            seen.add(target)


def _move_path(root: Path, source: Path, target: Path, tracked: bool) -> None:
    """`git mv` when git tracks anything there (history follows), else a plain rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if tracked:
        gitutil.run(root, "mv", "--", str(source.relative_to(root)), str(target.relative_to(root)))
    else:
        os.rename(source, target)


def _is_tracked(tracked: set[str], root: Path, path: Path) -> bool:
    rel = path.relative_to(root).as_posix()
    return rel in tracked or any(t.startswith(rel + "/") for t in tracked)


def apply_moves(root: Path, moves: list[Move], before_each: Callable[[int], None] | None = None) -> None:
    """Carry out the moves; on any failure undo the done ones in reverse and re-raise.

    `before_each(k)` runs before the k-th path move (tests use it to inject failures).
    """
    check_destinations(moves)
    tracked = set(gitutil.tracked_files(root, "samples/"))
    done: list[tuple[Path, Path, bool]] = []
    try:
        for move in moves:
            dest = move.destination
            pairs = [(move.sample.path, dest.path)]
            if move.sample.resources_dir.exists():
                pairs.append((move.sample.resources_dir, dest.resources_dir))
            for source, target in pairs:
                if before_each is not None:
                    before_each(len(done))
                is_tracked = _is_tracked(tracked, root, source)
                _move_path(root, source, target, is_tracked)
                done.append((source, target, is_tracked))
    except BaseException:
        for source, target, is_tracked in reversed(done):
            _move_path(root, target, source, is_tracked)
        _remove_empty_resource_dirs(moves)
        raise
    _remove_empty_resource_dirs(moves)


def _remove_empty_resource_dirs(moves: list[Move]) -> None:
    """`git mv` leaves `resources/` behind when its last folder moves away."""
    for move in moves:
        for sample in (move.sample, move.destination):
            parent = sample.resources_dir.parent
            if parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
