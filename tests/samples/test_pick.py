"""pick and split: nothing lost or duplicated, resources follow, seeded, stratified, all or nothing."""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.samples.pick import (
    apply_moves,
    grouping,
    parse_ratios,
    plan_pick,
    plan_split,
)
from corpus.store.gitcli import tracked_files
from corpus.tree.rubric import parse_rubric
from corpus.tree.sample import SETS, all_samples, set_samples

RUBRIC = parse_rubric(
    Path("rubric.md"),
    "---\nnaming:\n  pattern: '^(?P<lang>[A-Z]{2})_(?P<id>\\d+)(?P<negative>n)?\\.html$'\n  stratify: [lang]\n---\n",
)

# A generated sample: (language, negative?, has resources?, tracked by git?)
samples_strategy = st.lists(
    st.tuples(st.sampled_from(["EN", "DE", "FR"]), st.booleans(), st.booleans(), st.booleans()),
    max_size=14,
)


def make_corpus(root: Path, specs) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    tracked = []
    for i, (lang, negative, resources, is_tracked) in enumerate(specs):
        name = f"{lang}_{i}{'n' if negative else ''}"
        page = root / "samples" / "unused" / f"{name}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<html>{name}</html>")
        paths = [page]
        if resources:
            res = root / "samples" / "unused" / "resources" / name / "r.css"
            res.parent.mkdir(parents=True)
            res.write_text(f"/* {name} */")
            paths.append(res)
        if is_tracked:
            tracked.extend(str(p.relative_to(root)) for p in paths)
    if tracked:
        subprocess.run(["git", "add", "--", *tracked], cwd=root, check=True)


def stratum_of(sample, rubric, groups):
    return grouping(rubric, groups, None).stratum(sample)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "samples").rglob("*")) if p.is_file()}


def where(root: Path) -> dict[str, str]:
    return {s.name: s.set_name for s in all_samples(root)}


@settings(max_examples=20, deadline=None)
@given(specs=samples_strategy, seed=st.integers(0, 2**32), ratios=st.sampled_from(["60,20,20", "1,1,1", "8,1,1", "0,1,1"]))
def test_split_keeps_every_sample_once_with_its_resources(specs, seed, ratios):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_corpus(root, specs)
        before = tree(root)
        plan = plan_split(root, RUBRIC, parse_ratios(ratios), seed, RUBRIC.stratify)
        assert plan == plan_split(root, RUBRIC, parse_ratios(ratios), seed, RUBRIC.stratify)  # same seed, same split
        apply_moves(root, plan.moves)
        after = tree(root)
        assert not set_samples(root, "unused")
        # Every file arrives once, byte-identical, in a set other than unused, resources beside their page.
        moved = {}
        for path, data in after.items():
            _, set_name, *rest = path.split("/")
            assert set_name != "unused"
            moved["/".join(["samples", "unused", *rest])] = data
        assert moved == before
        # Stratified: each stratum's count in each set is within one sample of exact.
        weights = parse_ratios(ratios)
        strata = Counter(stratum_of(s, RUBRIC, ["lang"]) for s in all_samples(root))
        for set_name, weight in zip(("training", "validation", "testing"), weights):
            got = Counter(stratum_of(s, RUBRIC, ["lang"]) for s in set_samples(root, set_name))
            for stratum, size in strata.items():
                assert abs(got[stratum] - size * weight) < 1


@settings(max_examples=20, deadline=None)
@given(specs=samples_strategy, seed=st.integers(0, 2**32), data=st.data())
def test_pick_moves_n_in_proportion(specs, seed, data):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_corpus(root, specs)
        count = data.draw(st.integers(0, len(specs)))
        before = tree(root)
        plan = plan_pick(root, RUBRIC, "unused", "validation", count, seed, ["lang"])
        apply_moves(root, plan.moves)
        assert len(set_samples(root, "validation")) == count
        assert len(tree(root)) == len(before)
        strata = Counter(stratum_of(s, RUBRIC, ["lang"]) for s in all_samples(root))
        got = Counter(stratum_of(s, RUBRIC, ["lang"]) for s in set_samples(root, "validation"))
        for stratum, size in strata.items():
            assert abs(got[stratum] - Fraction(count * size, max(len(specs), 1))) < 1


@pytest.mark.parametrize("fail_at", [0, 1, 3, 6])
def test_a_failure_midway_leaves_the_tree_exactly_as_before(tmp_path: Path, fail_at: int, git):
    specs = [("EN", i % 3 == 0, i % 2 == 0, i % 4 != 1) for i in range(8)]
    make_corpus(tmp_path, specs)
    (tmp_path / "samples" / "unused" / "EN_1.html").write_text("<html>edited, unstaged</html>")
    files, staged, status = tree(tmp_path), git(tmp_path, "ls-files", "-s"), git(tmp_path, "status", "--porcelain")
    plan = plan_split(tmp_path, RUBRIC, parse_ratios("60,20,20"), 7, ["lang"])

    def fail(k: int) -> None:
        if k == fail_at:
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError, match="injected failure"):
        apply_moves(tmp_path, plan.moves, before_each=fail)
    assert tree(tmp_path) == files
    assert git(tmp_path, "ls-files", "-s") == staged
    assert git(tmp_path, "status", "--porcelain") == status


def test_nothing_moves_when_a_destination_is_taken(tmp_path: Path):
    make_corpus(tmp_path, [("EN", False, True, True), ("DE", True, False, True)])
    clash = tmp_path / "samples" / "testing" / "DE_1n.html"
    clash.parent.mkdir(parents=True)
    clash.write_text("<html>other</html>")
    before = tree(tmp_path)
    plan = plan_pick(tmp_path, RUBRIC, "unused", "testing", 2, 0, [])
    with pytest.raises(Exception, match="DE_1n.html: already exists; nothing was moved"):
        apply_moves(tmp_path, plan.moves)
    assert tree(tmp_path) == before


def test_cli_pick_is_fathom_pick_compatible_and_uses_git_mv(corpus_root: Path, git, corpus_cli):
    for i in range(1, 7):
        page = corpus_root / "samples" / "unused" / f"{'n' if i % 2 else ''}{i}.html"
        page.write_text(f"<html>{i}</html>")
    git(corpus_root, "add", "samples")
    git(corpus_root, "commit", "-qm", "samples", "--no-verify")
    dry = corpus_cli("pick", "unused", "training", "4", "--seed", "3", "--dry-run", "--json", cwd=corpus_root)
    assert dry.returncode == 0, dry.stderr
    import json

    planned = json.loads(dry.stdout)["moves"]
    assert len(planned) == 4 and len(set_samples(corpus_root, "training")) == 0
    result = corpus_cli("pick", "unused", "training", "4", "--seed", "3", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert sorted(s.relpath for s in set_samples(corpus_root, "training")) == sorted(m["to"] for m in planned)
    renames = git(corpus_root, "diff", "--cached", "--name-status", "-M")
    assert renames.count("R100") == 4
    assert corpus_cli("pick", "unused", "training", "9", cwd=corpus_root).returncode == 2
    assert corpus_cli("split", "--ratios", "1,2", cwd=corpus_root).returncode == 2
    assert corpus_cli("split", "--stratify-by", "lang", cwd=corpus_root).returncode == 2
    split = corpus_cli("split", "--seed", "1", cwd=corpus_root)
    assert split.returncode == 0, split.stderr
    assert sum(len(set_samples(corpus_root, s)) for s in SETS[1:]) == 6


def test_names_with_glob_characters_move_alone(tmp_path: Path, git):
    """git must take `a[1].html` literally, not as a glob that also matches `a1.html`."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    unused = tmp_path / "samples" / "unused"
    unused.mkdir(parents=True)
    (unused / "a1.html").write_text("<html>1</html>")
    (unused / "a[1].html").write_text("<html>[1]</html>")
    git(tmp_path, "add", "samples")
    assert tracked_files(tmp_path, "samples/unused/a[1].html") == ["samples/unused/a[1].html"]
    rubric = parse_rubric(Path("rubric.md"), "---\nnaming:\n  pattern: '^a.*\\.html$'\n---\n")
    moves = [m for m in plan_pick(tmp_path, rubric, "unused", "testing", 2, 0, []).moves if m.sample.name == "a[1].html"]
    apply_moves(tmp_path, moves)
    assert sorted(git(tmp_path, "ls-files", "samples").split()) == ["samples/testing/a[1].html", "samples/unused/a1.html"]
