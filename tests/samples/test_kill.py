"""kill -9 at a random moment of split, pick, add DIR and import: nothing lost, nothing doubled.

Each trial copies a prepared corpus, starts the real `corpus` command, SIGKILLs it
(alone, leaving its git child to finish, or with its whole process group, so git
dies too and may leave `index.lock`) after a random delay within the time a full
run takes, runs another corpus command, and checks the tree. `--kill-trials N`
(or CORPUS_KILL_TRIALS) sets the trials per command.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from corpus.samples.fingerprints import read_record
from corpus.samples.journal import journal_path
from corpus.tree.sample import RESOURCES_DIR, SETS, all_samples
from tests.samples.trees import REAL_RUBRIC, fathom_tree, labeled_page

CORPUS = str(Path(sys.executable).parent / "corpus")
PAGES = 36


def names(count: int, offset: int = 0) -> list[str]:
    """Real-scheme names, with a macOS-style space name among them (it breaks the rule: imported anyway)."""
    langs = ["EN", "DE", "FR"]
    found = [f"{langs[k % 3]}_{100 + (k + offset) // 2}{'n' if k % 2 else ''}.html" for k in range(count - 1)]
    return [*found, f"{langs[offset % 3]}_{offset} 2.html"]


def prepared_corpus(root: Path, src: Path, git, corpus_cli, into: str | None) -> Path:
    """A committed corpus; with `into`, the pages of `src` imported into that set first."""
    from corpus.samples.init import init_corpus

    init_corpus(root)
    (root / "samples" / "rubric.md").write_text(REAL_RUBRIC)
    if into:
        result = corpus_cli("import", str(src), "--to", into, cwd=root)
        assert result.returncode in (0, 1), result.stderr  # 1: the space name is reported
    git(root, "add", "-A")
    git(root, "commit", "-qm", "prepared", "--no-verify")
    return root


def snapshot(root: Path) -> dict[str, dict[str, bytes]]:
    """Per sample name: its page and resources, wherever they are."""
    found: dict[str, dict[str, bytes]] = {}
    for sample in all_samples(root):
        files = {"page": sample.path.read_bytes()}
        if sample.resources_dir.is_dir():
            files |= {p.relative_to(sample.resources_dir).as_posix(): p.read_bytes()
                      for p in sample.resources_dir.rglob("*") if p.is_file()}
        found[sample.name] = files
    return found


def assert_sound(root: Path, git) -> None:
    """No page in two places, no resources folder without its page, nothing stray, git clean."""
    counts = Counter(s.name for s in all_samples(root))
    assert not [n for n, c in counts.items() if c > 1], counts
    for set_name in SETS:
        resources = root / "samples" / set_name / RESOURCES_DIR
        if resources.is_dir():
            for folder in resources.iterdir():
                pages = [p for p in (root / "samples" / set_name).glob(f"{folder.name}.*") if p.is_file()]
                assert pages, f"{folder}: resources without their page"
    assert not (git_dir := root / ".git" / "index.lock").exists(), git_dir
    assert not journal_path(root).exists()
    assert not (root / ".git" / "corpus-work").exists()
    assert git(root, "ls-files", "--others", "--exclude-standard") == ""  # no stray file
    assert git(root, "diff", "--name-only") == ""  # the index agrees with the tree
    fsck = subprocess.run(["git", "fsck", "--no-progress"], cwd=root, capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    assert "missing" not in fsck.stdout + fsck.stderr


def assert_references_resolve(root: Path, where: str) -> None:
    """Every page was extracted whole: no inline image left, each file it names beside it."""
    for sample in all_samples(root):
        page = sample.path.read_bytes()
        assert b"data:image/png" not in page, f"{where}: {sample.relpath} not extracted"
        for ref in re.findall(rb'(?:src|href)="(resources/[^"]+)"', page):
            target = sample.set_dir / unquote(ref.decode())
            assert target.is_file(), f"{where}: {sample.relpath} refers to missing {ref.decode()}"


def kill_at_random(args: list[str], cwd: Path, delay: float, whole_group: bool) -> None:
    proc = subprocess.Popen([CORPUS, *args], cwd=cwd, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    try:
        if whole_group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it finished first: a trial of the end state
    proc.wait()


def full_run_seconds(template: Path, tmp: Path, args: list[str]) -> float:
    work = tmp / "reference"
    shutil.copytree(template, work, symlinks=True)
    start = time.monotonic()
    result = subprocess.run([CORPUS, *args], cwd=work, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    elapsed = time.monotonic() - start
    shutil.rmtree(work)
    return elapsed


def trials(template: Path, tmp: Path, args: list[str], count: int, check, seed: int) -> None:
    """`count` kills of `corpus ARGS`; every broken trial is listed, then the test fails."""
    rng = random.Random(seed)
    duration = full_run_seconds(template, tmp, args)
    broken = []
    for trial in range(count):
        work = tmp / f"trial{trial}"
        shutil.copytree(template, work, symlinks=True)
        delay, whole_group = rng.uniform(0, duration), rng.random() < 0.5
        kill_at_random(args, work, delay, whole_group)
        where = f"trial {trial}: killed after {delay:.2f}s of {duration:.2f}s ({'group' if whole_group else 'pid'})"
        try:
            after = subprocess.run([CORPUS, "status"], cwd=work, capture_output=True, text=True)
            assert after.returncode == 0, f"{where}: {after.stderr}"
            check(work, where)
        except AssertionError as e:
            broken.append(f"{where}: {e}")
        shutil.rmtree(work)
    print(f"kill -9 of corpus {args[0]}: {count} trials, {len(broken)} broken")
    assert not broken, "\n".join(broken)


def test_kill_split_and_pick(tmp_path: Path, git, corpus_cli, kill_trials: int):
    src = tmp_path / "src"
    fathom_tree(src, {"unused": names(PAGES)})
    template = prepared_corpus(tmp_path / "template", src, git, corpus_cli, "unused")
    before = snapshot(template)
    assert len(before) == PAGES

    def unchanged_samples(work: Path, where: str) -> None:
        assert_sound(work, git)
        assert snapshot(work) == before, where

    trials(template, tmp_path, ["split", "--seed", "3"], kill_trials, unchanged_samples, seed=1)
    trials(template, tmp_path, ["pick", "samples/unused", "testing", str(PAGES // 2)], kill_trials,
           unchanged_samples, seed=2)


def test_kill_add_dir_and_import(tmp_path: Path, git, corpus_cli, kill_trials: int):
    plain = tmp_path / "plain"
    plain.mkdir()
    added = names(PAGES + 1, offset=500)[:-1]  # add keeps names under a custom rule: they must fit it
    for k, name in enumerate(added):
        (plain / name).write_bytes(labeled_page(name, name.endswith("n.html"), (k, 10, 200)))
    tree = tmp_path / "tree"
    layout = names(PAGES, offset=900)
    fathom_tree(tree, {"training": layout[:20], "validation": layout[20:28], "testing": layout[28:]})
    template = prepared_corpus(tmp_path / "template", plain, git, corpus_cli, None)

    def completes(args: list[str], sources: set[str]):
        def check(work: Path, where: str) -> None:
            assert_sound(work, git)
            again = subprocess.run([CORPUS, *args], cwd=work, capture_output=True, text=True)
            assert again.returncode in (0, 1, 2), f"{where}: {again.stderr}"
            assert "error" not in again.stderr or "already in the corpus" in again.stderr, f"{where}: {again.stderr}"
            assert_sound(work, git)
            assert sorted(s.name for s in all_samples(work)) == sorted(sources), where
            assert len(set(read_record(work).values())) == len(sources), where
            assert_references_resolve(work, where)
        return check

    trials(template, tmp_path, ["add", str(plain)], kill_trials, completes(["add", str(plain)], set(added)),
           seed=3)
    trials(template, tmp_path, ["import", str(tree)], kill_trials, completes(["import", str(tree)], set(layout)),
           seed=4)
