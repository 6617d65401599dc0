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

    Each stratum gets its floor share in every set; the pages left over go, largest
    fraction first (ties at random), to sets still below their exact total.
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
    for _, _, stratum, j in units:
        if leftover[stratum] > 0 and need[j] > 0:
            targets[j][stratum] += 1
            leftover[stratum] -= 1
            need[j] -= 1
    for stratum, left in leftover.items():  # rare: every fitting set was full already
        for _ in range(left):
            j = max(range(len(need)), key=lambda k: need[k])
            targets[j][stratum] += 1
            need[j] -= 1
    return targets


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
