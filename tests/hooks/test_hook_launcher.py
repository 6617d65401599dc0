"""Commits work wherever git does: with PATH=/usr/bin:/bin (no venv), from a
subdirectory, in a fresh clone after `corpus hooks install`; and when the tool is
really gone, the message names the command that repairs it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from corpus.samples.hookwiring import LAUNCHER_ENTRY, hooks_installed, launcher_path

PAGE = '<!doctype html>\n<HTML lang="en"><body><input type="password" data-fathom="{label}"></body></HTML>\n'
BARE_PATH = "/usr/bin:/bin"


def bare_env() -> dict[str, str]:
    """What an IDE or a GUI gives git: our isolation, and no venv anywhere on PATH."""
    keep = ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "PRE_COMMIT_HOME", "GIT_TERMINAL_PROMPT")
    return {**{k: os.environ[k] for k in keep}, "PATH": BARE_PATH}


def bare_commit(cwd: Path, message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-m", message], cwd=cwd, env=bare_env(), capture_output=True, text=True)


def test_without_the_venv_on_path_from_a_subdirectory_the_hooks_run(corpus_root: Path, git):
    assert subprocess.run(["sh", "-c", "command -v corpus"], env=bare_env()).returncode != 0
    (corpus_root / "notes").mkdir()
    (corpus_root / "samples/training/1.html").write_text(PAGE.format(label="new-pasword"))
    git(corpus_root, "add", "-A")
    blocked = bare_commit(corpus_root / "notes", "typo")
    assert blocked.returncode == 1
    assert "samples/training/1.html:2: label type `new-pasword` is not declared" in blocked.stdout + blocked.stderr

    (corpus_root / "samples/training/1.html").write_text(PAGE.format(label="new-password"))
    git(corpus_root, "add", "-A")
    done = bare_commit(corpus_root / "notes", "first sample")
    assert done.returncode == 0, done.stdout + done.stderr
    [check_line] = [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("corpus check")]
    assert check_line.endswith("Passed")


def test_a_fresh_clone_commits_without_path_after_hooks_install(tmp_path: Path, corpus_root: Path, git,
                                                                corpus_cli, commit):
    commit(corpus_root, "scaffold")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(corpus_root), str(clone))
    assert not launcher_path(clone).exists()  # nothing per clone travels with a clone
    installed = corpus_cli("hooks", "install", "--json", cwd=clone)
    assert installed.returncode == 0, installed.stderr
    assert hooks_installed(clone) == {"lfs": True, "pre-commit": True, "launcher": True}

    (clone / "samples/unused/2.html").write_text(PAGE.format(label="new-pasword"))
    git(clone, "add", "-A")
    blocked = subprocess.run(["git", "commit", "-m", "typo"], cwd=clone / "samples", env=bare_env(),
                             capture_output=True, text=True)
    assert blocked.returncode == 1 and "closest declared type: `new-password`" in blocked.stdout + blocked.stderr


def test_when_the_tool_is_gone_the_message_names_the_repair(corpus_root: Path, git, corpus_cli):
    launcher = launcher_path(corpus_root)
    recorded = launcher.read_text()
    (corpus_root / "samples/unused/3.html").write_text(PAGE.format(label="new-password"))
    git(corpus_root, "add", "-A")

    # The venv corpus was installed in is gone (moved, deleted, rebuilt elsewhere).
    launcher.write_text("\n".join(
        "python=/nonexistent/venv/bin/python" if line.startswith("python=") else line
        for line in recorded.splitlines()) + "\n")
    gone = bare_commit(corpus_root, "sample")
    assert gone.returncode == 1
    assert ("the corpus tool this clone was set up with (/nonexistent/venv/bin/python) is gone; "
            "reinstall corpus, then run `corpus hooks install` in this clone") in gone.stdout + gone.stderr
    assert hooks_installed(corpus_root)["launcher"] is False

    # A clone wired by plain `pre-commit install`, without corpus's launcher.
    launcher.unlink()
    missing = bare_commit(corpus_root, "sample")
    assert missing.returncode == 1
    assert "this clone has no hook launcher (.git/corpus/hook): run corpus hooks install in it" in missing.stdout + missing.stderr
    status = corpus_cli("hooks", "status", cwd=corpus_root)
    assert status.returncode == 1 and "launcher: NOT installed (run `corpus hooks install`)" in status.stdout

    assert corpus_cli("hooks", "install", cwd=corpus_root).returncode == 0
    assert bare_commit(corpus_root, "sample").returncode == 0


OLD_CONFIG = """\
# my corpus's hooks
repos:
  - repo: local
    hooks:
      - id: corpus-check
        name: corpus check
        entry: corpus hooks run check   # written by an older corpus init
        language: unsupported
        files: ^samples/
      - id: my-own
        name: untouched
        entry: "true"
        language: unsupported
"""


def test_hooks_install_moves_an_older_config_off_path(corpus_root: Path, git, corpus_cli, commit):

    (corpus_root / ".pre-commit-config.yaml").write_text(OLD_CONFIG)
    commit(corpus_root, "a corpus made before the launcher")
    (corpus_root / "samples/unused/4.html").write_text(PAGE.format(label="new-pasword"))
    git(corpus_root, "add", "-A")
    assert "Executable `corpus` not found" in commit_output(corpus_root)

    result = corpus_cli("hooks", "install", cwd=corpus_root)
    assert result.returncode == 0 and "updated .pre-commit-config.yaml" in result.stderr
    text = (corpus_root / ".pre-commit-config.yaml").read_text()
    assert text.startswith("# my corpus's hooks\n") and "entry: \"true\"\n" in text
    hooks = yaml.safe_load(text)["repos"][0]["hooks"]
    assert hooks[0]["entry"] == f"{LAUNCHER_ENTRY} hooks run check"
    git(corpus_root, "add", "-A")
    blocked = bare_commit(corpus_root, "typo")
    assert blocked.returncode == 1 and "closest declared type: `new-password`" in blocked.stdout + blocked.stderr
    assert corpus_cli("hooks", "install", cwd=corpus_root).stderr == ""  # nothing left to move


def commit_output(cwd: Path) -> str:
    result = bare_commit(cwd, "try")
    assert result.returncode != 0
    return result.stdout + result.stderr


def test_hooks_status_reports_an_unparsable_pre_commit_config(corpus_root: Path, corpus_cli):
    assert corpus_cli("hooks", "status", cwd=corpus_root).returncode == 0
    (corpus_root / ".pre-commit-config.yaml").write_text("repos: [ {\n")
    broken = corpus_cli("hooks", "status", cwd=corpus_root)
    assert broken.returncode == 1
    assert ".pre-commit-config.yaml: unreadable" in broken.stderr and broken.stderr.count("\n") == 1
