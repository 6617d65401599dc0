"""Real saved pages through the real hooks: empty data URLs must never block a commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.extract.pages import real_page
from tests.hooks.test_hooks import commit_with_hooks, head_exists


def test_a_page_with_empty_data_urls_commits_through_extract_check_and_lfs_hooks(corpus_root: Path, git,
                                                                                 corpus_cli):
    page = corpus_root / "samples" / "training" / "n1.html"
    page.write_bytes(real_page())
    git(corpus_root, "add", "-A")

    first = commit_with_hooks(corpus_root, "a saved page")
    assert first.returncode != 0 and not head_exists(corpus_root)  # the extract hook changed the page
    assert "samples/training/n1.html" in first.stdout + first.stderr
    git(corpus_root, "add", "-A")
    done = commit_with_hooks(corpus_root, "a saved page, extracted")
    assert done.returncode == 0, done.stdout + done.stderr

    committed = git(corpus_root, "ls-tree", "-r", "-l", "HEAD", "samples/training/resources/n1/").splitlines()
    assert committed, "the resources were committed"
    for line in committed:
        mode, kind, oid, size, path = line.split(maxsplit=4)
        assert int(size) > 0, f"{path}: an empty blob is never an LFS pointer"
        stored = git(corpus_root, "cat-file", "-p", oid)
        assert stored.startswith("version https://git-lfs.github.com/spec/v1"), path
    assert b'src="data:;base64,"' in page.read_bytes()  # the empty data URLs stayed in the page

    # check and status agree with the hooks: nothing to report, nothing left to extract.
    assert corpus_cli("check", cwd=corpus_root).returncode == 0
    status = corpus_cli("status", "--json", cwd=corpus_root).stdout
    assert '"inline_data_pages": []' in status and '"resources_as_lfs_pointers": true' in status
    clean = subprocess.run(["git", "status", "--porcelain"], cwd=corpus_root, capture_output=True, text=True)
    assert clean.stdout == ""


def test_an_empty_resource_left_by_an_older_extract_gets_a_hint_that_helps(corpus_root: Path, git):
    from tests.hooks.test_hooks import LABELED, write_page, write_resource

    write_page(corpus_root, "training/1.html", f'{LABELED}\n<link rel="stylesheet" href="resources/1/e3b0c44298fc1c14.css">')
    write_resource(corpus_root, "training/resources/1/e3b0c44298fc1c14.css", b"")
    git(corpus_root, "add", "-A")
    blocked = commit_with_hooks(corpus_root, "old extraction")
    assert blocked.returncode != 0 and not head_exists(corpus_root)
    assert ("samples/training/resources/1/e3b0c44298fc1c14.css:1: an empty resource, which git-lfs never turns "
            "into a pointer") in blocked.stdout + blocked.stderr
    assert "--renormalize" not in blocked.stdout + blocked.stderr  # the hint that changed nothing is gone
