"""`corpus metrics` reads what each revision's ruleset ships: whether it holds that revision's
model, and the numbers of the model it holds, on a real git history."""

from __future__ import annotations

import json
from pathlib import Path

from trainer.retrain import retrain

# A Python ruleset with the module-level weights `corpus ship` writes (read by nothing else).
RULESET = """
from corpus.ruleset import Ruleset, contains_any

coefficients = {
    "new-password": [("is_password", 0.0), ("says_new", 0.0)],
}
biases = {
    "new-password": 0.0,
}

ruleset = Ruleset()
pw = ruleset.trainee("new-password", dom="input")

@pw.feature
def is_password(node):
    return node.attrs.get("type") == "password"

@pw.feature
def says_new(node):
    return contains_any(node.id, ["new"])
"""
TARGET = '<input type=password id=new{n} data-fathom="new-password">'
OTHERS = "<input type=text id=user{n}><input type=password id=current{n}><input type=text id=mail{n}>"


def page(inputs: str) -> str:
    return f"<!doctype html><html><head><title>t</title></head><body><form>{inputs}</form></body></html>"


def metrics(corpus_cli, root: Path, *args: str):
    result = corpus_cli("metrics", *args, cwd=root)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def test_metrics_show_the_shipped_models_numbers(corpus_root: Path, git, corpus_cli, commit) -> None:
    root = corpus_root
    (root / "rulesets.py").write_text(RULESET)
    (root / "training.yaml").write_text("trainees:\n  new-password:\n    iterations: 200\n")
    for n in range(1, 5):
        (root / "samples" / "training" / f"{n}.html").write_text(page(TARGET.format(n=n) + OTHERS.format(n=n)))
    (root / "samples" / "validation" / "6.html").write_text(page(TARGET.format(n=6) + OTHERS.format(n=6)))
    assert retrain(root)[0].retrained
    commit(root, "first model")
    first_model = git(root, "rev-parse", "HEAD").strip()
    unshipped = metrics(corpus_cli, root, "HEAD", "--json")["new-password"]["ruleset"]
    assert unshipped["path"] == "rulesets.py" and unshipped["holds"] == "no model"
    assert corpus_cli("ship", "--trainee", "new-password", cwd=root).returncode == 0
    commit(root, "shipped")

    shipped = metrics(corpus_cli, root, "HEAD", "--json")["new-password"]
    assert shipped["ruleset"]["holds"] == "this model" and shipped["ruleset"]["metrics"] == shipped["metrics"]
    assert "shipped: rulesets.py holds this model (models/new-password.json): these are the numbers it ships" \
        in metrics(corpus_cli, root, "HEAD")

    # A new model, committed without shipping: the ruleset still holds the first.
    (root / "samples" / "training" / "2.html").write_text(
        page(TARGET.format(n=2) + OTHERS.format(n=2) + '<input type=text id=alias2 data-fathom="new-password">'))
    assert retrain(root)[0].retrained
    commit(root, "second model")
    behind = metrics(corpus_cli, root, "HEAD", "--json")["new-password"]
    assert behind["ruleset"]["holds"] == "an older model" and behind["ruleset"]["commit"] == first_model
    assert behind["ruleset"]["metrics"] == shipped["metrics"] != behind["metrics"]
    text = metrics(corpus_cli, root, "HEAD")
    assert f"holds an older model than models/new-password.json (the one committed in {first_model[:10]})" in text

    rows = metrics(corpus_cli, root, "HEAD", "--diff", "HEAD~1", "--json")
    accuracy = next(r for r in rows if r["set_name"] == "training" and r["key"] == "accuracy")
    assert accuracy["delta"] < 0 and accuracy["shipped_delta"] == 0  # the model changed, what ships did not
    assert (accuracy["holds_old"], accuracy["holds_new"]) == ("this model", "an older model")
    text = metrics(corpus_cli, root, "HEAD", "--diff", "HEAD~1")
    assert "shipped: the numbers of the model each revision's ruleset holds" in text
    assert "new-password at HEAD~1: rulesets.py holds this model" in text
    assert "new-password at HEAD: rulesets.py holds an older model than models/new-password.json" in text

    # Shipped and committed: the shipped numbers change as the model's did.
    assert corpus_cli("ship", "--trainee", "new-password", cwd=root).returncode == 0
    commit(root, "shipped the second")
    rows = metrics(corpus_cli, root, "HEAD", "--diff", "HEAD~2", "--json")
    accuracy = next(r for r in rows if r["set_name"] == "training" and r["key"] == "accuracy")
    assert accuracy["shipped_delta"] == accuracy["delta"] < 0
    assert (accuracy["holds_old"], accuracy["holds_new"]) == ("this model", "this model")
    assert metrics(corpus_cli, root, "--json")["new-password"]["ruleset"]["holds"] == "this model"  # worktree
