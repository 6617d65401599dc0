"""`corpus init --js` scaffolds a Fathom rulesets.js that vectorizes out of the box."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from corpus.vectors import jsruleset
from corpus.vectors.jsruleset import JS_DIR


def test_init_js_scaffolds_rulesets_js_and_vectorize_uses_it(tmp_path: Path, git, corpus_cli) -> None:
    root = tmp_path / "corpus"
    result = corpus_cli("init", "--js", str(root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (root / "rulesets.js").is_file() and not (root / "rulesets.py").exists()
    assert "rulesets.js" in git(root, "diff", "--cached", "--name-only").split()
    (root / "samples" / "training" / "1.html").write_text(
        '<html><body><form id="signup"><input type="password" id="new-pw" autocomplete="new-password" '
        'data-fathom="new-password"></form></body></html>')
    result = corpus_cli("vectorize", "training", cwd=root)  # the rubric's one type; rulesets.js by default
    assert result.returncode == 0, result.stderr
    data = json.loads((root / "vectors" / "training_new-password.json").read_text())
    names = data["header"]["featureNames"]
    (node,) = data["pages"][0]["nodes"]
    features = dict(zip(names, node["features"]))
    assert node["isTarget"] is True
    assert (features["isPasswordField"], features["autocompleteSaysNew"], features["idOrClassSaysNew"]) == (1, 1, 1)
    assert (features["formSaysLogin"], features["formHasSeveralPasswordFields"]) == (0, 0)

    # Training on a folder vectorizes it with the same rulesets.js (here: nothing changed).
    (root / "samples" / "training" / "n2.html").write_text('<html><body><input type="text" name="q"></body></html>')
    result = corpus_cli("train", "samples/training", "--trainee", "new-password", "--ruleset", "rulesets.js",
                        "-i", "5", "-q", cwd=root)
    assert result.returncode == 0, result.stderr
    model = json.loads((root / "models" / "new-password.json").read_text())
    assert [name for name, _ in model["coeffs"]] == names
    assert model["provenance"]["rulesetHash"] == hashlib.sha256((root / "rulesets.js").read_bytes()).hexdigest()


def test_a_missing_npm_install_is_one_line_saying_to_run_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "js"
    empty.mkdir()
    (tmp_path / "rulesets.js").write_text((JS_DIR.parent.parent / "templates" / "rulesets.js").read_text())
    monkeypatch.setattr(jsruleset, "JS_DIR", empty)
    with pytest.raises(CorpusError, match=r"^fathom-web is not installed for JavaScript rulesets: run \./setup\.sh"):
        jsruleset.load_js_ruleset(tmp_path / "rulesets.js")
