"""Shared fixtures: every test runs with its own HOME, git config and pre-commit cache,
and drives real git and the real `corpus` script through the fixtures below."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.samples.init import init_corpus

REQUIRED_TOOLS = {
    "git": "apt-get install git",
    "git-lfs": "apt-get install git-lfs",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--kill-trials", type=int, default=int(os.environ.get("CORPUS_KILL_TRIALS", "2")),
                     help="kill -9 trials per command in tests/samples/test_kill.py (default 2; "
                          "env CORPUS_KILL_TRIALS)")


@pytest.fixture
def kill_trials(request: pytest.FixtureRequest) -> int:
    """How many times each command is killed at a random moment (`--kill-trials N`)."""
    return request.config.getoption("--kill-trials")


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


def run_git(root: Path, *args: str) -> str:
    """Run git in `root` for a test; fail the test with git's stderr on error."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)} failed: {result.stderr}"
    return result.stdout


def run_corpus(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `corpus` console script as a user would."""
    exe = Path(sys.executable).parent / "corpus"
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, input=input)


@pytest.fixture
def git() -> Callable[..., str]:
    """`git(root, *args)`: real git; returns stdout, fails the test on a non-zero exit."""
    return run_git


@pytest.fixture
def corpus_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`corpus_cli(*args, cwd=root)`: the installed `corpus` script in a subprocess."""
    return run_corpus


@pytest.fixture
def commit() -> Callable[[Path, str], None]:
    """`commit(root, message)`: stage everything and commit, skipping the hooks
    (tests of other areas build history this way; the hooks have their own tests)."""

    def commit_all(root: Path, message: str) -> None:
        run_git(root, "add", "-A")
        run_git(root, "commit", "-qm", message, "--no-verify")

    return commit_all
