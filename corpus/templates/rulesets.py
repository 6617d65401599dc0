"""Rules for recognizing elements in this corpus's pages: edit and add to these.

Each trainee (a type from samples/rubric.md) has candidate elements (`dom`, a CSS
selector), an optional `when` test that prunes candidates early, and features:
functions of a node returning a number from 0 to 1 (True/False count as 1/0), the
probability that a "smell" is present. The trainer finds each feature's weight;
a useless feature just gets a weight near 0, so write many small ones.

    corpus vectorize training --trainee new-password
    corpus train samples/training            (when the trainer is set up)

A node offers: node.tag, node.id, node.classes, node.attrs, node.text,
node.parent, node.ancestors (nearest first), node.element (the lxml element),
node.viewport; and, rendered by a headless Chromium only if a rule reads them:
node.box (x, y, width, height in CSS px), node.visible, node.style (computed CSS,
e.g. node.style["font-weight"]), node.font_size, node.color,
node.background_color, node.border_width, node.display, node.page_size.
Rendered facts are cached, so editing rules later does not render again.
"""

from corpus.ruleset import Ruleset, contains_any, linear_scale, sigmoid

ruleset = Ruleset()


def id_and_classes(node):
    """The strings class and id smells are looked for in."""
    return " ".join([node.id, *node.classes, node.attrs.get("name", "")])


def form_of(node):
    return next((a for a in node.ancestors if a.tag == "form"), None)


# --- new-password: the field where a user picks a new password ------------------------


def could_hold_a_password(node):
    return node.attrs.get("type", "text").lower() in ("password", "text")


new_password = ruleset.trainee("new-password", dom="input", when=could_hold_a_password)


@new_password.feature
def is_password_field(node):
    return node.attrs.get("type", "").lower() == "password"


@new_password.feature
def autocomplete_says_new_password(node):
    return node.attrs.get("autocomplete", "").lower() == "new-password"


@new_password.feature
def autocomplete_says_current_password(node):
    return node.attrs.get("autocomplete", "").lower() == "current-password"


@new_password.feature
def id_or_class_says_new(node):
    return contains_any(id_and_classes(node), ["new", "create", "register", "signup", "sign-up", "join"])


@new_password.feature
def id_or_class_says_confirm(node):
    return contains_any(id_and_classes(node), ["confirm", "repeat", "again", "verify", "retype", "2"])


@new_password.feature
def placeholder_says_new(node):
    return contains_any(node.attrs.get("placeholder"), ["new", "create", "choose", "confirm", "repeat"])


@new_password.feature
def form_says_login(node):
    form = form_of(node)
    text = "" if form is None else " ".join([id_and_classes(form), form.attrs.get("action", "")])
    return contains_any(text, ["login", "log-in", "signin", "sign-in", "session"])


@new_password.feature
def form_has_several_password_fields(node):
    form = form_of(node)
    if form is None:
        return False
    fields = form.element.xpath(".//input[translate(@type, 'PASWORD', 'pasword')='password']")
    return len(fields) >= 2


@new_password.feature
def ancestor_says_register(node):
    return any(contains_any(" ".join([a.id, *a.classes]), ["regist", "signup", "sign-up", "create"]) for a in node.ancestors)


# Rendered smells: reading node.box, node.visible or node.style renders the page.


@new_password.feature
def is_visible(node):
    return node.visible


@new_password.feature
def near_the_top(node):
    _, height = node.viewport
    return linear_scale(node.box.y, 2 * height, 0)


@new_password.feature
def is_wide(node):
    return linear_scale(node.box.width, 50, 300)


@new_password.feature
def has_border(node):
    return node.border_width > 0


# --- a second example type: the button that submits a sign-up form ---------------------
# Add `sign-up-button` to the rubric's types before labeling it.

sign_up_button = ruleset.trainee(
    "sign-up-button",
    dom="button, input[type=submit], input[type=button], a[role=button]",
)


def label_of(node):
    return node.text or node.attrs.get("value", "") or node.attrs.get("aria-label", "")


@sign_up_button.feature
def label_says_sign_up(node):
    return contains_any(label_of(node), ["sign up", "register", "create account", "join", "get started"])


@sign_up_button.feature
def label_says_log_in(node):
    return contains_any(label_of(node), ["log in", "login", "sign in"])


@sign_up_button.feature
def id_or_class_says_primary(node):
    return contains_any(id_and_classes(node), ["primary", "submit", "cta", "signup", "register"])


@sign_up_button.feature
def inside_a_form(node):
    return form_of(node) is not None


@sign_up_button.feature
def is_visible_button(node):
    return node.visible


@sign_up_button.feature
def big_font(node):
    return linear_scale(node.font_size, 10, 24)


@sign_up_button.feature
def bold(node):
    weight = node.style.get("font-weight", "400")
    return weight.isdigit() and int(weight) >= 600


@sign_up_button.feature
def colorful_background(node):
    r, g, b, alpha = node.background_color
    return alpha * (max(r, g, b) - min(r, g, b)) / 255


@sign_up_button.feature
def large_area(node):
    return sigmoid((node.box.area - 4000) / 2000)


# --- The trained weights ---------------------------------------------------------------
# `corpus ship --trainee TYPE` writes each feature's coefficient and the type's bias here
# after training (only these numbers change) with a comment naming the model file they came
# from, so the ruleset records which model goes with its rules, and `corpus status` and
# `corpus metrics` can tell when it is behind. Nothing reads these numbers: a Python ruleset
# only vectorizes pages for training; what runs in a product is the model file
# (models/TYPE.json) or a JavaScript ruleset. A feature added above needs its line here too,
# or `corpus ship` names it and writes nothing.
coefficients = {
    "new-password": [
        ("is_password_field", 0.0),
        ("autocomplete_says_new_password", 0.0),
        ("autocomplete_says_current_password", 0.0),
        ("id_or_class_says_new", 0.0),
        ("id_or_class_says_confirm", 0.0),
        ("placeholder_says_new", 0.0),
        ("form_says_login", 0.0),
        ("form_has_several_password_fields", 0.0),
        ("ancestor_says_register", 0.0),
        ("is_visible", 0.0),
        ("near_the_top", 0.0),
        ("is_wide", 0.0),
        ("has_border", 0.0),
    ],
    "sign-up-button": [
        ("label_says_sign_up", 0.0),
        ("label_says_log_in", 0.0),
        ("id_or_class_says_primary", 0.0),
        ("inside_a_form", 0.0),
        ("is_visible_button", 0.0),
        ("big_font", 0.0),
        ("bold", 0.0),
        ("colorful_background", 0.0),
        ("large_area", 0.0),
    ],
}
biases = {
    "new-password": 0.0,
    "sign-up-button": 0.0,
}
