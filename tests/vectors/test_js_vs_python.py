"""The same features written once in Python and once in JavaScript give the same
vectors; JavaScript rulesets are incremental, parallel, and run by the hook."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from corpus.vectors.vectorize import update_vectors
from corpus.vectors.workers import LocalRunner

PYTHON = '''
from corpus.ruleset import Ruleset
ruleset = Ruleset()
t = ruleset.trainee("new-password", dom="input")

@t.feature
def is_password(node):
    return node.attrs.get("type", "").lower() == "password"

@t.feature
def says_new(node):
    return "new" in (node.attrs.get("name", "") + node.id).lower()

@t.feature
def in_form(node):
    return any(a.tag == "form" for a in node.ancestors)
'''

JAVASCRIPT = '''
import {dom, out, rule, ruleset, score, type} from 'fathom-web';

const trainees = new Map();
trainees.set('new-password', {
    coeffs: new Map([['is_password', 1], ['says_new', 1], ['in_form', 1]]),
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('new-password')),
        rule(type('new-password'), score(f => f.element.getAttribute('type')?.toLowerCase() === 'password' ? 1 : 0), {name: 'is_password'}),
        rule(type('new-password'), score(f => ((f.element.getAttribute('name') || '') + f.element.id).toLowerCase().includes('new') ? 1 : 0), {name: 'says_new'}),
        rule(type('new-password'), score(f => f.element.parentElement.closest('form') ? 1 : 0), {name: 'in_form'}),
        rule(type('new-password'), out('new-password')),
    ]),
});
export default trainees;
'''

PAGES = {
    # Messy as saved pages are: upper-case tags and attributes, unclosed tags, entities.
    "1.html": """<!DOCTYPE html><HTML><head><meta charset="utf-8"></head><BODY>
<FORM action="/signup"><INPUT TYPE="Password" NAME="New_Pass" data-fathom="new-password">
<input type=password id=confirmNew data-fathom="new-password"><input name="e&amp;mail">
</FORM><input type="search" name="q"><p>caf\u00e9 &nbsp; <input id="x">""",
    "n2.html": """<html><body><form><input type="password" name="current"><input type=text name=user></form></body></html>""",
    "3.html": """<html><body><div><form><div><input type="password" name="newpw" data-fathom="new-password"></div></form></div></body></html>""",
}


def make(root: Path) -> Path:
    (root / "rulesets.py").write_text(PYTHON)
    (root / "rulesets.js").write_text(JAVASCRIPT)
    for name, text in PAGES.items():
        (root / "samples" / "training" / name).write_text(text)
    return root


def without_labels(markup: str) -> str:
    # The Python vectorizer strips labels before rules see the page; FathomFox does not.
    return re.sub(r' data-fathom="[^"]*"', "", markup)


def test_python_and_javascript_features_give_the_same_vectors(corpus_root: Path) -> None:
    root = make(corpus_root)
    py = update_vectors(root, "training", "new-password", root / "rulesets.py", root / "py.json")
    js = update_vectors(root, "training", "new-password", root / "rulesets.js", root / "js.json")
    assert py.failed == [] and js.failed == []
    py_data, js_data = json.loads(py.out.read_text()), json.loads(js.out.read_text())
    assert py_data["header"]["featureNames"] == js_data["header"]["featureNames"]
    assert py_data["header"]["pageHashes"] == js_data["header"]["pageHashes"]
    assert [p["filename"] for p in js_data["pages"]] == ["1.html", "3.html", "n2.html"]
    for py_page, js_page in zip(py_data["pages"], js_data["pages"]):
        assert [(n["isTarget"], n["features"]) for n in py_page["nodes"]] == [
            (n["isTarget"], n["features"]) for n in js_page["nodes"]]
        assert [n["markup"] for n in py_page["nodes"]] == [without_labels(n["markup"]) for n in js_page["nodes"]]
    # Worked out by hand for 1.html: the two password fields (in the form, one named
    # New_Pass, one with id confirmNew), e&mail in the form, q and x outside it.
    assert [(n["isTarget"], n["features"]) for n in js_data["pages"][0]["nodes"]] == [
        (True, [1, 1, 1]), (True, [1, 1, 1]), (False, [0, 0, 1]), (False, [0, 0, 0]), (False, [0, 0, 0])]


def test_javascript_vectors_are_incremental_and_parallel_runs_match(corpus_root: Path) -> None:
    root = make(corpus_root)
    (root / "rulesets.py").unlink()  # rulesets.js alone is the default ruleset
    first = update_vectors(root, "training", "new-password", runner=LocalRunner(2))
    assert first.vectorized == ["1.html", "3.html", "n2.html"] and first.rendered == 3
    full = first.out.read_bytes()
    assert json.loads(full)["header"]["featureNames"] == ["is_password", "says_new", "in_form"]

    again = update_vectors(root, "training", "new-password")
    assert (again.vectorized, again.rendered, again.changed) == ([], 0, False)

    (root / "samples" / "training" / "3.html").write_text(PAGES["3.html"].replace("newpw", "pw"))
    edited = update_vectors(root, "training", "new-password")
    assert (edited.vectorized, edited.rendered, sorted(edited.kept)) == (["3.html"], 1, ["1.html", "n2.html"])
    nodes = {p["filename"]: p["nodes"] for p in json.loads(edited.out.read_text())["pages"]}
    assert nodes["3.html"][0]["features"] == [1, 0, 1]

    # An edit to a file the ruleset imports changes what runs: every page is redone.
    uses_extra = JAVASCRIPT.replace("const trainees", "import {NEW} from './extra.js';\nconst trainees")
    (root / "rulesets.js").write_text(uses_extra.replace("includes('new') ? 1 : 0", "includes('new') ? NEW : 0"))
    (root / "extra.js").write_text("export const NEW = 1;\n")
    assert len(update_vectors(root, "training", "new-password").vectorized) == 3
    (root / "extra.js").write_text("export const NEW = 0.5;\n")
    redone = update_vectors(root, "training", "new-password")
    assert len(redone.vectorized) == 3
    nodes = {p["filename"]: p["nodes"] for p in json.loads(redone.out.read_text())["pages"]}
    assert nodes["1.html"][0]["features"] == [1, 0.5, 1]


def test_the_hook_revectorizes_with_rulesets_js(corpus_root: Path, git, corpus_cli) -> None:
    root = make(corpus_root)
    (root / "rulesets.py").unlink()
    assert corpus_cli("vectorize", "training", "-t", "new-password", cwd=root).returncode == 0
    git(root, "add", "-A")
    first = subprocess.run(["git", "commit", "-qm", "samples"], cwd=root, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    (root / "samples" / "training" / "n4.html").write_text("<html><body><input name=q></body></html>")
    git(root, "add", "samples")
    failed = subprocess.run(["git", "commit", "-qm", "a page"], cwd=root, capture_output=True, text=True)
    assert failed.returncode != 0
    assert "updated vectors/training_new-password.json (1 pages vectorized" in failed.stdout + failed.stderr
    data = json.loads((root / "vectors" / "training_new-password.json").read_text())
    assert [p["filename"] for p in data["pages"]] == ["1.html", "3.html", "n2.html", "n4.html"]
