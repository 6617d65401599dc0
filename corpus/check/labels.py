"""Checking the `data-fathom` labels of one parsed page against the rubric."""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree
from lxml.cssselect import CSSSelector

from corpus.tree.rubric import LabelType, Rubric

LABEL_ATTRIBUTE = "data-fathom"
BAD_PREFIX = "BAD"
_DECLARED_CHARSET = re.compile(rb"<meta[^>]*charset", re.IGNORECASE)


@dataclass(frozen=True)
class LineProblem:
    """One problem `check` found inside a page, at a line; the caller adds the page's path.

    (Extraction's problems, `corpus.extract.staged.Problem`, are placed by byte offset.)
    """

    line: int
    message: str
    kind: str = ""  # one of corpus.findings.KINDS


@dataclass(frozen=True)
class Label:
    value: str  # the attribute as written, e.g. `new-password` or `BAD new-password`
    line: int
    element: etree._Element


def parse_page(data: bytes) -> etree._Element | None:
    """The page's root element, or None when nothing in it parses as HTML.

    Pages without a declared charset are read as UTF-8 (what the saving tools
    write) rather than libxml2's Latin-1 default, so resource names survive.
    """
    declared = data.startswith(b"\xef\xbb\xbf") or _DECLARED_CHARSET.search(data[:4096]) is not None
    parser = etree.HTMLParser(huge_tree=True, encoding=None if declared else "utf-8")
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None


def find_labels(doc: etree._Element) -> list[Label]:
    return [Label(el.get(LABEL_ATTRIBUTE, ""), el.sourceline or 1, el) for el in doc.xpath(f"//*[@{LABEL_ATTRIBUTE}]")]


def closest_type(value: str, names: list[str]) -> str | None:
    if not names:
        return None
    return max(names, key=lambda name: (difflib.SequenceMatcher(None, value.lower(), name.lower()).ratio(), name))


@functools.lru_cache(maxsize=64)
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css, translator="html")


def check_labels(rubric: Rubric, doc: etree._Element, negative: bool | None) -> list[LineProblem]:
    """Label problems of one page. `negative` is None when the name says nothing (it broke the rule)."""
    problems: list[LineProblem] = []
    targets: list[Label] = []
    counts: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    matched: dict[str, set[etree._Element]] = {}
    unknown = 0
    for label in find_labels(doc):
        value = label.value.strip()
        if value.split(None, 1)[:1] == [BAD_PREFIX]:
            problems.append(LineProblem(label.line, f"evaluator leftover `{LABEL_ATTRIBUTE}=\"{value}\"`: "
                                                "fix or remove the label before committing", "bad-leftover"))
            continue
        targets.append(label)
        value = rubric.target_aliases.get(value, value)  # e.g. "confirm" counts as "new-password"
        label_type = rubric.types.get(value)
        if label_type is None:
            problems.append(LineProblem(label.line, _unknown_type_message(value, list(rubric.types)),
                                        "unknown-type"))
            unknown += 1
            continue
        counts[value] += 1
        first_line.setdefault(value, label.line)
        if label_type.selector:
            if value not in matched:
                matched[value] = set(_selector(label_type.selector)(doc))
            if label.element not in matched[value]:
                problems.append(LineProblem(label.line, f"<{label.element.tag}> labeled `{value}` does not match "
                                                    f"the type's selector `{label_type.selector}`",
                                                    "selector-mismatch"))
    if negative is True and targets:
        problems.append(LineProblem(targets[0].line, f"negative page (by its name) has {len(targets)} "
                                                 f"target(s): remove the labels or rename it as a positive page",
                                     "negative-with-targets"))
    elif negative is False:
        if not targets:
            problems.append(LineProblem(1, f"positive page has no `{LABEL_ATTRIBUTE}` target: "
                                       "label it, or rename it as a negative page", "positive-without-target"))
        elif not unknown:  # a misspelled label is likely the one a count misses: say it once
            for label_type in rubric.types.values():
                problems.extend(_count_problem(label_type, counts[label_type.name],
                                               first_line.get(label_type.name, 1)))
    return problems


def _unknown_type_message(value: str, names: list[str]) -> str:
    if not value:
        return f"empty `{LABEL_ATTRIBUTE}` label"
    closest = closest_type(value, names)
    if closest is None:
        return f"label type `{value}` is not declared: the rubric declares no types"
    return f"label type `{value}` is not declared in the rubric; closest declared type: `{closest}`"


def _count_problem(label_type: LabelType, count: int, line: int) -> list[LineProblem]:
    low, high = label_type.min, label_type.max
    if low <= count and (high is None or count <= high):
        return []
    wanted = f"{low}..{high}" if high is not None else f"at least {low}"
    return [LineProblem(line, f"{count} `{label_type.name}` target(s) on a positive page; the rubric wants {wanted}",
                        "target-count")]
