"""`corpus completion SHELL` prints a script the shell loads, and completion offers
set names, trainees, rule names and model files from the corpus around the cwd."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = str(Path(sys.executable).parent / "corpus")


def completions(cwd: Path, words: str) -> list[tuple[str, str]]:
    """What bash gets for the last word of `words`, as (type, value) pairs."""
    parts = words.split(" ")
    env = {**os.environ, "_CORPUS_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    out = subprocess.run([CORPUS], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout
    return [tuple(line.split(",", 1)) for line in out.splitlines() if line]


@pytest.fixture
def trained_corpus(corpus_root: Path) -> Path:
    (corpus_root / "vectors").mkdir()
    header = {"version": 2, "featureNames": ["hasPasswordInput", "formHasTwoPasswords"], "pageHashes": {},
              "rulesetHash": "0"}
    (corpus_root / "vectors/training_login.json").write_text(json.dumps({"header": header, "pages": []}))
    (corpus_root / "models").mkdir()
    (corpus_root / "models/login.json").write_text(json.dumps({"coeffs": [["buttonSaysLogIn", 1.5]], "bias": -1}))
    return corpus_root


def test_sets_trainees_rules_and_models_complete(trained_corpus: Path):
    assert ("plain", "training") in completions(trained_corpus, "corpus vectorize tr")
    assert completions(trained_corpus, "corpus add x --to v") == [("plain", "validation")]
    trainees = completions(trained_corpus, "corpus vectorize training --trainee ")
    assert {value for _, value in trainees} == {"login", "new-password"}  # vectors/models, the rubric
    rules = completions(trained_corpus, "corpus train training -x ")
    assert {value for _, value in rules} == {"hasPasswordInput", "formHasTwoPasswords", "buttonSaysLogIn"}
    assert completions(trained_corpus, "corpus histogram training --rule form") == [("plain", "formHasTwoPasswords")]
    models = completions(trained_corpus / "samples", "corpus test testing ")
    assert ("plain", "../models/login.json") in models and ("file", "") in models
    assert ("plain", "testing") in completions(trained_corpus, "corpus test te")


def test_outside_a_corpus_only_names_and_files_complete(tmp_path: Path):
    assert completions(tmp_path, "corpus vectorize training --trainee ") == []
    assert completions(tmp_path, "corpus pick un") == [("plain", "unused")]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_loads_in_its_shell(shell: str, tmp_path: Path):
    script = subprocess.run([CORPUS, "completion", shell], capture_output=True, text=True, check=True).stdout
    assert "_CORPUS_COMPLETE" in script
    if shell == "bash":
        assert shutil.which("bash"), "bash is missing (apt-get install bash)"
        loaded = subprocess.run(["bash", "-c", f'{script}\ncomplete -p corpus'], capture_output=True, text=True)
        assert loaded.returncode == 0 and "_corpus_completion" in loaded.stdout


def test_a_shell_that_click_cannot_complete_is_a_usage_error(tmp_path: Path):
    result = subprocess.run([CORPUS, "completion", "tcsh"], capture_output=True, text=True)
    assert result.returncode == 2 and "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr
