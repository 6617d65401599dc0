"""The rubric: labeling rules for people, with a YAML front matter block for the machine.

`samples/rubric.md` starts with a block between `---` lines:

    ---
    version: 1
    naming:
      pattern: '^(?P<negative>n)?(?P<id>\\d+)\\.html$'
      stratify: []
      group: id          # optional: pages sharing it stay in one set
    viewport: {width: 1366, height: 768}
    checks: {missing-resource: warning}   # optional: finding kinds that only warn
    types:
      new-password:
        description: The field where a user picks a new password.
        selector: input
        min: 1
        max: 2
    ---
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corpus.errors import BadInputFile
from corpus.findings import KINDS, SEVERITIES
from corpus.textformats import yaml_node, yaml_value
from corpus.tree.sample import SAMPLES_DIR, NamingRule

RUBRIC_NAME = "rubric.md"
DEFAULT_VIEWPORT = (1366, 768)


class RubricError(BadInputFile):
    """A schema error in the rubric itself, reported as `path:line: message`."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class LabelType:
    name: str
    description: str = ""
    selector: str | None = None  # a labeled element must match this CSS selector
    min: int = 0  # targets per positive page
    max: int | None = None


@dataclass(frozen=True)
class Rubric:
    version: int = 1
    naming: NamingRule = field(default_factory=NamingRule)
    stratify: tuple[str, ...] = ()
    viewport: tuple[int, int] = DEFAULT_VIEWPORT
    types: dict[str, LabelType] = field(default_factory=dict)
    path: Path | None = None
    # Label values a trainee counts as targets of a type (filled in by `corpus check`).
    target_aliases: dict[str, str] = field(default_factory=dict)
    # Finding kind -> severity (`warning` or `error`); kinds not named are errors.
    checks: dict[str, str] = field(default_factory=dict)


def rubric_path(root: Path) -> Path:
    return root / SAMPLES_DIR / RUBRIC_NAME


def split_front_matter(text: str) -> tuple[str, int] | None:
    """The YAML text between the opening and closing `---`, and the line it starts on."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "".join(lines[1:i]), 2
    return None


def load_rubric(root: Path) -> Rubric:
    """The corpus rubric; the defaults when there is none."""
    path = rubric_path(root)
    if not path.exists():
        return Rubric()
    return parse_rubric(path, path.read_text(encoding="utf-8", errors="replace"))


def parse_rubric(path: Path, text: str) -> Rubric:
    block = split_front_matter(text)
    if block is None:
        raise RubricError(path, 1, "no front matter: the rubric must start with a `---` YAML block")
    yaml_text, first_line = block
    try:
        node = yaml_node(yaml_text)
        data = yaml_value(yaml_text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        raise RubricError(path, line, f"YAML error: {getattr(e, 'problem', e)}") from None
    return _Reader(path, first_line, node).rubric(data or {})


class _Reader:
    """Turns the parsed YAML into a Rubric, pointing errors at the offending line."""

    def __init__(self, path: Path, first_line: int, node: yaml.Node | None) -> None:
        self.path = path
        self.first_line = first_line
        self.node = node

    def fail(self, keys: tuple[str, ...], message: str) -> RubricError:
        return RubricError(self.path, self.line(keys), message)

    def line(self, keys: tuple[str, ...]) -> int:
        node = self.node
        line = node.start_mark.line if node is not None else 0
        for key in keys:
            if not isinstance(node, yaml.MappingNode):
                break
            for k, v in node.value:
                if k.value == key:
                    line, node = k.start_mark.line, v
                    break
            else:
                break
        return self.first_line + line

    def mapping(self, value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(keys, f"`{'.'.join(keys) or 'front matter'}` must be a mapping")
        return value

    def integer(self, value: Any, keys: tuple[str, ...], minimum: int = 0) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(keys, f"`{'.'.join(keys)}` must be an integer >= {minimum}")
        return value

    def known_keys(self, data: dict[str, Any], allowed: set[str], keys: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                raise self.fail((*keys, str(key)), f"unknown key `{key}` (expected one of: {names})")

    def rubric(self, data: Any) -> Rubric:
        data = self.mapping(data, ())
        self.known_keys(data, {"version", "naming", "viewport", "types", "checks"}, ())
        version = self.integer(data.get("version", 1), ("version",), minimum=1)
        naming, stratify = self.naming(data.get("naming", {}))
        return Rubric(
            version=version,
            naming=naming,
            stratify=stratify,
            viewport=self.viewport(data.get("viewport")),
            types=self.types(data.get("types", {})),
            path=self.path,
            checks=self.checks(data.get("checks")),
        )

    def checks(self, value: Any) -> dict[str, str]:
        """`checks: {missing-resource: warning}`: the severity of finding kinds."""
        data = self.mapping(value or {}, ("checks",))
        for kind, severity in data.items():
            if kind not in KINDS:
                raise self.fail(("checks", str(kind)), f"unknown finding kind `{kind}` (expected one of: "
                                                      f"{', '.join(sorted(KINDS))})")
            if severity not in SEVERITIES:
                raise self.fail(("checks", str(kind)), f"`checks.{kind}` must be one of: {', '.join(SEVERITIES)}")
        return dict(data)

    def naming(self, value: Any) -> tuple[NamingRule, tuple[str, ...]]:
        data = self.mapping(value or {}, ("naming",))
        self.known_keys(data, {"pattern", "stratify", "group"}, ("naming",))
        pattern = data.get("pattern", NamingRule().pattern)
        try:
            regex = re.compile(pattern)
        except (re.error, TypeError) as e:
            raise self.fail(("naming", "pattern"), f"naming pattern is not a valid regex: {e}") from None
        group = data.get("group")
        if group is not None and (not isinstance(group, str) or group not in regex.groupindex):
            raise self.fail(("naming", "group"), f"naming group `{group}` is not a group of the naming pattern")
        rule = NamingRule(pattern, group)
        stratify = data.get("stratify", []) or []
        if not isinstance(stratify, list) or not all(isinstance(g, str) for g in stratify):
            raise self.fail(("naming", "stratify"), "`naming.stratify` must be a list of group names")
        for group in stratify:
            if group not in regex.groupindex:
                raise self.fail(("naming", "stratify"), f"stratify group `{group}` is not a group of the naming pattern")
        return rule, tuple(stratify)

    def viewport(self, value: Any) -> tuple[int, int]:
        if value is None:
            return DEFAULT_VIEWPORT
        data = self.mapping(value, ("viewport",))
        self.known_keys(data, {"width", "height"}, ("viewport",))
        return (
            self.integer(data.get("width"), ("viewport", "width"), minimum=1),
            self.integer(data.get("height"), ("viewport", "height"), minimum=1),
        )

    def types(self, value: Any) -> dict[str, LabelType]:
        data = self.mapping(value or {}, ("types",))
        types = {}
        for name, spec in data.items():
            keys = ("types", str(name))
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.-]*", name) or name == "BAD":
                raise self.fail(keys, f"type name `{name}` must be a word (letters, digits, _ . -)")
            spec = self.mapping(spec or {}, keys)
            self.known_keys(spec, {"description", "selector", "min", "max"}, keys)
            selector = spec.get("selector")
            if selector is not None and not _valid_selector(selector):
                raise self.fail((*keys, "selector"), f"`{selector}` is not a valid CSS selector")
            low = self.integer(spec.get("min", 0), (*keys, "min"))
            high = spec.get("max")
            if high is not None:
                high = self.integer(high, (*keys, "max"))
                if high < low:
                    raise self.fail((*keys, "max"), f"type `{name}`: max ({high}) is below min ({low})")
            types[name] = LabelType(name, str(spec.get("description", "")), selector, low, high)
        return types


def _valid_selector(selector: Any) -> bool:
    from lxml.cssselect import CSSSelector, SelectorError

    if not isinstance(selector, str) or not selector.strip():
        return False
    try:
        CSSSelector(selector)
    except SelectorError:
        return False
    return True
