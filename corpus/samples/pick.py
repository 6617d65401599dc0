"""`corpus pick` and `corpus split`: seeded, stratified, group-aware plans of moves.

Planning only: which sample goes to which set. All pages of one group (the
rubric's `naming.group`, or `--group-by`) land in the same set, so a site's
pages never leak between training and testing; shares of positive/negative
pages and of each stratum (the rubric's `naming.stratify`, or `--stratify-by`)
are kept as closely as whole groups allow. A group that already has pages in
training, validation or testing is never sent to another of them: `pick` leaves
it where it is and says so (unless the move joins its other pages, or takes it to
`unused`, where no model sees it), `split` moves it to the one set holding it (a
group spread over several is leakage `check` reports, and stays in unused).
moves.py carries the plan out.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from corpus.errors import BadInput
from corpus.samples.grouping import Misfit, Stratum, assign_groups, stratum_targets
from corpus.samples.moves import Move, apply_moves
from corpus.tree.pages import check_page_file
from corpus.tree.rubric import Rubric
from corpus.tree.sample import SETS, Sample, set_samples

__all__ = ["HeldGroup", "Move", "MovePlan", "apply_moves", "plan_pick", "plan_split", "parse_ratios"]
SPLIT_SETS = ("training", "validation", "testing")


@dataclass(frozen=True)
class HeldGroup:
    """A group left out of a plan because its other pages already sit in other sets."""

    group: str
    pages: int  # its pages in the set being divided
    sets: tuple[str, ...]  # the evaluation sets that hold its other pages

    def note(self, set_name: str) -> str:
        return f"group {self.group} ({self.pages} pages) also has pages in {', '.join(self.sets)}: stays in {set_name}"


@dataclass
class MovePlan:
    moves: list[Move]
    misfits: list[str] = field(default_factory=list)  # groups that could not be kept whole in their share
    held: list[HeldGroup] = field(default_factory=list)  # groups left where they are, to keep them in one set


@dataclass(frozen=True)
class Grouping:
    """How samples are told apart for a plan: strata to keep proportional, groups to keep whole."""

    rubric: Rubric
    stratify_by: Sequence[str]
    group_by: str | None

    def stratum(self, sample: Sample) -> Stratum:
        """Positive/negative always, then the named groups of the naming rule."""
        naming = self.rubric.naming
        parts = naming.match(sample.name) or {}
        negative = "negative" if naming.is_negative(sample.name) else "positive"
        return (negative, *(parts.get(g, "") for g in self.stratify_by))

    def group(self, sample: Sample) -> str:
        return self.rubric.naming.group_of(sample.name, self.group_by)

    def shares_a_group(self, sample: Sample) -> bool:
        """Whether the name holds the group (a page without it is its own group, and cannot leak)."""
        return bool(self.group_by and (self.rubric.naming.match(sample.name) or {}).get(self.group_by))


def grouping(rubric: Rubric, stratify_by: Sequence[str] | None, group_by: str | None) -> Grouping:
    """Strata and groups for a plan; None (or nothing) means the rubric's `naming.stratify` and `naming.group`."""
    names = rubric.naming.groups
    stratify_by = stratify_by or rubric.stratify
    for group in stratify_by:
        if group not in names:
            raise BadInput(f"--stratify-by {group}: not a group of the naming rule {rubric.naming.pattern}")
    if group_by is not None and group_by not in names:
        raise BadInput(f"--group-by {group_by}: not a group of the naming rule {rubric.naming.pattern}")
    return Grouping(rubric, tuple(stratify_by), group_by or rubric.naming.group)


def checked_samples(root: Path, set_name: str) -> list[Sample]:
    """The samples of a set, refusing what `add` refuses (symlinks, empty or binary files)."""
    samples = set_samples(root, set_name)
    for sample in samples:
        check_page_file(sample.path)
    return samples


def groups_elsewhere(root: Path, how: Grouping, set_name: str) -> dict[str, tuple[str, ...]]:
    """Each group with pages in training, validation or testing other than `set_name`: those sets."""
    sets: dict[str, list[str]] = {}
    for other in SPLIT_SETS:
        if other != set_name:
            for sample in filter(how.shares_a_group, set_samples(root, other)):
                holders = sets.setdefault(how.group(sample), [])
                if other not in holders:
                    holders.append(other)
    return {group: tuple(holders) for group, holders in sets.items()}


def _hold(samples: list[Sample], how: Grouping, elsewhere: dict[str, tuple[str, ...]]
          ) -> tuple[list[Sample], dict[str, list[Sample]]]:
    """`samples` split into those whose group is nowhere else, and the others by group."""
    free: list[Sample] = []
    held: dict[str, list[Sample]] = {}
    for sample in samples:
        group = how.group(sample)
        if group in elsewhere:
            held.setdefault(group, []).append(sample)
        else:
            free.append(sample)
    return free, held


def _divide(samples: list[Sample], ways: Sequence[Fraction], how: Grouping, seed: int
            ) -> tuple[list[list[Sample]], list[Misfit]]:
    rng = random.Random(seed)
    sizes: dict[Stratum, int] = {}
    members: dict[str, list[Sample]] = {}
    for sample in sorted(samples, key=lambda s: s.name):
        stratum = how.stratum(sample)
        sizes[stratum] = sizes.get(stratum, 0) + 1
        members.setdefault(how.group(sample), []).append(sample)
    targets = stratum_targets(dict(sorted(sizes.items())), ways, rng)
    placed, misfits = assign_groups({g: [how.stratum(s) for s in m] for g, m in members.items()}, targets, rng)
    parts: list[list[Sample]] = [[] for _ in ways]
    for group, index in placed.items():
        parts[index].extend(members[group])
    return [sorted(p, key=lambda s: s.name) for p in parts], misfits


def _misfit_lines(misfits: list[Misfit], set_names: Sequence[str]) -> list[str]:
    return [f"group {m.group} ({m.size} pages) does not fit whole: {set_names[m.set_index]} gets {m.over} "
            "more than its share" for m in misfits]


def plan_pick(root: Path, rubric: Rubric, from_set: str, to_set: str, count: int, seed: int,
              stratify_by: Sequence[str] | None = None, group_by: str | None = None) -> MovePlan:
    """Choose about `count` samples of `from_set`, stratified, whole groups only.

    Only groups with no pages in another of training, validation and testing
    are candidates: moving part of a group away from its other pages would
    leak it between sets. The others are returned as `held`; a group whose other
    pages are all in `to_set` is not held (the move joins them, as `split` does),
    nor is any group when `to_set` is unused (the move ends a leak, if anything).
    """
    for set_name in (from_set, to_set):
        if set_name not in SETS:
            raise BadInput(f"unknown set {set_name!r} (expected one of {', '.join(SETS)})")
    if from_set == to_set:
        raise BadInput("FROM and TO are the same set")
    how = grouping(rubric, stratify_by, group_by)
    elsewhere = {group: sets for group, sets in groups_elsewhere(root, how, from_set).items()
                 if to_set in SPLIT_SETS and sets != (to_set,)}  # what the move would leak
    samples, held_samples = _hold(checked_samples(root, from_set), how, elsewhere)
    held = [HeldGroup(g, len(members), elsewhere[g]) for g, members in sorted(held_samples.items())]
    if count < 0 or count > len(samples):
        kept = sum(h.pages for h in held)
        because = f" ({kept} more belong to groups with pages in other sets)" if kept else ""
        raise BadInput(f"cannot pick {count} of the {len(samples)} samples in {from_set}{because}")
    if not count:
        return MovePlan([], held=held)
    share = Fraction(count, len(samples))
    (picked, _), misfits = _divide(samples, [share, 1 - share], how, seed)
    return MovePlan([Move(s, to_set) for s in picked], _misfit_lines(misfits, [to_set, from_set]), held)


def parse_ratios(text: str) -> list[Fraction]:
    try:
        parts = [Fraction(p.strip()) for p in text.split(",")]
    except (ValueError, ZeroDivisionError):
        raise BadInput(f"--ratios {text}: expected three numbers like 60,20,20") from None
    # 1e400 parses (Fraction is exact) but is no float: it would send every page to one set
    if len(parts) != 3 or any(p < 0 or p > sys.float_info.max for p in parts) or sum(parts) == 0:
        raise BadInput(f"--ratios {text}: expected three non-negative numbers like 60,20,20")
    return [p / sum(parts) for p in parts]


def plan_split(root: Path, rubric: Rubric, ratios: Sequence[Fraction], seed: int,
               stratify_by: Sequence[str] | None = None, group_by: str | None = None) -> MovePlan:
    """All of `unused` into training, validation and testing, by ratio, whole groups only.

    A group that already has pages in one of those sets joins them (outside the
    ratios); one spread over several stays in unused and is returned as `held`.
    """
    how = grouping(rubric, stratify_by, group_by)
    elsewhere = groups_elsewhere(root, how, "unused")
    samples, placed = _hold(checked_samples(root, "unused"), how, elsewhere)
    parts, misfits = _divide(samples, ratios, how, seed)
    moves = [Move(s, to_set) for to_set, part in zip(SPLIT_SETS, parts) for s in part]
    held: list[HeldGroup] = []
    for group, members in sorted(placed.items()):
        if len(elsewhere[group]) == 1:
            moves.extend(Move(s, elsewhere[group][0]) for s in members)
        else:
            held.append(HeldGroup(group, len(members), elsewhere[group]))
    return MovePlan(moves, _misfit_lines(misfits, SPLIT_SETS), held)
