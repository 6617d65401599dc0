"""`corpus ship`: a model's weights written into real-shaped rulesets in place, and checked
in Chromium with fathom-web's own scoring; vectors stay fresh after a ship or a rename."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.errors import BadInput, CorpusError
from corpus.samples.init import init_corpus
from corpus.vectors.jsruleset import load_js_ruleset
from corpus.vectors.ruleset import load_ruleset
from corpus.vectors.ship import Weights, ship, shipped_model
from corpus.vectors.vectorize import update_vectors
from corpus.vectors.weights import rules_hash
from trainer.staleness import corpus_staleness

SHIPPED = Path(__file__).parent.parent / "vectors" / "js" / "ship"
SHA = "ab" * 32
WEIGHTS = Weights("new", [("isPassword", 3.5), ("namedNew", -1.5e-09), ("tiny", 2.0)], -0.75, SHA, 0.5)
MARKER = f"corpus ship: trainee=new model=sha256:{SHA} cutoff=0.5"


def shipped_copy(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "rulesets.js"
    shutil.copy(SHIPPED / name, path)
    return path


def test_firefox_layout_only_the_numbers_change(tmp_path: Path) -> None:
    path = shipped_copy(tmp_path, "firefox.js")
    before = path.read_text()
    ship(path, WEIGHTS)
    expected = (before.replace("2.4876835346221924", "3.5").replace("-0.5231", "-1.5e-09")
                .replace('["tiny", 1e-7]', '["tiny", 2.0]').replace('["new", 0.1826]', '["new", -0.75]')
                .replace("const coefficients", f"// {MARKER}\nconst coefficients"))
    assert path.read_text() == expected
    ship(path, Weights("new", WEIGHTS.coeffs, -0.75, "cd" * 32, 0.75))  # the marker is updated, not added
    assert path.read_text() == expected.replace(MARKER, MARKER.replace(SHA, "cd" * 32).replace("0.5", "0.75"))
    assert set(load_js_ruleset(path).trainees) == {"new"}  # still bundles


def test_map_layout_with_comments_exponents_and_unicode(tmp_path: Path) -> None:
    path = shipped_copy(tmp_path, "map.js")
    before = path.read_text()
    ship(path, WEIGHTS)
    expected = (before.replace("['isPassword', 1]", "['isPassword', 3.5]").replace("-1E+2", "-1.5e-09")
                .replace("0.5e-3", "2.0").replace("[['new', -3]]", "[['new', -0.75]]")
                .replace("trainees.set(", f"// {MARKER}\ntrainees.set("))
    assert path.read_text() == expected
    assert load_js_ruleset(path).trainees["new"].feature_names == ["isPassword", "namedNew", "tiny"]


def test_python_layout_through_ast(tmp_path: Path) -> None:
    path = tmp_path / "rulesets.py"
    source = ('coefficients = {\n    "new": [("isPassword", 1),  # a comment\n            ("namedNew", -2e3),'
              ' ("tiny", .5)],\n}\nbiases = {"new": 0}\n')
    path.write_text(source)
    ship(path, WEIGHTS)
    assert path.read_text() == (f"# {MARKER}\n" + source.replace('("isPassword", 1)', '("isPassword", 3.5)')
                                .replace("-2e3", "-1.5e-09").replace(".5)]", "2.0)]").replace(": 0}", ": -0.75}"))


@pytest.mark.parametrize("types", [(), ("login", "sign-up")])
def test_the_python_scaffolds_take_a_ship(tmp_path: Path, types: tuple[str, ...]) -> None:
    root = tmp_path / "corpus"
    init_corpus(root, types=types)
    path = root / "rulesets.py"
    rules, before = load_ruleset(path), rules_hash(path)
    for trainee in rules.trainees.values():
        coeffs = [(name, i + 0.25) for i, name in enumerate(trainee.feature_names)]
        assert ship(path, Weights(trainee.name, coeffs, -1.5, SHA, 0.5)).changed
        assert f"# corpus ship: trainee={trainee.name} model=sha256:{SHA}" in path.read_text()
    assert set(load_ruleset(path).trainees) == set(rules.trainees) == set(types or ("new-password", "sign-up-button"))
    assert before is not None and rules_hash(path) == before


def test_a_python_ruleset_without_weights_says_where_they_go(tmp_path: Path) -> None:
    path = tmp_path / "rulesets.py"
    path.write_text("from corpus.ruleset import Ruleset\nruleset = Ruleset()\n")
    with pytest.raises(BadInput, match="a Python ruleset keeps them, read by nothing, in a module-level"):
        ship(path, WEIGHTS)
    path.write_text('coefficients = {"new": [("isPassword", 1), ("namedNew", 1), ("tiny", 1)]}\n')
    with pytest.raises(BadInput, match=r'add `biases = \{"new": 0.0\}` at module level'):
        ship(path, WEIGHTS)


@pytest.mark.parametrize("coeffs, message", [
    ([("isPassword", 1.0), ("namedNew", 1.0)], "in the file, not the model: tiny"),
    ([("isPassword", 1.0), ("namedNew", 1.0), ("tiny", 1.0), ("extra", 1.0)], "in the model, not the file: extra"),
])
def test_a_mismatch_of_rules_is_refused_and_nothing_written(tmp_path: Path, coeffs, message) -> None:
    path = shipped_copy(tmp_path, "firefox.js")
    before = path.read_bytes()
    with pytest.raises(BadInput, match=message):
        ship(path, Weights("new", coeffs, 0.0, SHA, 0.5))
    assert path.read_bytes() == before


LATIN1_PY = (b'# -*- coding: latin-1 -*-\ncoefficients = {"caf\xe9": [("x", 1)], '
             b'"new": [("isPassword", 1), ("namedNew", 2), ("tiny", 3)]}\nbiases = {"new": 0}\n')


@pytest.mark.parametrize("name", ["firefox.js", "rulesets.py"])
def test_a_ruleset_that_is_not_utf8_is_refused_and_not_masked_at_wrong_offsets(tmp_path: Path, name: str) -> None:
    """A Latin-1 é before the weights: offsets counted in UTF-8 would land one byte off."""
    if name.endswith(".js"):
        path = shipped_copy(tmp_path, name)
        path.write_bytes(b"// caf\xe9, in Latin-1\n" + path.read_bytes())
    else:
        path = tmp_path / name
        path.write_bytes(LATIN1_PY)
    before = path.read_bytes()
    with pytest.raises(CorpusError, match="not UTF-8"):
        ship(path, WEIGHTS)
    assert path.read_bytes() == before
    assert rules_hash(path) is None  # the file's own sha256 serves: nothing masked at wrong offsets


def test_a_failed_reading_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Node the rules hash cannot be read; once Node is there, it is, despite the cache."""
    path = shipped_copy(tmp_path, "firefox.js")
    with monkeypatch.context() as without_node:
        without_node.setenv("PATH", str(tmp_path / "nothing"))
        assert rules_hash(path, cache_root=tmp_path) is None
    assert rules_hash(path, cache_root=tmp_path) == rules_hash(path) is not None


def test_one_cached_reading_answers_the_rules_hash_and_the_shipped_model(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`corpus status` and `metrics` ask every run: Node reads each ruleset content once."""
    path = shipped_copy(tmp_path, "firefox.js")
    ship(path, WEIGHTS)
    expected = (shipped_model(path, "new", cache_root=tmp_path), rules_hash(path, cache_root=tmp_path))
    assert expected[0] == SHA and expected[1] is not None
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # no Node now: the cache answers
    assert (shipped_model(path, "new", cache_root=tmp_path), rules_hash(path, cache_root=tmp_path)) == expected


def test_a_constant_named_like_a_weight_is_part_of_the_rules(tmp_path: Path) -> None:
    """Only `coefficients` and `biases` are weights: editing BIAS_THRESHOLDS makes vectors stale."""
    path = tmp_path / "rulesets.py"
    path.write_text('coefficients = {"new": [("isPassword", 1)]}\nbiases = {"new": 0}\nBIAS_THRESHOLDS = {"new": 0.5}\n')
    before = rules_hash(path)
    path.write_text(path.read_text().replace("0.5", "0.9"))
    after = rules_hash(path)
    assert after != before
    path.write_text(path.read_text().replace('"new": 0}', '"new": 3}'))  # a bias is a weight
    assert rules_hash(path) == after


# --- in a corpus, with Chromium ------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><body><form>
<input id="a" name="new-pw" type="password" data-fathom="new"><input name="user">
<input name="newish" type="password"><input id="b" name="x" type="password" data-fathom="new">
</form></body></html>"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ship") / "corpus"
    init_corpus(root)
    for set_name in ("training", "validation"):
        for i in range(3):
            (root / "samples" / set_name / f"{set_name[0]}{i}.html").write_text(PAGE.replace("x", f"x{i}"))
    shutil.copy(SHIPPED / "firefox.js", root / "rulesets.js")
    (root / "training.yaml").write_text("trainees:\n  new:\n    iterations: 30\n    ruleset: rulesets.js\n")
    return root


def test_ship_verifies_in_the_browser_and_vectors_stay_fresh(corpus: Path, corpus_cli) -> None:
    assert corpus_cli("retrain", "--json", cwd=corpus).returncode == 0
    vectors = corpus / "vectors" / "training_new.json"
    before = vectors.read_bytes()
    result = corpus_cli("ship", "--json", cwd=corpus)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["verifiedOn"] == "validation" and answer["candidates"] == 12
    assert answer["max_score_difference"] < 1e-4
    assert "corpus ship: trainee=new" in (corpus / "rulesets.js").read_text()
    assert not [s.to_json() for s in corpus_staleness(corpus) if s.stale]
    report = update_vectors(corpus, "training", "new", corpus / "rulesets.js")
    assert report.vectorized == [] and vectors.read_bytes() == before
    retrained = json.loads(corpus_cli("retrain", "--json", cwd=corpus).stdout)
    assert retrained[0]["retrained"] is False


def test_status_says_the_ruleset_is_behind_a_new_model(corpus: Path, corpus_cli) -> None:
    assert corpus_cli("retrain", "--force", cwd=corpus).returncode == 0
    model = corpus / "models" / "new.json"
    model.write_text(model.read_text().replace('"cutoff": ', '"cutoff": 0.25, "x": ', 1))
    status = corpus_cli("status", cwd=corpus).stdout
    assert "rulesets.js: stale: holds the weights of another model than models/new.json" in status


def test_renaming_the_ruleset_redoes_nothing(corpus: Path) -> None:
    (corpus / "rulesets.js").rename(corpus / "team.js")
    (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 30\n    ruleset: team.js\n")
    try:
        assert not [s.to_json() for s in corpus_staleness(corpus) if s.stale and s.kind != "ruleset"]
        report = update_vectors(corpus, "training", "new", corpus / "team.js")
        assert report.vectorized == [] and not report.changed
    finally:
        (corpus / "team.js").rename(corpus / "rulesets.js")
        (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 30\n    ruleset: rulesets.js\n")


def test_a_mismatch_from_the_command_line_is_one_line_and_exit_2(corpus: Path, corpus_cli, tmp_path: Path) -> None:
    model = json.loads((corpus / "models" / "new.json").read_text())
    model["coeffs"] = model["coeffs"][:2]
    (tmp_path / "m.json").write_text(json.dumps(model))
    before = (corpus / "rulesets.js").read_bytes()
    result = corpus_cli("ship", "--model", str(tmp_path / "m.json"), cwd=corpus)
    assert result.returncode == 2 and "in the file, not the model: tiny" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (corpus / "rulesets.js").read_bytes() == before


def test_retrain_ships_when_training_yaml_says_so(corpus: Path, corpus_cli) -> None:
    (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 31\n    ruleset: rulesets.js\n"
                                          "    ship: true\n")
    try:
        result = corpus_cli("retrain", "--json", cwd=corpus)
        assert result.returncode == 0, result.stderr
        shipped = json.loads(result.stdout)[0]["shipped"]  # checked in the browser, as corpus ship checks
        assert shipped["verifiedOn"] == "validation" and shipped["max_score_difference"] < 1e-4
        from corpus.store.digest import sha256_file
        from corpus.vectors.ship import shipped_model

        assert shipped_model(corpus / "rulesets.js", "new") == sha256_file(corpus / "models" / "new.json")
        assert not [s.to_json() for s in corpus_staleness(corpus) if s.stale]
    finally:
        (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 30\n    ruleset: rulesets.js\n")


# A ruleset that scores with other numbers than the ones shipped into it: twice each coefficient.
DOUBLED = 'rulesetMaker: () => makeRuleset([...coefficients["new"]].map(([n, w]) => [n, 2 * w]), biases),'


def doubled_ruleset(corpus: Path) -> Path:
    path = corpus / "doubled.js"
    text = (SHIPPED / "firefox.js").read_text()
    original = 'rulesetMaker: () => makeRuleset([...coefficients["new"]], biases),'
    assert original in text
    path.write_text(text.replace(original, DOUBLED))
    return path


def test_a_score_mismatch_exits_1(corpus: Path, corpus_cli) -> None:
    if not (corpus / "models" / "new.json").is_file():
        assert corpus_cli("retrain", cwd=corpus).returncode == 0
    path = doubled_ruleset(corpus)
    result = corpus_cli("ship", "--json", "doubled.js", cwd=corpus)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["max_score_difference"] > 1e-4
    text = corpus_cli("ship", "doubled.js", cwd=corpus)
    assert text.returncode == 1 and "largest score difference" in text.stdout and "(allowed 0.0001)" in text.stdout
    assert "corpus ship: trainee=new" in path.read_text()  # written, then found wrong


def test_retrain_checks_what_it_ships_unless_told_not_to(corpus: Path, corpus_cli) -> None:
    doubled_ruleset(corpus)
    settings = "trainees:\n  new:\n    iterations: 30\n    ruleset: doubled.js\n    ship: true\n"
    try:
        (corpus / "training.yaml").write_text(settings)
        failed = corpus_cli("retrain", "--force", cwd=corpus)
        assert failed.returncode == 1
        assert "corpus: error: new: the shipped doubled.js scores differently from the model in the browser on " \
            "validation (12 candidates): largest score difference" in failed.stderr
        (corpus / "training.yaml").write_text(settings + "    ship_verify: false\n")
        unchecked = corpus_cli("retrain", "--force", "--json", cwd=corpus)
        assert unchecked.returncode == 0, unchecked.stderr
        assert json.loads(unchecked.stdout)[0]["shipped"]["max_score_difference"] is None
    finally:
        (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 30\n    ruleset: rulesets.js\n")


def test_retrain_ships_a_model_trained_without_a_rule_as_zero_for_it(corpus: Path, corpus_cli) -> None:
    """`exclude:` leaves a rule out on purpose: it ships as 0.0, and the browser agrees."""
    (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 32\n    ruleset: rulesets.js\n"
                                          "    exclude: [tiny]\n    ship: true\n")
    try:
        result = corpus_cli("retrain", "--json", cwd=corpus)
        assert result.returncode == 0, result.stderr
        shipped = json.loads(result.stdout)[0]["shipped"]
        assert shipped["error"] is None and shipped["max_score_difference"] < 1e-4
        assert '["tiny", 0.0]' in (corpus / "rulesets.js").read_text()
    finally:
        (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 30\n    ruleset: rulesets.js\n")


def test_a_failed_ship_in_retrain_is_named_and_exits_1_with_the_model_kept(corpus: Path, corpus_cli) -> None:
    text = (SHIPPED / "firefox.js").read_text()
    (corpus / "nobias.js").write_text(text.replace('const biases = [\n  ["new", 0.1826],\n];', "const biases = [];"))
    (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 33\n    ruleset: nobias.js\n"
                                          "    ship: true\n")
    try:
        result = corpus_cli("retrain", cwd=corpus)
        assert result.returncode == 1
        assert "corpus: error: new: not shipped into nobias.js: " in result.stderr
        assert "no bias for type 'new'" in result.stderr
        assert "models/new.json: retrained" in result.stdout  # the model is kept all the same
    finally:
        (corpus / "training.yaml").write_text("trainees:\n  new:\n    iterations: 30\n    ruleset: rulesets.js\n")
        (corpus / "nobias.js").unlink()


def test_the_browser_check_skips_a_page_the_ruleset_fails_on_and_says_so(corpus: Path, corpus_cli) -> None:
    if not (corpus / "models" / "new.json").is_file():
        assert corpus_cli("retrain", cwd=corpus).returncode == 0
    text = (SHIPPED / "firefox.js").read_text()
    original = "score(fnode => fnode.element.type === 'password' ? 1 : 0)"
    assert original in text
    (corpus / "boomy.js").write_text(text.replace(original, "score(fnode => { if (fnode.element.id === 'boom') "
                                                            "throw new Error('boom'); return fnode.element.type "
                                                            "=== 'password' ? 1 : 0; })"))
    testing = corpus / "samples" / "testing"
    (testing / "a.html").write_text(PAGE)
    (testing / "b.html").write_text("<html><body><input id=boom></body></html>")
    try:
        result = corpus_cli("ship", "--json", "--verify", "testing", "boomy.js", cwd=corpus)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert (answer["pages_checked"], answer["pages_skipped"]) == (1, 1)
        assert answer["max_score_difference"] < 1e-4
        text = corpus_cli("ship", "--verify", "testing", "boomy.js", cwd=corpus).stdout
        assert "; 1 page(s) checked, 1 skipped (first: samples/testing/b.html: rule `isPassword`" in text
    finally:
        for path in (testing / "a.html", testing / "b.html", corpus / "boomy.js"):
            path.unlink()
