"""Leakage: a naming group (the rubric's `naming.group`, a site) whose pages sit in
more than one of training, validation and testing.

A model tested on a site it was trained on looks better than it is. `split` and
`pick` keep groups whole; a corpus brought in from elsewhere may not be. Each
group that spans sets is one finding, naming the group and its sets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from corpus.findings import Finding
from corpus.tree.sample import SAMPLES_DIR, SETS, NamingRule

EVALUATED = ("training", "validation", "testing")  # `unused` holds pages no model sees
NAMES_SHOWN = 2  # page names listed per set before "and N more"


def group_sets(rule: NamingRule, placed: Iterable[tuple[str, str]]) -> dict[str, dict[str, list[str]]]:
    """Group value -> set -> page names, for pages in the evaluated sets whose name has the group."""
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for set_name, name in placed:
        parts = rule.match(name) if set_name in EVALUATED and rule.group else None
        value = parts.get(rule.group) if parts and rule.group else None
        if value:
            groups[value][set_name].append(name)
    return groups


def leakage_findings(rule: NamingRule, placed: Iterable[tuple[str, str]],
                     wanted: set[str] | None = None) -> list[Finding]:
    """One finding per group spanning sets (only the groups in `wanted`, when given), at its first page."""
    findings = []
    for value, by_set in group_sets(rule, placed).items():
        if len(by_set) < 2 or (wanted is not None and value not in wanted):
            continue
        sets = sorted(by_set, key=SETS.index)
        where = [f"{s} ({_names(sorted(by_set[s]))})" for s in sets]
        first = f"{SAMPLES_DIR}/{sets[0]}/{min(by_set[sets[0]])}"
        findings.append(Finding(Path(first), 1, f"{rule.group} `{value}` spans {', '.join(where[:-1])} and "
                                                f"{where[-1]}: keep a group's pages in one set, or they leak "
                                                "between training and evaluation", "leakage"))
    return sorted(findings)


def groups_of(rule: NamingRule, names: Iterable[str]) -> set[str]:
    """The group values of these names (those that have one)."""
    values = set()
    for name in names:
        parts = rule.match(name) if rule.group else None
        if parts and rule.group and parts.get(rule.group):
            values.add(parts[rule.group])
    return values


def _names(names: list[str]) -> str:
    more = f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
    return ", ".join(names[:NAMES_SHOWN]) + more
