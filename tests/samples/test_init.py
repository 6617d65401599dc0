import os
import subprocess
import sys
from pathlib import Path

from corpus.samples.init import LFS_ATTRIBUTE_LINE, init_corpus


def test_init_makes_a_working_corpus(tmp_path: Path, git, corpus_cli):
    result = corpus_cli("init", "c", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "c"
    for set_name in ("unused", "training", "validation", "testing"):
        assert (root / "samples" / set_name).is_dir()
    assert LFS_ATTRIBUTE_LINE in (root / ".gitattributes").read_text()
    assert "---" in (root / "samples" / "rubric.md").read_text()
    hooks = root / ".git" / "hooks"
    # LFS hooks went in first; pre-commit kept LFS's pre-push as the legacy hook it chains to.
    assert "git lfs pre-push" in (hooks / "pre-push.legacy").read_text()
    assert "pre-commit" in (hooks / "pre-push").read_text()
    assert "pre-commit" in (hooks / "pre-commit").read_text()
    assert "git lfs post-checkout" in (hooks / "post-checkout").read_text()
    staged = git(root, "diff", "--cached", "--name-only").split()
    assert ".gitattributes" in staged and "samples/rubric.md" in staged


def test_init_again_repairs_and_touches_no_sample(corpus_root: Path):
    page = corpus_root / "samples" / "training" / "1.html"
    page.write_bytes(b"<html><body data-x>\xff</body></html>")
    (corpus_root / ".gitattributes").write_text("*.png binary\n")
    (corpus_root / ".git" / "hooks" / "pre-push.legacy").unlink()
    (corpus_root / ".git" / "hooks" / "pre-push").unlink()
    report = init_corpus(corpus_root)
    assert page.read_bytes() == b"<html><body data-x>\xff</body></html>"
    text = (corpus_root / ".gitattributes").read_text()
    assert text.startswith("*.png binary\n") and LFS_ATTRIBUTE_LINE in text
    assert any(".gitattributes" in item for item in report.created)
    assert "git lfs pre-push" in (corpus_root / ".git" / "hooks" / "pre-push.legacy").read_text()


def test_init_without_git_lfs_says_how_to_install(tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git_path = next(Path(p) / "git" for p in ["/usr/bin", "/usr/local/bin"] if (Path(p) / "git").exists())
    (bin_dir / "git").symlink_to(git_path)
    env = dict(os.environ, PATH=f"{bin_dir}")
    result = subprocess.run([str(Path(sys.executable).parent / "corpus"), "init", str(tmp_path / "c")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "git-lfs is not installed" in result.stderr
    assert not (tmp_path / "c" / "samples").exists()


def test_init_twice_on_a_wired_corpus_keeps_the_lfs_push_hook(corpus_root: Path):
    init_corpus(corpus_root)
    hooks = corpus_root / ".git" / "hooks"
    assert "git lfs pre-push" in (hooks / "pre-push.legacy").read_text()
    assert "pre-commit" in (hooks / "pre-push").read_text()


def test_init_ignores_train_runs_and_the_cache_and_keeps_the_users_gitignore(tmp_path: Path, git):
    root = tmp_path / "c"
    init_corpus(root)
    assert (root / ".gitignore").read_text() == "runs/\n.corpus-cache/\n"
    assert ".gitignore" in git(root, "diff", "--cached", "--name-only").split()
    (root / "runs" / "Dec07").mkdir(parents=True)
    (root / "runs" / "Dec07" / "events.out").write_text("x")
    assert "runs" not in git(root, "status", "--porcelain", "--untracked-files=all")
    (root / ".gitignore").write_text("*.log\n/runs")  # the user's, a variant spelling, no final newline
    report = init_corpus(root)
    assert (root / ".gitignore").read_text() == "*.log\n/runs\n.corpus-cache/\n"
    assert any(".gitignore" in item for item in report.created)
    assert not any(".gitignore" in item for item in init_corpus(root).created)  # idempotent


def test_init_again_stages_only_what_it_wrote(corpus_root: Path, git, commit):
    commit(corpus_root, "scaffold")
    rubric = corpus_root / "samples" / "rubric.md"
    rubric.write_text(rubric.read_text() + "\nmy rule, being edited\n")
    (corpus_root / "rulesets.py").write_text("this: is not python (")
    (corpus_root / "samples" / "unused" / ".gitkeep").unlink()
    init_corpus(corpus_root)
    assert (corpus_root / "samples" / "unused" / ".gitkeep").exists()  # repaired (as committed: nothing to stage)
    assert git(corpus_root, "diff", "--cached", "--name-only").split() == []
    assert sorted(git(corpus_root, "diff", "--name-only").split()) == ["rulesets.py", "samples/rubric.md"]
