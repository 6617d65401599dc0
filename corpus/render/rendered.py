"""What the browser says about an element, as rules read it: its box, visibility and style.

The renderer makes these and rulesets read them (`corpus.ruleset` re-exports them), so
they live with the renderer, below the rulesets.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A rendered element's border box in CSS pixels, from the top left of the page."""

    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0

    @property
    def area(self) -> float:
        return self.width * self.height


@dataclass(frozen=True)
class Rendered:
    """What the browser says about one element (see corpus/render/facts.py)."""

    box: Box
    visible: bool
    style: dict[str, str]


NOT_RENDERED = Rendered(Box(), False, {})
