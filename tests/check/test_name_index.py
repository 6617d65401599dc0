"""The name index behind `check`'s shared-id findings: it answers what listing every set
folder answers, across commits, renames, deletions, branch switches and rule changes,
and lists a folder again only when the folder changed."""

from __future__ import annotations

import os
import random
import subprocess
from collections import defaultdict
from pathlib import Path

from corpus.check.check import check_paths, group_findings, resolve_scope
from corpus.samples.nameindex import RACY_NS, name_index
from corpus.tree.rubric import load_rubric, rubric_path
from corpus.tree.sample import SETS, NamingRule, all_samples
from tests.samples.trees import REAL_RUBRIC

SITE_RULE = NamingRule(r"^(?P<site>(?P<lang>[A-Z]{2})[_-]X?\d+)[a-c]?(?P<negative>n)?[a-c]?(?P<change>_change)?\.html$",
                       group="site")
DEFAULT_RULE = NamingRule()


def page(root: Path, relpath: str, label: bool = True) -> Path:
    path = root / "samples" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    body = '<input type="password" data-fathom="new-password">' if label else "<p>no form</p>"
    path.write_text(f"<!doctype html>\n<html><body>\n{body}\n</body></html>\n")
    return path


def age_folders(root: Path) -> None:
    """Put every set folder's mtime well in the past, so its listing is not racy and is trusted."""
    past = (os.stat(root).st_mtime_ns - 10 * RACY_NS) // 1_000_000_000
    for set_name in SETS:
        folder = root / "samples" / set_name
        if folder.is_dir():
            os.utime(folder, (past, past))


def listed_identities(root: Path, rule: NamingRule) -> dict[str, list[str]]:
    """The non-incremental answer: every page name on disk, matched now."""
    found: dict[str, list[str]] = defaultdict(list)
    for sample in all_samples(root):
        found[rule.identity(sample.name)].append(sample.relpath)
    return dict(found)


def indexed_identities(root: Path, rule: NamingRule) -> dict[str, list[str]]:
    with name_index(root, rule) as index:
        ids = {os.fsdecode(i) for (i,) in index.db.execute("SELECT DISTINCT identity FROM listed_names")}
        return {identity: index.sharing(identity) for identity in ids}


def shared_id_messages(root: Path, paths: list[Path] | None = None) -> list[str]:
    return [str(f) for f in check_paths(root, paths or [], storage=False) if "is also used by" in f.message]


def test_a_twin_committed_later_is_found(corpus_root: Path, git) -> None:
    page(corpus_root, "training/7.html")
    git(corpus_root, "add", "-A")
    git(corpus_root, "commit", "-qm", "first page")  # through the hooks: the index is built here
    age_folders(corpus_root)
    assert shared_id_messages(corpus_root) == []
    twin = page(corpus_root, "testing/n7.html", label=False)
    git(corpus_root, "add", "-A")
    result = subprocess.run(["git", "commit", "-qm", "twin"], cwd=corpus_root, capture_output=True, text=True)
    assert result.returncode == 1
    assert "samples/testing/n7.html:1: id `7` is also used by samples/training/7.html" in result.stdout + result.stderr
    assert shared_id_messages(corpus_root, [twin]) == [
        "samples/testing/n7.html:1: id `7` is also used by samples/training/7.html (ids are shared across sets)"]


def test_rename_and_delete_free_the_id(corpus_root: Path) -> None:
    page(corpus_root, "training/7.html")
    page(corpus_root, "validation/n7.html", label=False)
    page(corpus_root, "unused/8.html")
    age_folders(corpus_root)
    assert len(shared_id_messages(corpus_root)) == 2
    age_folders(corpus_root)
    os.rename(corpus_root / "samples/validation/n7.html", corpus_root / "samples/validation/n9.html")
    assert shared_id_messages(corpus_root) == []
    os.rename(corpus_root / "samples/unused/8.html", corpus_root / "samples/unused/9.html")
    assert len(shared_id_messages(corpus_root)) == 2
    age_folders(corpus_root)
    (corpus_root / "samples/unused/9.html").unlink()
    assert shared_id_messages(corpus_root) == []
    assert indexed_identities(corpus_root, DEFAULT_RULE) == listed_identities(corpus_root, DEFAULT_RULE)


def test_another_branch_checked_out_is_seen(corpus_root: Path, git, commit) -> None:
    page(corpus_root, "training/7.html")
    commit(corpus_root, "main's page")
    git(corpus_root, "checkout", "-qb", "other")
    page(corpus_root, "testing/n7.html", label=False)
    commit(corpus_root, "a twin on another branch")
    age_folders(corpus_root)
    assert len(shared_id_messages(corpus_root)) == 2
    git(corpus_root, "checkout", "-q", "main")  # git removes testing/n7.html: the folder's stat changes
    assert shared_id_messages(corpus_root) == []
    age_folders(corpus_root)
    assert shared_id_messages(corpus_root) == []
    git(corpus_root, "checkout", "-q", "other")
    assert len(shared_id_messages(corpus_root)) == 2


def test_only_changed_folders_are_listed_again(corpus_root: Path) -> None:
    for n in range(1, 6):
        page(corpus_root, f"{SETS[n % 4]}/{n}.html")
    with name_index(corpus_root, DEFAULT_RULE) as index:
        assert index.refresh() == list(SETS)  # just written: too recent to trust (racy)
    age_folders(corpus_root)
    with name_index(corpus_root, DEFAULT_RULE) as index:  # lists all once more (their stat changed)...
        assert index.refresh() == []  # ...and now trusts them
        page(corpus_root, "training/1.html", label=False)  # an edit in place: same names, same folder
        assert index.refresh() == []
        page(corpus_root, "testing/9.html")
        assert index.refresh() == ["testing"]
        assert index.sharing("9") == ["samples/testing/9.html"]


def test_a_trusted_listing_is_what_the_index_answers(corpus_root: Path) -> None:
    """Proof that a trusted folder is not listed again: a page slipped in behind a restored
    mtime stays unseen until the folder's ctime, which no one can set back, gives it away."""
    page(corpus_root, "training/1.html")
    age_folders(corpus_root)
    with name_index(corpus_root, DEFAULT_RULE):
        pass
    folder = corpus_root / "samples/training"
    with name_index(corpus_root, DEFAULT_RULE) as index:
        assert index.refresh() == []
        before = os.stat(folder)
        page(corpus_root, "training/n1.html", label=False)
        os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(folder).st_ctime_ns != before.st_ctime_ns
        assert index.refresh() == ["training"]
        assert index.sharing("1") == ["samples/training/1.html", "samples/training/n1.html"]


def test_a_changed_naming_rule_rematches_every_name(corpus_root: Path) -> None:
    for name in ("EN_1n.html", "EN_1a.html", "FR_1n.html", "7.html", "n7.html"):
        page(corpus_root, f"training/{name}")
    age_folders(corpus_root)
    assert indexed_identities(corpus_root, DEFAULT_RULE) == listed_identities(corpus_root, DEFAULT_RULE)
    assert indexed_identities(corpus_root, SITE_RULE) == listed_identities(corpus_root, SITE_RULE)
    assert indexed_identities(corpus_root, DEFAULT_RULE)["7"] == ["samples/training/7.html", "samples/training/n7.html"]


def test_index_equals_listing_through_messy_changes(corpus_root: Path) -> None:
    """Random adds, renames, deletions and moves between sets, with real-world names
    (spaces, `.htm`, upper case, names the rule rejects, a folder named like a page, a
    linked page), half of the rounds with folders old enough to be trusted."""
    rng = random.Random(17)
    names = ["EN_1n.html", "EN_1a.html", "EN_137370.html", "EN_137370n.html", "EN_X20.html", "EN_130509na.html",
             "DE_89964_change.html", "EN-143210a_change.html", "FR_36n.html", "EN_36n.html", "111 2.html",
             "7.htm", "N8.HTML", "notes.txt", "weird name ü.html", ".hidden.html"]
    (corpus_root / "samples/unused/dir.html").mkdir()
    (corpus_root / "samples/validation/EN_5.html").symlink_to(page(corpus_root, "unused/EN_5b.html"))
    for round_number in range(40):
        for _ in range(rng.randint(1, 4)):
            set_name, name = rng.choice(SETS), rng.choice(names)
            path = corpus_root / "samples" / set_name / name
            action = rng.choice(["add", "add", "delete", "rename", "move"])
            if action == "add":
                page(corpus_root, f"{set_name}/{name}")
            elif path.is_file() and not path.is_symlink():
                if action == "delete":
                    path.unlink()
                else:
                    target_set = rng.choice(SETS) if action == "move" else set_name
                    os.replace(path, corpus_root / "samples" / target_set / rng.choice(names))
        if round_number % 2:
            age_folders(corpus_root)
        rule = SITE_RULE if round_number < 20 else DEFAULT_RULE  # one rule a while: the trusted path runs
        assert indexed_identities(corpus_root, rule) == listed_identities(corpus_root, rule), round_number


def site_corpus(root: Path, sites: int) -> None:
    """`sites` sites, each whole in training, and EN_1 leaking into testing."""
    rubric_path(root).write_text(REAL_RUBRIC)
    for n in range(1, sites + 1):
        page(root, f"training/EN_{n}.html")
    page(root, "testing/EN_1n.html", label=False)
    age_folders(root)


def test_checking_one_page_finds_its_group_elsewhere(corpus_root: Path) -> None:
    site_corpus(corpus_root, 5)
    leak = corpus_root / "samples/testing/EN_1n.html"
    found = [str(f) for f in check_paths(corpus_root, [leak], storage=False) if f.kind == "leakage"]
    assert found == ["samples/training/EN_1.html:1: site `EN_1` spans training (EN_1.html) and testing "
                     "(EN_1n.html): keep a group's pages in one set, or they leak between training and evaluation"]
    assert [f.kind for f in check_paths(corpus_root, [corpus_root / "samples/training/EN_2.html"],
                                        storage=False) if f.kind == "leakage"] == []


def test_a_partial_leakage_check_reads_only_its_groups(corpus_root: Path) -> None:
    """The query names the wanted group, and the rows read are that group's pages, not the corpus's."""
    site_corpus(corpus_root, 50)
    rubric = load_rubric(corpus_root)
    scope = resolve_scope(corpus_root, [corpus_root / "samples/testing/EN_1n.html"])
    statements: list[str] = []
    with name_index(corpus_root, rubric.naming) as index:
        index.db.set_trace_callback(statements.append)
        found = group_findings(rubric, scope, index)
        index.db.set_trace_callback(None)
        plan = [row[-1] for s in statements for row in index.db.execute(f"EXPLAIN QUERY PLAN {s}")]
    assert [f.kind for f in found] == ["leakage"]
    assert len(statements) == 1 and "grp IN (x'454e5f31')" in statements[0]  # EN_1, as bytes
    assert any("listed_names_by_group" in step for step in plan), plan


def test_a_changed_group_rematches_every_name(corpus_root: Path) -> None:
    page(corpus_root, "training/EN_1a.html")
    age_folders(corpus_root)
    pattern = SITE_RULE.pattern
    for group, expected in (("site", "EN_1"), ("lang", "EN"), (None, None)):
        with name_index(corpus_root, NamingRule(pattern, group=group)) as index:
            assert index.db.execute("SELECT grp FROM listed_names").fetchall() == [(expected and expected.encode(),)]
