"""The ruleset API at its documented import path: `from corpus.ruleset import ...`.

User rulesets (`rulesets.py`) import from here; the code lives in
`corpus.vectors.ruleset`, and this module keeps that path stable.
"""

from corpus.render.rendered import NOT_RENDERED, Box, Rendered
from corpus.vectors.ruleset import (
    RULESET_NAME,
    Node,
    Ruleset,
    Trainee,
    contains_any,
    linear_scale,
    load_ruleset,
    px,
    rgba,
    ruleset_hash,
    sigmoid,
)

__all__ = [
    "NOT_RENDERED", "RULESET_NAME", "Box", "Node", "Rendered", "Ruleset", "Trainee",
    "contains_any", "linear_scale", "load_ruleset", "px", "rgba", "ruleset_hash", "sigmoid",
]
