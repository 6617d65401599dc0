"""The small Python rulesets many tests vectorize with, written once (no tests here)."""

from __future__ import annotations

# One feature: whether a candidate <input> is a password field.
PASSWORD = '''
from corpus.ruleset import Ruleset

ruleset = Ruleset()
pw = ruleset.trainee("new-password", dom="input")

@pw.feature
def is_password(node):
    return node.attrs.get("type") == "password"
'''

# Two: a password field, and one whose id says "new".
PASSWORD_AND_NEW = PASSWORD.replace("from corpus.ruleset import Ruleset\n",
                                    "from corpus.ruleset import Ruleset, contains_any\n") + '''
@pw.feature
def says_new(node):
    return contains_any(node.id, ["new"])
'''
