"""Rules for recognizing elements in this corpus's pages: edit and add to these.

`corpus init --types` wrote one trainee per type of samples/rubric.md, with
candidate elements (`dom`, a CSS selector) and two features any element has.
Narrow each type's candidates and add features: functions of a node returning a
number from 0 to 1 (True/False count as 1/0), the probability that a "smell" is
present. The trainer finds each feature's weight; a useless feature just gets a
weight near 0, so write many small ones.

    corpus vectorize training --trainee TYPE

A node offers: node.tag, node.id, node.classes, node.attrs, node.text,
node.parent, node.ancestors (nearest first), node.element (the lxml element),
node.viewport; and, rendered by a headless Chromium only if a rule reads them:
node.box (x, y, width, height in CSS px), node.visible, node.style (computed CSS),
node.font_size, node.color, node.background_color, node.border_width,
node.display, node.page_size.
"""

from corpus.ruleset import Ruleset, linear_scale

TYPES = ["type-a"]

# Candidates: every element of the body. Narrow this to what a target can be
# (say "input, button" or "article, main"): fewer candidates, faster and better models.
CANDIDATES = "body *"

ruleset = Ruleset()


def is_visible(node):
    return node.visible


def near_the_top(node):
    return linear_scale(node.box.y, 1500, 0)


for name in TYPES:
    trainee = ruleset.trainee(name, dom=CANDIDATES)
    trainee.feature(is_visible)
    trainee.feature(near_the_top)
