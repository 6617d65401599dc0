"""Leak-free splits: a site's pages stay in one set; shares kept as closely as whole groups allow."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import BadInput
from corpus.samples.grouping import apportion, stratum_targets
from corpus.samples.pick import parse_ratios, plan_pick, plan_split
from corpus.tree.rubric import parse_rubric
from corpus.tree.sample import set_named
from tests.samples.trees import REAL_NAMES, REAL_RUBRIC

RUBRIC = parse_rubric(Path("rubric.md"), REAL_RUBRIC)


def real_scheme_names(sites: int, seed: int) -> list[str]:
    """Sites in three languages, each with 1-4 pages: variants, a negative, a change page."""
    rng = random.Random(seed)
    names = set(REAL_NAMES)
    for k in range(sites):
        lang = rng.choice(["EN", "DE", "FR"])
        number = rng.randrange(1, 400)  # shared across languages on purpose
        site = f"{lang}{rng.choice('_-')}{number}"
        for suffix in rng.sample(["", "n", "a", "b", "na", "_change", "a_change"], rng.randint(1, 4)):
            names.add(f"{site}{suffix}.html")
    return sorted(names)


def unused_tree(root: Path, names: list[str]) -> None:
    unused = root / "samples" / "unused"
    unused.mkdir(parents=True, exist_ok=True)
    for name in names:
        label = "" if RUBRIC.naming.is_negative(name) else ' data-fathom="new-password"'
        (unused / name).write_text(f"<html><body><input{label}>{name}</body></html>")


def site(name: str) -> str:
    return RUBRIC.naming.match(name)["site"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_keeps_each_site_in_one_set_and_the_shares(tmp_path: Path, seed: int):
    names = real_scheme_names(150, seed)
    assert all(RUBRIC.naming.match(n) for n in names)  # the documented pattern reads every real name
    unused_tree(tmp_path, names)
    plan = plan_split(tmp_path, RUBRIC, parse_ratios("60,20,20"), seed, RUBRIC.stratify)
    sets_of_site: dict[str, set[str]] = defaultdict(set)
    for move in plan.moves:
        sets_of_site[site(move.sample.name)].add(move.to_set)
    assert sorted(m.sample.name for m in plan.moves) == names
    assert all(len(s) == 1 for s in sets_of_site.values())  # no site leaks between sets
    sizes = Counter(m.to_set for m in plan.moves)
    for set_name, share in zip(("training", "validation", "testing"), (0.6, 0.2, 0.2)):
        assert abs(sizes[set_name] - share * len(names)) <= 4  # whole groups of at most 4 pages
    per_lang = Counter((m.to_set, RUBRIC.naming.match(m.sample.name)["lang"]) for m in plan.moves)
    langs = Counter(RUBRIC.naming.match(n)["lang"] for n in names)
    for (set_name, lang), count in per_lang.items():
        share = {"training": 0.6, "validation": 0.2, "testing": 0.2}[set_name]
        assert abs(count - share * langs[lang]) <= 8, (set_name, lang, count, langs[lang])
    assert plan == plan_split(tmp_path, RUBRIC, parse_ratios("60,20,20"), seed, RUBRIC.stratify)


def test_without_a_group_every_page_is_its_own(tmp_path: Path):
    names = real_scheme_names(40, 5)
    unused_tree(tmp_path, names)
    plan = plan_split(tmp_path, RUBRIC, parse_ratios("1,1,1"), 3, [], group_by="change")
    # `change` is absent from most names: those pages are each their own group.
    sizes = Counter(m.to_set for m in plan.moves)
    assert max(sizes.values()) - min(sizes.values()) <= 1 + sum(n.endswith("_change.html") for n in names)


def test_small_strata_no_longer_all_land_in_training():
    """20 one-page strata at 60/20/20 go 12/4/4, not 20/0/0."""
    sizes = {(f"s{k}",): 1 for k in range(20)}
    targets = stratum_targets(sizes, parse_ratios("60,20,20"), random.Random(0))
    assert [sum(t.values()) for t in targets] == [12, 4, 4]
    # 657 pages in strata of many sizes: set totals exact to the page.
    rng = random.Random(1)
    sizes = {(f"s{k}",): rng.choice([1, 1, 2, 3, 7, 30]) for k in range(80)}
    sizes[("rest",)] = 657 - sum(sizes.values())
    targets = stratum_targets(sizes, parse_ratios("60,20,20"), random.Random(0))
    assert [sum(t.values()) for t in targets] == [394, 132, 131]  # 394.2, 131.4, 131.4 rounded to 657
    for stratum, size in sizes.items():
        for t, share in zip(targets, (Fraction(3, 5), Fraction(1, 5), Fraction(1, 5))):
            assert abs(t[stratum] - size * share) < 1


@given(sizes=st.lists(st.integers(0, 9), min_size=1, max_size=8),
       ratios=st.sampled_from(["60,20,20", "1,1,1", "8,1,1", "0,1,1", "7,2,2"]), seed=st.integers(0, 2**32))
@settings(max_examples=300, deadline=None)
def test_every_share_is_within_a_page_of_exact_and_set_sizes_are_exact(sizes, ratios, seed):
    strata = {(f"s{k}",): size for k, size in enumerate(sizes)}
    weights = parse_ratios(ratios)
    targets = stratum_targets(strata, weights, random.Random(seed))
    assert [sum(t.values()) for t in targets] == apportion(sum(sizes), weights)
    for stratum, size in strata.items():
        assert sum(t[stratum] for t in targets) == size
        for t, weight in zip(targets, weights):
            assert abs(t[stratum] - size * weight) < 1


def test_a_greedy_corner_is_undone_by_moving_shares_between_sets():
    """3, 2 and 2 pages split three ways: every order of the ties must give each set at most one of a pair."""
    for seed in range(200):
        targets = stratum_targets({("a",): 3, ("b",): 2, ("c",): 2}, parse_ratios("1,1,1"), random.Random(seed))
        assert all(t[("b",)] <= 1 and t[("c",)] <= 1 for t in targets), (seed, targets)


def test_a_group_that_does_not_fit_is_reported(tmp_path: Path):
    names = [f"EN_1{suffix}.html" for suffix in ["", "n", "a", "b", "na", "_change"]] + ["DE_2.html", "FR_3.html"]
    unused_tree(tmp_path, names)
    plan = plan_pick(tmp_path, RUBRIC, "unused", "testing", 2, 0, [])
    assert {m.sample.name for m in plan.moves} in ({"DE_2.html", "FR_3.html"},) or plan.misfits
    plan = plan_pick(tmp_path, RUBRIC, "unused", "testing", 5, 0, [])
    assert plan.misfits and "EN_1" in plan.misfits[0] and "6 pages" in plan.misfits[0]
    assert len({site(m.sample.name) for m in plan.moves if m.sample.name.startswith("EN_1")} or {"x"}) == 1


def test_split_and_pick_refuse_what_add_refuses(tmp_path: Path, corpus_cli):
    unused_tree(tmp_path, ["EN_1.html", "EN_2.html"])
    (tmp_path / "samples" / "unused" / "EN_3.html").write_bytes(b"")
    with pytest.raises(BadInput, match="EN_3.html: empty file"):
        plan_split(tmp_path, RUBRIC, parse_ratios("60,20,20"), 0, [])
    (tmp_path / "samples" / "unused" / "EN_3.html").unlink()
    (tmp_path / "samples" / "unused" / "EN_4.html").symlink_to(tmp_path / "samples" / "unused" / "EN_1.html")
    with pytest.raises(BadInput, match="EN_4.html: a symbolic link"):
        plan_pick(tmp_path, RUBRIC, "unused", "testing", 1, 0, [])
    (tmp_path / "samples" / "unused" / "EN_4.html").unlink()
    (tmp_path / "samples" / "unused" / "EN_5.html").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    with pytest.raises(BadInput, match="EN_5.html: binary content"):
        plan_pick(tmp_path, RUBRIC, "unused", "testing", 1, 0, [])


def test_pick_takes_set_folders_as_fathom_pick_does(tmp_path: Path):
    (tmp_path / "samples" / "unused").mkdir(parents=True)
    assert set_named(tmp_path, "samples/unused", tmp_path) == "unused"
    assert set_named(tmp_path, str(tmp_path / "samples" / "testing"), Path("/")) == "testing"
    assert set_named(tmp_path, "training") == "training"
    with pytest.raises(BadInput, match="not a set"):
        set_named(tmp_path, "samples/other", tmp_path)


def test_cli_split_keeps_sites_whole(corpus_root: Path, git, corpus_cli):
    import json

    (corpus_root / "samples" / "rubric.md").write_text(REAL_RUBRIC)
    names = real_scheme_names(30, 9)
    unused_tree(corpus_root, names)
    git(corpus_root, "add", "samples")
    result = corpus_cli("split", "--seed", "4", "--json", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    moves = json.loads(result.stdout)["moves"]
    assert len(moves) == len(names)
    sets_of_site = defaultdict(set)
    for move in moves:
        sets_of_site[site(move["to"].split("/")[-1])].add(move["to"].split("/")[1])
    assert all(len(s) == 1 for s in sets_of_site.values())
    assert git(corpus_root, "diff", "--name-only") == ""  # the index moved with the files
    bad = corpus_cli("pick", "training", "testing", "1", "--group-by", "nope", cwd=corpus_root)
    assert bad.returncode == 2 and "--group-by nope: not a group" in bad.stderr


def placed_tree(root: Path) -> None:
    """Sites across sets, as in a real corpus: EN_1 has pages in training, EN_5 in training and
    testing (leakage already), EN_7 in validation; each also has pages left in unused."""
    unused_tree(root, ["EN_1a.html", "EN_1b.html", "EN_1n.html", "EN_5a.html", "EN_5n.html", "EN_7a.html",
                       "DE_2.html", "DE_2n.html", "FR_3.html", "FR_4.html", "FR_4n.html"])
    for set_name, names in {"training": ["EN_1.html", "EN_5.html"], "testing": ["EN_5b.html"],
                            "validation": ["EN_7.html"]}.items():
        (root / "samples" / set_name).mkdir(parents=True, exist_ok=True)
        for name in names:
            (root / "samples" / set_name / name).write_text(f'<html><body><input data-fathom="new-password">{name}')


@pytest.mark.parametrize("seed", range(6))
def test_pick_takes_only_groups_that_are_nowhere_else(tmp_path: Path, seed: int):
    placed_tree(tmp_path)
    plan = plan_pick(tmp_path, RUBRIC, "unused", "testing", 3, seed)  # the rubric's group and strata
    assert {site(m.sample.name) for m in plan.moves} <= {"DE_2", "FR_3", "FR_4"}
    assert abs(len(plan.moves) - 3) <= 1  # whole groups of one or two pages
    assert [(h.group, h.pages, h.sets) for h in plan.held] == [
        ("site=EN_1", 3, ("training",)), ("site=EN_5", 2, ("training", "testing")), ("site=EN_7", 1, ("validation",))]
    with pytest.raises(BadInput, match=r"cannot pick 6 of the 5 samples in unused \(6 more belong to groups"):
        plan_pick(tmp_path, RUBRIC, "unused", "testing", 6, seed)


def test_pick_into_the_one_set_holding_a_group_joins_it(tmp_path: Path):
    """`pick unused training` may take a site whose other pages are all in training (as split
    would); a site also in testing stays."""
    placed_tree(tmp_path)
    plan = plan_pick(tmp_path, RUBRIC, "unused", "training", 8, 0)
    assert [(h.group, h.sets) for h in plan.held] == [("site=EN_5", ("training", "testing")),
                                                      ("site=EN_7", ("validation",))]
    assert {"EN_1a.html", "EN_1b.html", "EN_1n.html"} <= {m.sample.name for m in plan.moves}


def test_pick_into_unused_holds_nothing_back(tmp_path: Path):
    """`pick training unused` may take a site that leaks into testing: the move ends the leak."""
    placed_tree(tmp_path)
    plan = plan_pick(tmp_path, RUBRIC, "training", "unused", 2, 0)
    assert plan.held == []
    assert sorted(m.sample.name for m in plan.moves) == ["EN_1.html", "EN_5.html"]


def test_split_sends_a_group_to_the_one_set_holding_it(tmp_path: Path):
    placed_tree(tmp_path)
    plan = plan_split(tmp_path, RUBRIC, parse_ratios("60,20,20"), 0)
    to = {m.sample.name: m.to_set for m in plan.moves}
    assert {to[n] for n in ("EN_1a.html", "EN_1b.html", "EN_1n.html")} == {"training"}
    assert to["EN_7a.html"] == "validation"
    assert "EN_5a.html" not in to and [h.group for h in plan.held] == ["site=EN_5"]
    assert all(len({to[n] for n in to if site(n) == s}) == 1 for s in ("DE_2", "FR_4"))


def test_cli_pick_follows_the_rubric_and_says_what_it_left(corpus_root: Path, git, corpus_cli):
    import json

    (corpus_root / "samples" / "rubric.md").write_text(REAL_RUBRIC)
    placed_tree(corpus_root)
    git(corpus_root, "add", "samples")
    refused = corpus_cli("pick", "unused", "testing", "6", cwd=corpus_root)
    assert refused.returncode == 2 and "6 more belong to groups with pages in other sets" in refused.stderr
    result = corpus_cli("pick", "unused", "testing", "5", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert "group site=EN_5 (2 pages) also has pages in training, testing: stays in unused" in result.stderr
    moved = {line.split(" -> ")[1].split("/")[-1] for line in result.stdout.splitlines()}
    assert {site(n) for n in moved} == {"DE_2", "FR_3", "FR_4"}
    result = corpus_cli("pick", "unused", "testing", "0", "--json", cwd=corpus_root)
    assert {"group": "site=EN_7", "pages": 1, "sets": ["validation"]} in json.loads(result.stdout)["held"]
