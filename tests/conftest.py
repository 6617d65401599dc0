"""Shared fixtures: every test runs with its own HOME, git config and pre-commit cache."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from corpus.init import init_corpus

REQUIRED_TOOLS = {
    "git": "apt-get install git",
    "git-lfs": "apt-get install git-lfs",
}


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = [f"{tool} ({hint})" for tool, hint in REQUIRED_TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.exit("missing real parts the tests drive: " + ", ".join(missing) + "; run ./setup.sh", returncode=3)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's git config, hooks cache or home."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Corpus Test\n\temail = test@corpus.invalid\n"
        "[init]\n\tdefaultBranch = main\n"
        "[protocol \"file\"]\n\tallow = always\n"
        # What `git lfs install` writes for a user, so clones check out real files.
        "[filter \"lfs\"]\n\tclean = git-lfs clean -- %f\n\tsmudge = git-lfs smudge -- %f\n"
        "\tprocess = git-lfs filter-process\n\trequired = true\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home / "pre-commit-cache"))
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    # Console scripts of this venv (corpus, pre-commit) must be found by hooks.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return home


@pytest.fixture
def corpus_root(tmp_path: Path) -> Path:
    """A fresh corpus made by `corpus init`."""
    root = tmp_path / "corpus"
    init_corpus(root)
    return root
