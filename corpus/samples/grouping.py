"""Dividing samples among sets: whole groups, stratum shares kept, set sizes exact.

Two steps. `stratum_targets` turns ratios into how many pages of each stratum
each set should get, with set totals exact (largest remainders over the whole
corpus, so many one-page strata no longer all round into training). Then
`assign_groups` places whole groups, largest first, each where its strata are
most wanted; a group that fits nowhere whole goes where it overshoots least
and is reported.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Stratum = tuple[str, ...]


def apportion(total: int, weights: Sequence[Fraction]) -> list[int]:
    """Split `total` by `weights` (summing to 1) with largest remainders (ties: first)."""
    exact = [total * w for w in weights]
    shares = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: -(exact[i] - shares[i]))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def stratum_targets(sizes: dict[Stratum, int], ratios: Sequence[Fraction], rng: random.Random) -> list[dict[Stratum, int]]:
    """Per set, per stratum: how many pages it should get.

    Each stratum gets its floor share in every set; each page left over raises one
    of its stratum's shares with a fraction to its ceiling, so every share stays
    within one page of exact while set totals come out exact. Larger fractions are
    served first (ties at random); when that greedy order paints itself into a
    corner, a page is passed along a chain of sets that still fits (`_reroute`).
    """
    totals = apportion(sum(sizes.values()), ratios)
    targets: list[dict[Stratum, int]] = [{} for _ in ratios]
    leftover: dict[Stratum, int] = {}
    units: list[tuple[Fraction, float, Stratum, int]] = []
    for stratum, size in sizes.items():
        for j, ratio in enumerate(ratios):
            exact = size * ratio
            targets[j][stratum] = int(exact)
            if exact != int(exact):
                units.append((exact - int(exact), rng.random(), stratum, j))
        leftover[stratum] = size - sum(t[stratum] for t in targets)
    need = [total - sum(t.values()) for total, t in zip(totals, targets)]
    units.sort(key=lambda u: (-u[0], u[1]))
    raised: set[tuple[Stratum, int]] = set()  # (stratum, set) shares at their ceiling
    for _, _, stratum, j in units:
        if leftover[stratum] > 0 and need[j] > 0:
            raised.add((stratum, j))
            leftover[stratum] -= 1
            need[j] -= 1
    open_units = {(stratum, j) for _, _, stratum, j in units}
    for stratum in sorted(leftover):
        while leftover[stratum] > 0:
            j = _reroute(stratum, open_units, raised, need)
            if j is None:  # never seen (the property test tries 300 cases); set sizes stay exact regardless
                j = max(range(len(need)), key=lambda k: need[k])
                targets[j][stratum] += 1
            need[j] -= 1
            leftover[stratum] -= 1
    for stratum, j in raised:
        targets[j][stratum] += 1
    return targets


def _reroute(start: Stratum, units: set[tuple[Stratum, int]], raised: set[tuple[Stratum, int]],
             need: list[int]) -> int | None:
    """Raise one more share of `start` by shifting raised shares between sets.

    A breadth-first search for an augmenting path: `start` takes a set that is
    full, whose raised share of another stratum moves to another set, and so on
    until a set with room is reached. Returns that set, or None if there is none.
    """
    came_from: dict[int, tuple[Stratum, int | None]] = {}  # set -> (stratum that moves in, set it left)
    frontier: list[tuple[Stratum, int | None]] = [(start, None)]
    seen_strata = {start}
    while frontier:
        next_frontier: list[tuple[Stratum, int | None]] = []
        for stratum, left in frontier:
            for s, j in sorted(units):
                if s != stratum or (s, j) in raised or j in came_from:
                    continue
                came_from[j] = (stratum, left)
                if need[j] > 0:
                    _shift(j, came_from, raised)
                    return j
                for other, k in sorted(raised):  # who could leave full set j
                    if k == j and other not in seen_strata:
                        seen_strata.add(other)
                        next_frontier.append((other, j))
        frontier = next_frontier
    return None


def _shift(end: int, came_from: dict[int, tuple[Stratum, int | None]], raised: set[tuple[Stratum, int]]) -> None:
    """Apply the path found by `_reroute`, from the set with room back to the start."""
    j: int | None = end
    while j is not None:
        stratum, left = came_from[j]
        raised.add((stratum, j))
        if left is not None:
            raised.discard((stratum, left))
        j = left


@dataclass(frozen=True)
class Misfit:
    """A group that no set had room for as a whole."""

    group: str
    size: int
    set_index: int
    over: int  # pages beyond that set's share


def assign_groups(groups: dict[str, list[Stratum]], targets: list[dict[Stratum, int]],
                  rng: random.Random) -> tuple[dict[str, int], list[Misfit]]:
    """The set index of every group, and the groups that overshoot their set's share."""
    need = [dict(t) for t in targets]
    room = [sum(t.values()) for t in targets]  # pages each set still wants, all strata
    names = sorted(groups)
    rng.shuffle(names)
    names.sort(key=lambda g: -len(groups[g]))  # stable: big groups first, equal ones at random
    placed: dict[str, int] = {}
    misfits: list[Misfit] = []
    for name in names:
        counts = Counter(groups[name])

        def score(j: int) -> tuple[int, int]:
            fit = sum(min(c, max(need[j].get(s, 0), 0)) for s, c in counts.items())
            over = sum(max(0, c - need[j].get(s, 0)) for s, c in counts.items())
            return fit - over, room[j]

        j = max(range(len(need)), key=score)
        over = sum(max(0, c - need[j].get(s, 0)) for s, c in counts.items())
        for s, c in counts.items():
            need[j][s] = need[j].get(s, 0) - c
        room[j] -= len(groups[name])
        placed[name] = j
        if over:
            misfits.append(Misfit(name, len(groups[name]), j, over))
    return placed, misfits
