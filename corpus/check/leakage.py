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


def group_sets(grouped: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, list[str]]]:
    """Group value -> set -> page names, from (set, name, group) of pages in the evaluated sets."""
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for set_name, name, value in grouped:
        if set_name in EVALUATED and value:
            groups[value][set_name].append(name)
    return groups


def leakage_findings(rule: NamingRule, grouped: Iterable[tuple[str, str, str]]) -> list[Finding]:
    """One finding per group spanning sets, at its first page, given (set, name, group) of
    the pages of the groups asked about (the name index's `grouped`)."""
    findings = []
    for value, by_set in group_sets(grouped).items():
        if len(by_set) < 2:
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
