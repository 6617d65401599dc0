"""The ruleset API: loading, hashing, helpers, and what rules may and may not see."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from corpus.errors import BadInput, CorpusError
from corpus.ruleset import linear_scale, load_ruleset, ruleset_hash, sigmoid
from corpus.samples.init import template_text
from corpus.vectors.vectorfile import load_vectors
from corpus.vectors.vectorize import update_vectors, vectorize_set


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_load_gives_trainees_features_in_order_and_the_file_hash(tmp_path: Path) -> None:
    path = write(tmp_path / "rulesets.py", template_text("rulesets.py"))
    ruleset = load_ruleset(path)
    assert set(ruleset.trainees) == {"new-password", "sign-up-button"}
    names = ruleset.get("new-password").feature_names
    assert names[:2] == ["is_password_field", "autocomplete_says_new_password"]
    assert ruleset.hash == hashlib.sha256(path.read_bytes()).hexdigest() == ruleset_hash(path)
    with pytest.raises(BadInput, match="no trainee 'article'.*new-password, sign-up-button"):
        ruleset.get("article")


@pytest.mark.parametrize(
    "source, message",
    [
        ("x = (\n", r"rulesets.py:1: syntax error"),
        ("from corpus.ruleset import Ruleset\nr = Ruleset()\n1 / 0\n", r"rulesets.py:3: .*ZeroDivisionError"),
        ("x = 1\n", r"exactly one Ruleset\(\) \(found 0\)"),
        ("from corpus.ruleset import Ruleset\nr = Ruleset()\nr.trainee('a', dom='input[')\n", r"not valid CSS"),
    ],
)
def test_a_broken_ruleset_file_is_named_with_its_line(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        load_ruleset(write(tmp_path / "rulesets.py", source))


def test_helpers_scale_and_squash() -> None:
    assert linear_scale(5, 0, 10) == 0.5
    assert linear_scale(-3, 0, 10) == 0.0 and linear_scale(30, 0, 10) == 1.0
    assert linear_scale(2, 10, 0) == 0.8  # reversed: small numbers score high
    assert sigmoid(0) == 0.5 and 0 <= sigmoid(-1000) < sigmoid(-1) < sigmoid(1) < sigmoid(1000) <= 1


def test_rules_see_the_dom_but_not_the_labels(tmp_path: Path) -> None:
    write(tmp_path / "samples" / "training" / "1.html",
          '<html><body><form class="signup box"><div id=wrap>'
          '<input type=password id=pw class="a b" data-fathom="new-password" placeholder="New">'
          '</div></form></body></html>')
    write(tmp_path / "rulesets.py", '''
from corpus.ruleset import Ruleset
ruleset = Ruleset()
t = ruleset.trainee("new-password", dom="input")

@t.feature
def sees_label(node):
    return "data-fathom" in node.attrs or node.element.get("data-fathom") is not None

@t.feature
def dom_facts(node):
    return (node.tag == "input" and node.id == "pw" and node.classes == ["a", "b"]
            and [a.tag for a in node.ancestors] == ["div", "form", "body", "html"]
            and node.parent.id == "wrap" and node.attrs == {"type": "password", "id": "pw",
            "class": "a b", "placeholder": "New"} and node.viewport == (1366, 768))
''')
    report = update_vectors(tmp_path, "training", "new-password")
    node = json.loads(report.out.read_bytes())["pages"][0]["nodes"][0]
    assert node["isTarget"] is True
    assert node["features"] == [0.0, 1.0]
    assert report.rendered == 0  # no rule read rendered facts: no browser


@pytest.mark.parametrize(
    "body, shown",
    [
        ("raise KeyError('colour')", "raised KeyError: 'colour'"),
        ("return None", "returned None (NoneType), not a number"),
        ("return 1.5", "returned 1.5 (float), not a number in [0, 1]"),
        ("return float('nan')", "returned nan (float)"),
    ],
)
def test_a_bad_rule_names_rule_page_and_element_and_the_other_pages_are_written(tmp_path: Path, body: str, shown: str) -> None:
    write(tmp_path / "samples" / "training" / "1.html", "<html><body><input id=ok><p><input id=bad></p></body></html>")
    write(tmp_path / "samples" / "training" / "2.html", "<html><body><input id=ok></body></html>")
    write(tmp_path / "rulesets.py", f'''
from corpus.ruleset import Ruleset
ruleset = Ruleset()
t = ruleset.trainee("new-password", dom="input")

@t.feature
def fine(node):
    return 1

@t.feature
def picky(node):
    if node.id == "ok":
        return 0.5
    {body}
''')
    report = update_vectors(tmp_path, "training", "new-password")
    assert [f.filename for f in report.failed] == ["1.html"]
    message = report.failed[0].message
    assert message.startswith("samples/training/1.html: rule `picky` of trainee `new-password`")
    assert shown in message
    assert message.endswith('on <input id="bad"> (/html/body/p/input)')
    written = load_vectors(report.out)
    # The failed page is left out (so the next run tries it again); the other is there.
    assert [p.filename for p in written.pages] == ["2.html"]
    assert list(written.page_hashes) == ["2.html"]
    assert written.pages[0].nodes[0].features == [1.0, 0.5]
    with pytest.raises(CorpusError, match=r"1 page\(s\) of training could not be vectorized.*rule `picky`"):
        vectorize_set(tmp_path, "training", "new-password")
