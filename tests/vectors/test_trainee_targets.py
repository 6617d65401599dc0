"""A Python trainee may count several label values as targets (Firefox's new-password
trainee counts "new" and "confirm"); pruned targets stay those of its own type, and
`corpus check` accepts a page labeled with those values as positive."""

from __future__ import annotations

from pathlib import Path

from corpus.check.check import check_paths
from corpus.vectors.vectorfile import load_vectors
from corpus.vectors.vectorize import update_vectors

RULESET = '''
from corpus.ruleset import Ruleset
ruleset = Ruleset()
t = ruleset.trainee("new-password", dom="input:not([type=hidden])", targets=["new-password", "confirm"])

@t.feature
def is_password(node):
    return node.attrs.get("type") == "password"
'''

PAGE = """<html><body>
<input type="password" id="a" data-fathom="new-password">
<input type="password" id="b" data-fathom="confirm">
<input type="text" id="c">
<input type="hidden" id="d" data-fathom="new-password">
<input type="hidden" id="e" data-fathom="confirm">
</body></html>"""


def test_declared_label_values_are_targets_and_only_the_own_type_is_pruned(corpus_root: Path) -> None:
    (corpus_root / "rulesets.py").write_text(RULESET)
    (corpus_root / "samples" / "training" / "1.html").write_text(PAGE)
    report = update_vectors(corpus_root, "training", "new-password")
    (page,) = load_vectors(report.out).pages
    assert [(n.is_target, n.pruned, n.features) for n in page.nodes] == [
        (True, False, [1.0]),  # a: its own type
        (True, False, [1.0]),  # b: "confirm" counts
        (False, False, [0.0]),  # c
        (True, True, []),  # d: a hidden "new-password"; e ("confirm") is not pruned
    ]
    assert page.nodes[3].markup == '<input type="hidden" id="d">'


def test_check_accepts_a_page_labeled_with_a_declared_target_value(corpus_root: Path) -> None:
    page = corpus_root / "samples" / "training" / "1.html"
    page.write_text('<html><body><input type="password" data-fathom="confirm"></body></html>')
    before = [f.message for f in check_paths(corpus_root, [page], storage=False)]
    assert any("label type `confirm` is not declared" in m for m in before)

    (corpus_root / "rulesets.py").write_text(RULESET)
    assert check_paths(corpus_root, [page], storage=False) == []
