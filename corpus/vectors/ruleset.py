"""The ruleset API: what a corpus's `rulesets.py` is written against.

A ruleset file builds one `Ruleset` and declares, for each type it recognizes (a
*trainee*), the candidate elements (a CSS selector, Fathom's `dom()`), an optional
pruning test (`when()`) and named features. A feature is a plain function of a
`Node` returning a number in [0, 1] (or a bool); the trainer weighs them.

    from corpus.ruleset import Ruleset, linear_scale

    ruleset = Ruleset()
    password = ruleset.trainee("new-password", dom="input", when=lambda n: n.visible)

    @password.feature
    def is_password_field(node):
        return node.attrs.get("type") == "password"

A `Node` offers the DOM (tag, id, classes, attributes, text, ancestors, the lxml
element) and, only when a rule asks for them, rendered facts (box, visibility,
computed style): asking is what makes the vectorizer render the page.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import BadInput, BadInputFile
from corpus.render.rendered import Box, Rendered
from corpus.store.digest import sha256_file

RULESET_NAME = "rulesets.py"

Feature = Callable[["Node"], Any]
Predicate = Callable[["Node"], Any]


# --- helpers for rule authors (Fathom's linearScale and sigmoid) -------------------


def linear_scale(number: float, zero_at: float, one_at: float) -> float:
    """0 at `zero_at`, 1 at `one_at`, straight in between, clamped outside.

    `zero_at` may be above `one_at` to score small numbers high.
    """
    if zero_at == one_at:
        raise ValueError("linear_scale: zero_at and one_at must differ")
    return min(1.0, max(0.0, (number - zero_at) / (one_at - zero_at)))


def sigmoid(x: float) -> float:
    """Squash any number into (0, 1), keeping extreme values distinguishable."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)  # the same value, computed so large negative x does not overflow
    return z / (1.0 + z)


def contains_any(text: str | None, words: Iterable[str]) -> bool:
    """Whether `text` holds any of `words`, ignoring case: the class/id smell test."""
    if not text:
        return False
    lowered = text.lower()
    return any(word.lower() in lowered for word in words)


# --- declaring rules ---------------------------------------------------------------


@dataclass
class Trainee:
    """Rules for one type: candidates (`dom`), pruning (`when`), ordered features."""

    name: str
    dom: str
    when: Predicate | None = None
    features: dict[str, Feature] = field(default_factory=dict)
    # Label values that count as targets (Firefox's new-password trainee counts "new"
    # and "confirm"); empty means just `name`. Pruned targets are labeled `name` only.
    targets: tuple[str, ...] = ()

    @property
    def target_labels(self) -> tuple[str, ...]:
        return self.targets or (self.name,)

    def feature(self, func: Feature | None = None, *, name: str | None = None) -> Any:
        """Decorator adding a feature, named after the function unless `name` is given."""

        def add(f: Feature) -> Feature:
            key = name or f.__name__
            if key in self.features:
                raise ValueError(f"trainee {self.name!r}: feature {key!r} is defined twice")
            self.features[key] = f
            return f

        return add(func) if func is not None else add

    @property
    def feature_names(self) -> list[str]:
        return list(self.features)


class Ruleset:
    """All trainees of a ruleset file; `load_ruleset` fills in `path` and `hash`."""

    def __init__(self) -> None:
        self.trainees: dict[str, Trainee] = {}
        self.path: Path | None = None
        self.hash: str = ""

    def trainee(
        self, name: str, dom: str, when: Predicate | None = None, targets: Iterable[str] = ()
    ) -> Trainee:
        """Declare a type: candidates `dom`, pruning `when`, and the label values that
        count as its targets (default: its own name)."""
        if name in self.trainees:
            raise ValueError(f"trainee {name!r} is defined twice")
        _check_selector(name, dom)
        if isinstance(targets, str):
            raise ValueError(f"trainee {name!r}: targets must be a list of label values, not one string")
        self.trainees[name] = Trainee(name, dom, when, targets=tuple(targets))
        return self.trainees[name]

    def target_aliases(self) -> dict[str, str]:
        """Label values other than a trainee's own name that count as its targets."""
        return {label: t.name for t in self.trainees.values() for label in t.target_labels if label != t.name}

    def get(self, name: str) -> Trainee:
        try:
            return self.trainees[name]
        except KeyError:
            known = ", ".join(sorted(self.trainees)) or "none"
            where = self.path or "the ruleset"
            raise BadInput(f"{where}: no trainee {name!r} (it defines: {known})") from None


def _check_selector(name: str, dom: str) -> None:
    from lxml.cssselect import CSSSelector, SelectorError

    try:
        CSSSelector(dom, translator="html")
    except SelectorError as e:
        raise ValueError(f"trainee {name!r}: dom selector {dom!r} is not valid CSS: {e}") from None


def ruleset_hash(path: Path) -> str:
    """The ruleset's identity in vector files: sha256 of the file's bytes."""
    return sha256_file(path)


def load_ruleset(path: Path) -> Ruleset:
    """Run a ruleset file and return the one `Ruleset` it builds.

    Any failure (missing file, syntax error, exception at import, no or several
    rulesets) is a BadInputFile naming the file and, where known, the line.
    """
    path = Path(path)
    try:
        source = path.read_bytes()
    except FileNotFoundError:
        raise BadInputFile(f"{path}: no ruleset file (`corpus init` scaffolds an example {RULESET_NAME})") from None
    except OSError as e:
        raise BadInputFile(f"{path}: cannot read the ruleset: {e.strerror}") from None
    digest = hashlib.sha256(source).hexdigest()
    module_name = f"_corpus_ruleset_{digest[:16]}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        sys.modules.pop(module_name, None)
        raise BadInputFile(f"{path}:{e.lineno}: syntax error in the ruleset: {e.msg}") from None
    except Exception as e:
        sys.modules.pop(module_name, None)
        raise BadInputFile(f"{path}:{_line_in(path, e)}: the ruleset failed to load: {_describe(e)}") from None
    found = [v for v in vars(module).values() if isinstance(v, Ruleset)]
    if len({id(r) for r in found}) != 1:
        raise BadInputFile(f"{path}: a ruleset file must build exactly one Ruleset() (found {len(found)})")
    ruleset = found[0]
    ruleset.path = path
    ruleset.hash = digest
    return ruleset


def _line_in(path: Path, error: BaseException) -> int:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    return frames[-1].lineno or 1 if frames else 1


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


# --- what rules see ------------------------------------------------------------------



_PX = re.compile(r"^\s*(-?[\d.]+)px")
_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def px(value: str | None) -> float:
    """A computed length such as `16px` as a number; 0 for anything else."""
    m = _PX.match(value or "")
    return float(m.group(1)) if m else 0.0


def rgba(value: str | None) -> tuple[float, float, float, float]:
    """A computed color (`rgb(…)` / `rgba(…)`) as (r, g, b, alpha); transparent otherwise."""
    m = _RGB.search(value or "")
    if not m:
        return (0.0, 0.0, 0.0, 0.0)
    alpha = m.group(4)
    if alpha is None:
        a = 1.0
    elif alpha.endswith("%"):
        a = float(alpha[:-1]) / 100
    else:
        a = float(alpha)
    return (float(m.group(1)), float(m.group(2)), float(m.group(3)), a)


class Node:
    """One element as rules see it. Built by the vectorizer (corpus/vectorize.py)."""

    def __init__(self, page: Any, element: Any) -> None:  # page: vectorize.PageDocument
        self._page = page
        self.element = element  # the lxml element (labels and bookkeeping attributes removed)

    # DOM facts
    @property
    def tag(self) -> str:
        return str(self.element.tag).lower()

    @property
    def id(self) -> str:
        return self.element.get("id") or ""

    @property
    def classes(self) -> list[str]:
        return (self.element.get("class") or "").split()

    @property
    def attrs(self) -> dict[str, str]:
        return dict(self.element.attrib)

    @property
    def text(self) -> str:
        """The element's text content, whitespace collapsed."""
        return " ".join(self.element.text_content().split())

    @property
    def parent(self) -> Node | None:
        parent = self.element.getparent()
        return None if parent is None else self._page.node(parent)

    @property
    def ancestors(self) -> list[Node]:
        """Nearest first, up to `<html>`."""
        return [self._page.node(e) for e in self.element.iterancestors()]

    @property
    def viewport(self) -> tuple[int, int]:
        """The viewport the page is (or would be) rendered at: (width, height)."""
        return self._page.viewport

    # Rendered facts: reading any of these renders the page (once, then cached).
    @property
    def rendered(self) -> Rendered:
        return self._page.rendered(self.element)

    @property
    def box(self) -> Box:
        return self.rendered.box

    @property
    def visible(self) -> bool:
        return self.rendered.visible

    @property
    def style(self) -> dict[str, str]:
        """Computed style, CSS property name to value (see render.STYLE_PROPERTIES)."""
        return self.rendered.style

    @property
    def font_size(self) -> float:
        return px(self.style.get("font-size"))

    @property
    def color(self) -> tuple[float, float, float, float]:
        return rgba(self.style.get("color"))

    @property
    def background_color(self) -> tuple[float, float, float, float]:
        return rgba(self.style.get("background-color"))

    @property
    def border_width(self) -> float:
        """The widest of the four borders that is drawn."""
        widths = []
        for side in ("top", "right", "bottom", "left"):
            if self.style.get(f"border-{side}-style", "none") not in ("none", "hidden"):
                widths.append(px(self.style.get(f"border-{side}-width")))
        return max(widths, default=0.0)

    @property
    def display(self) -> str:
        return self.style.get("display", "")

    @property
    def page_size(self) -> tuple[float, float]:
        """The rendered document's scroll width and height."""
        return self._page.page_size()

    def __repr__(self) -> str:
        return f"<Node {self.tag}{'#' + self.id if self.id else ''}>"
