"""The hooks `corpus init` wires, exercised through real `git commit`, pre-commit and git-lfs."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import yaml

from corpus.samples.hookwiring import hooks_dir, hooks_installed, launcher_path

REPO = Path(__file__).resolve().parents[2]
LABELED = '<form>\n<input type="password" data-fathom="new-password">\n</form>'
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/eL9GtQAAAABJRU5ErkJggg=="
)


def write_page(root: Path, relpath: str, body: str) -> Path:
    path = root / "samples" / relpath
    path.write_text(f"<!doctype html>\n<html><head><title>t</title></head>\n<body>\n{body}\n</body></html>\n")
    return path


def write_resource(root: Path, relpath: str, data: bytes) -> Path:
    path = root / "samples" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def commit_with_hooks(root: Path, message: str) -> subprocess.CompletedProcess[str]:
    """`git commit` with the installed hooks, as a user runs it."""
    return subprocess.run(["git", "commit", "-m", message], cwd=root, capture_output=True, text=True)


def head_exists(root: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True).returncode == 0


def test_typo_label_blocks_the_commit_and_the_fix_commits(corpus_root: Path, git):
    write_page(corpus_root, "training/1.html", '<form>\n<input type="password" data-fathom="new-pasword">\n</form>')
    git(corpus_root, "add", "-A")
    blocked = commit_with_hooks(corpus_root, "first sample")
    assert blocked.returncode != 0
    assert ("samples/training/1.html:5: label type `new-pasword` is not declared in the rubric; "
            "closest declared type: `new-password`") in blocked.stderr
    assert not head_exists(corpus_root)

    write_page(corpus_root, "training/1.html", LABELED)
    git(corpus_root, "add", "-A")
    done = commit_with_hooks(corpus_root, "first sample")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "samples/training/1.html" in git(corpus_root, "ls-tree", "-r", "--name-only", "HEAD")


def test_unextracted_page_is_extracted_by_the_hook(corpus_root: Path, git):
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    page = write_page(corpus_root, "training/1.html", f'{LABELED}\n<img src="{data_url}">')
    git(corpus_root, "add", "-A")
    fixed = commit_with_hooks(corpus_root, "inline page")
    assert fixed.returncode != 0
    assert "samples/training/1.html" in fixed.stderr and not head_exists(corpus_root)
    assert b"data:image/png" not in page.read_bytes()
    extracted = [p for p in (corpus_root / "samples/training/resources/1").rglob("*") if p.read_bytes() == PNG]
    assert len(extracted) == 1 and f"resources/1/{extracted[0].name}".encode() in page.read_bytes()

    git(corpus_root, "add", "-A")
    done = commit_with_hooks(corpus_root, "extracted page")
    assert done.returncode == 0, done.stdout + done.stderr
    stored = git(corpus_root, "show", f"HEAD:{extracted[0].relative_to(corpus_root).as_posix()}")
    assert stored.startswith("version https://git-lfs.github.com/spec/v1")


def test_resource_staged_without_the_lfs_filter_is_blocked(corpus_root: Path, git):
    (corpus_root / ".gitattributes").write_text("*.txt text\n")  # the LFS rule went missing
    write_page(corpus_root, "training/1.html", f'{LABELED}\n<img src="resources/1/a.png">')
    write_resource(corpus_root, "training/resources/1/a.png", PNG * 40)
    git(corpus_root, "add", "-A")
    blocked = commit_with_hooks(corpus_root, "sample with resource")
    assert blocked.returncode != 0
    assert "samples/training/resources/1/a.png:1: staged as file content, not as a Git LFS pointer" in blocked.stderr
    assert "samples/training/resources/1/a.png:1: resource not covered by the Git LFS rule" in blocked.stderr
    assert not head_exists(corpus_root)

    (corpus_root / ".gitattributes").write_text("samples/**/resources/** filter=lfs diff=lfs merge=lfs -text\n")
    git(corpus_root, "add", "--renormalize", ".")
    git(corpus_root, "add", "-A")
    done = commit_with_hooks(corpus_root, "sample with resource")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(corpus_root, "show", "HEAD:samples/training/resources/1/a.png").startswith(
        "version https://git-lfs.github.com/spec/v1")


def test_multi_branch_push_leaves_every_branch_whole(corpus_root: Path, tmp_path: Path, git, corpus_cli):
    payloads = {}
    for number, branch in enumerate(("main", "labels-a", "labels-b"), start=1):
        if branch != "main":
            git(corpus_root, "checkout", "-q", "-b", branch, "main")
        page = write_page(corpus_root, f"training/{number}.html", f'{LABELED}\n<img src="resources/{number}/a.png">')
        payloads[branch] = (number, page.read_bytes(), os.urandom(40_000))
        write_resource(corpus_root, f"training/resources/{number}/a.png", payloads[branch][2])
        git(corpus_root, "add", "-A")
        result = commit_with_hooks(corpus_root, branch)
        assert result.returncode == 0, result.stdout + result.stderr
    git(corpus_root, "checkout", "-q", "main")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(corpus_root, "remote", "add", "origin", str(bare))
    # One push of three refs: pre-commit must hand LFS's legacy pre-push hook all of them.
    git(corpus_root, "push", "-q", "origin", "main", "labels-a", "labels-b")

    git(tmp_path, "lfs", "install", "--skip-repo")  # the user-wide setup git-lfs asks for once (isolated HOME)
    for branch, (number, page_bytes, payload) in payloads.items():
        clone = tmp_path / f"clone-{branch}"
        git(tmp_path, "clone", "-q", "--branch", branch, str(bare), str(clone))
        assert (clone / f"samples/training/resources/{number}/a.png").read_bytes() == payload
        assert (clone / f"samples/training/{number}.html").read_bytes() == page_bytes
        git(clone, "lfs", "fsck")
        assert corpus_cli("check", cwd=clone).returncode == 0

    # A fresh clone has no hooks; `corpus hooks install` wires them.
    clone = tmp_path / "clone-main"
    assert hooks_installed(clone)["pre-commit"] is False
    result = corpus_cli("hooks", "install", cwd=clone)
    assert result.returncode == 0, result.stdout + result.stderr
    assert hooks_installed(clone) == {"lfs": True, "pre-commit": True, "launcher": True}


def test_hooks_install_repairs_the_wiring_and_can_run_again(corpus_root: Path, corpus_cli):
    assert hooks_installed(corpus_root) == {"lfs": True, "pre-commit": True, "launcher": True}
    hooks = hooks_dir(corpus_root)
    (hooks / "pre-commit").unlink()
    (hooks / "post-checkout").unlink()
    launcher_path(corpus_root).unlink()
    assert hooks_installed(corpus_root) == {"lfs": False, "pre-commit": False, "launcher": False}
    status = corpus_cli("hooks", "status", cwd=corpus_root)
    assert status.returncode == 1 and "pre-commit: NOT installed" in status.stdout

    for _ in range(2):  # a second run finds everything in place and must not fail
        result = corpus_cli("hooks", "install", cwd=corpus_root)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.splitlines() == ["lfs: installed", "pre-commit: installed", "launcher: installed"]
    assert "git lfs pre-push" in (hooks / "pre-push.legacy").read_text()
    assert "pre-commit" in (hooks / "pre-push").read_text()
    assert corpus_cli("hooks", "status", cwd=corpus_root).returncode == 0


def test_unknown_hook_name_is_a_usage_error(corpus_root: Path, corpus_cli):
    result = corpus_cli("hooks", "run", "nosuch", cwd=corpus_root)
    assert result.returncode == 2 and "nosuch: no such hook" in result.stderr


def test_published_hooks_match_the_ones_init_writes():
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((REPO / "corpus/templates/pre-commit-config.yaml").read_text())
    local = next(repo for repo in config["repos"] if repo["repo"] == "local")["hooks"]
    keys = ("files", "pass_filenames", "always_run", "require_serial", "stages")
    published = {hook["id"]: hook for hook in manifest}
    # Every hook init wires is published with the same command and file filters; opt-in
    # hooks may be published only. Local hooks reach corpus through the clone's launcher,
    # published ones through the virtualenv pre-commit installs them in.
    for hook in local:
        twin = published[hook["id"]]
        assert {k: twin.get(k) for k in keys} == {k: hook.get(k) for k in keys}, hook["id"]
        assert twin["entry"] == "corpus " + " ".join(hook["args"])
        assert hook["language"] == "unsupported" and "corpus/hook" in hook["entry"]
    assert {"corpus-check", "corpus-extract", "corpus-lfs"} <= set(published)
    assert all(hook["language"] == "python" for hook in manifest)
    for command in (["validate-manifest", ".pre-commit-hooks.yaml"],
                    ["validate-config", "corpus/templates/pre-commit-config.yaml"]):
        result = subprocess.run([sys.executable, "-m", "pre_commit", *command], cwd=REPO,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_hooks_given_a_page_that_is_gone_pass_it_by(corpus_root: Path, corpus_cli):
    """Pre-commit never passes a deleted file, but a hook run by hand may be given one."""
    for hook in ("extract", "check"):
        result = corpus_cli("hooks", "run", hook, "samples/training/gone.html", cwd=corpus_root)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), (hook, result.stderr)
