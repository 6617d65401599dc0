"""Which ruleset the viewer runs: `--ruleset FILE`, else the one the trainee's model and
vectors were made with (the hash they record), beside a scaffolded rulesets.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

from corpus.tree.rubric import rubric_path
from corpus.vectors.ruleset import ruleset_hash
from corpus.vectors.vectorize import update_vectors
from tests.serve.support import SIGNUP, request, serving
from trainer.model import linear_network
from trainer.modelfile import ModelFile, save_model

# The team's own ruleset: its trainee is `new`, which the scaffolded rulesets.py lacks.
TEAM_RULESET = """
import {dom, out, rule, ruleset, score, type} from 'fathom-web';

const trainees = new Map();
trainees.set('new', {
    coeffs: new Map([['is_password', 4], ['says_new', 2]]),
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('new')),
        rule(type('new'), score(f => f.element.getAttribute('type') === 'password' ? 1 : 0), {name: 'is_password'}),
        rule(type('new'), score(f => f.element.id.includes('new') ? 1 : 0), {name: 'says_new'}),
        rule(type('new'), out('new')),
    ]),
});
export default trainees;
"""
SAMPLE = "api/sample/training/1.html?trainee=new"


def _team_corpus(root: Path, commit, provenance: bool) -> Path:
    """The scaffolded rulesets.py beside the team's ruleset (in a folder of its own),
    a type `new`, vectors made with the team's ruleset and a model of `new`."""
    rubric = rubric_path(root)
    rubric.write_text(rubric.read_text().replace("types:\n", "types:\n  new:\n    selector: input\n", 1))
    team = root / "fathom" / "rulesets.js"
    team.parent.mkdir()
    team.write_text(TEAM_RULESET)
    (root / "samples/training/1.html").write_bytes(SIGNUP.replace(b'"new-password"', b'"new"'))
    update_vectors(root, "training", "new", ruleset_path=team)
    recorded = {"rulesetHash": ruleset_hash(team)} if provenance else {}
    network = linear_network([("is_password", 4.0), ("says_new", 2.0)], -3.0)
    save_model(ModelFile(network, trainee="new", provenance=recorded), root / "models/new.json")
    commit(root, "the team's corpus")
    assert (root / "rulesets.py").is_file()  # the scaffold stays, with no trainee `new`
    return team


def _outcomes(url: str) -> list[str]:
    data = json.loads(request(url + SAMPLE)[1])
    assert data["nodesError"] is None, data["nodesError"]
    return [n["outcome"] for n in data["nodes"]]


def test_the_viewer_runs_the_ruleset_the_vectors_were_made_with(corpus_root: Path, commit):
    _team_corpus(corpus_root, commit, provenance=False)  # only the vector file's header records it
    with serving(corpus_root) as url:
        assert _outcomes(url) == ["TN", "TP", "FP"]


def test_the_model_names_the_ruleset_and_a_renamed_copy_is_found(corpus_root: Path, commit):
    team = _team_corpus(corpus_root, commit, provenance=True)
    (corpus_root / "vectors/training_new.json").unlink()
    team.rename(corpus_root / "team.js")  # same bytes, another name: the hash finds it
    with serving(corpus_root) as url:
        assert _outcomes(url) == ["TN", "TP", "FP"]


def test_ruleset_option_names_the_file(corpus_root: Path, commit):
    team = _team_corpus(corpus_root, commit, provenance=False)
    (corpus_root / "vectors/training_new.json").unlink()  # nothing recorded: the option decides
    (corpus_root / "models/new.json").unlink()
    with serving(corpus_root) as url:
        data = json.loads(request(url + SAMPLE)[1])
        # Without the option: the default rulesets.py, which has no trainee `new`.
        assert "no trainee 'new'" in data["nodesError"] and data["nodes"] == []
    with serving(corpus_root, "--ruleset", str(team)) as url:
        data = json.loads(request(url + SAMPLE)[1])  # no model: the team's rules, without scores
        assert data["nodesError"] is None
        assert [(n["outcome"], n["score"]) for n in data["nodes"]] == [("TN", None), ("TP", None), ("TN", None)]
    with serving(corpus_root, "--ruleset", str(team.relative_to(corpus_root))) as url:
        assert [n["outcome"] for n in json.loads(request(url + SAMPLE)[1])["nodes"]] == ["TN", "TP", "TN"]


def test_a_candidate_is_hashed_again_only_when_its_file_changes(corpus_root: Path, commit):
    team = _team_corpus(corpus_root, commit, provenance=True)
    with serving(corpus_root) as url:
        assert _outcomes(url) == ["TN", "TP", "FP"]
        # Other bytes, same size and mtime: the hash kept for (path, mtime, size) still matches.
        before = team.stat()
        team.write_text(TEAM_RULESET.replace("['is_password', 4]", "['is_password', 5]"))
        os.utime(team, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert _outcomes(url) == ["TN", "TP", "FP"]
        team.write_text(TEAM_RULESET + "\n")  # changed: hashed again, it matches nothing recorded
        data = json.loads(request(url + SAMPLE)[1])
        assert "no trainee 'new'" in data["nodesError"]
