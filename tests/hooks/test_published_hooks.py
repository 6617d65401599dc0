"""Another repository pins our published hooks at a `rev`, and real pre-commit installs
and runs exactly that version (`language: python`), offline, whatever is on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.hooks.wheelhouse import build_wheelhouse

REPO = Path(__file__).resolve().parents[2]
BAD_LABEL = '<!doctype html><html><body><input type="password" data-fathom="new-pasword"></body></html>\n'
GOOD_LABEL = BAD_LABEL.replace("new-pasword", "new-password")


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"), REPO / "pyproject.toml")


def snapshot_of_this_repo(destination: Path, git) -> str:
    """This working tree (tracked and new files, not ignored ones) as a repo; its commit."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode()
    for relpath in filter(None, listed.split("\0")):
        source = REPO / relpath
        if source.is_file():
            (destination / relpath).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / relpath)
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-qm", "corpus at some version", "--no-verify")
    return git(destination, "rev-parse", "HEAD").strip()


def offline_env(wheelhouse: Path, fake_bin: Path) -> dict[str, str]:
    """No venv on PATH (a fake `corpus` first instead), and pip reaching only the wheelhouse."""
    env = dict(os.environ)
    env.update(
        PATH=f"{fake_bin}{os.pathsep}/usr/bin{os.pathsep}/bin",
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_CONFIG_FILE=os.devnull,  # no machine-wide index or find-links
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
    )
    env.pop("VIRTUAL_ENV", None)
    return env


def test_a_pinned_rev_runs_its_own_hooks_offline_without_the_venv_on_path(
        tmp_path: Path, git, corpus_root: Path, wheelhouse: Path):
    tool = tmp_path / "corpus-tool"
    tool.mkdir()
    rev = snapshot_of_this_repo(tool, git)

    (corpus_root / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": str(tool), "rev": rev,
        "hooks": [{"id": "corpus-extract"}, {"id": "corpus-check"}, {"id": "corpus-lfs"}],
    }]}))
    # A `corpus` on PATH that passes everything: the pinned rev must run instead.
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "corpus").write_text("#!/bin/sh\nexit 0\n")
    (fake_bin / "corpus").chmod(0o755)
    env = offline_env(wheelhouse, fake_bin)

    page = corpus_root / "samples/training/1.html"
    page.write_text(BAD_LABEL)
    git(corpus_root, "add", "-A")
    blocked = subprocess.run(["git", "commit", "-m", "a typo"], cwd=corpus_root, env=env,
                             capture_output=True, text=True)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert "label type `new-pasword` is not declared in the rubric" in output
    assert git(corpus_root, "rev-list", "--all").strip() == ""

    page.write_text(GOOD_LABEL)
    git(corpus_root, "add", "-A")
    done = subprocess.run(["git", "commit", "-m", "fixed"], cwd=corpus_root, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "corpus check (labels against the rubric)" in done.stdout + done.stderr

    # The hooks' environment holds the package without the train extra: no torch,
    # and a command that trains says how to get it.
    [hook_python] = Path(os.environ["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/python")
    no_torch = subprocess.run([str(hook_python), "-c", "import torch"], capture_output=True, text=True)
    assert no_torch.returncode == 1 and "No module named 'torch'" in no_torch.stderr
    vectors = tmp_path / "vectors.json"
    vectors.write_text('{"header": {"version": 2, "featureNames": []}, "pages": []}')
    train = subprocess.run([str(hook_python.parent / "corpus"), "train", str(vectors)], env=env,
                           capture_output=True, text=True)
    assert train.returncode == 2, train.stdout + train.stderr
    assert train.stderr.strip().splitlines() == [
        "corpus: error: corpus train needs the training extra (not installed: torch, numpy, orjson, threadpoolctl): "
        "pip install 'corpus[train]' (./setup.sh installs it, with torch's CPU build)"
    ]
