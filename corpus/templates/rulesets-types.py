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


# --- The trained weights ---------------------------------------------------------------
# `corpus ship --trainee TYPE` writes each feature's coefficient and the type's bias here
# after training (only these numbers change) with a comment naming the model file they came
# from, so the ruleset records which model goes with its rules, and `corpus status` and
# `corpus metrics` can tell when it is behind. Nothing reads these numbers: a Python ruleset
# only vectorizes pages for training; what runs in a product is the model file
# (models/TYPE.json) or a JavaScript ruleset. A feature added above needs its line here too,
# or `corpus ship` names it and writes nothing.
coefficients = {
    "type-a": [("is_visible", 0.0), ("near_the_top", 0.0)],
}
biases = {
    "type-a": 0.0,
}
