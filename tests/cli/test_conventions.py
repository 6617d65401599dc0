"""One meaning per option, across every command: --help, exit codes 0/1/2, `-C DIR`,
"not inside a corpus", set names or folders, --json where a script reads the output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from corpus.cli.main import main


def all_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
    return found


# Minimal arguments that get each command past click's parsing to the point where it
# needs a corpus (run in a folder that is not inside one).
NEEDS_A_CORPUS = {
    ("add",): ["page.html"],
    ("import",): ["."],
    ("check",): [],
    ("extract",): [],
    ("inline",): [],
    ("status",): [],
    ("pick",): ["unused", "training", "1"],
    ("split",): [],
    ("vectorize",): ["training"],
    ("retrain",): [],
    ("metrics",): [],
    ("ship",): [],
    ("crops",): ["-o", "crops"],
    ("hooks", "install"): [],
    ("hooks", "status"): [],
    ("hooks", "run"): ["check"],
}


def _in(cwd: Path, args: tuple[str, ...]) -> Result:
    """The command run in-process (fast, for the many cases) from `cwd`."""
    before = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(before)


@pytest.mark.parametrize("command", all_commands(), ids=" ".join)
def test_every_command_has_help_and_a_bad_option_is_a_usage_error(command: tuple[str, ...], tmp_path: Path):
    shown = _in(tmp_path, (*command, "--help"))
    assert shown.exit_code == 0 and "Usage: " in shown.output
    bad = _in(tmp_path, (*command, "--no-such-option"))
    assert bad.exit_code == 2, bad.output
    assert "--no-such-option" in bad.output  # named in the one-line error


def test_the_table_of_corpus_commands_is_complete():
    leaves = {c for c in all_commands() if not isinstance(main.commands.get(c[0]), click.Group) or len(c) > 1}
    standalone = {("init",), ("list",), ("train",), ("test",), ("histogram",), ("train-images",), ("test-images",),
                  ("predict-images",), ("serve",), ("fox",), ("completion",), ("label",), ("collect",)}
    assert leaves == set(NEEDS_A_CORPUS) | standalone, "new command: say whether it needs a corpus"


@pytest.mark.parametrize("command", sorted(NEEDS_A_CORPUS), ids=" ".join)
def test_not_inside_a_corpus_is_bad_usage(command: tuple[str, ...], tmp_path: Path):
    (tmp_path / "page.html").write_text("<html></html>")
    (tmp_path / "samples" / "training").mkdir(parents=True)  # a folder named like a set, but no repository
    result = _in(tmp_path, (*command, *NEEDS_A_CORPUS[command]))
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1] == (
        f"corpus: error: {tmp_path.resolve()}: not inside a corpus (run `corpus init` first)")


def test_dash_c_applies_to_every_path_argument(tmp_path: Path, corpus_root: Path, corpus_cli):
    (corpus_root / "samples/training/1.html").write_text('<html><body><input type="password" '
                                                         'data-fathom="new-password"></body></html>')
    (corpus_root / "pages").mkdir()
    (corpus_root / "pages/7.html").write_text('<html><head><link rel="original" href="https://e.com/7">'
                                              "</head></html>")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    c = ("-C", str(corpus_root))
    listed = corpus_cli(*c, "list", "-u", "pages", cwd=elsewhere)
    assert listed.stdout == "7.html https://e.com/7\n"
    checked = corpus_cli(*c, "check", "samples/training/1.html", "--json", cwd=elsewhere)
    assert checked.returncode == 0 and json.loads(checked.stdout) == []
    by_name = corpus_cli(*c, "check", "training", cwd=elsewhere)  # a set by name, not a path
    assert by_name.returncode == 0, by_name.stderr
    labeled = corpus_cli(*c, "label", "pages", "article", "--no-preserve-originals", cwd=elsewhere)
    assert labeled.returncode == 0, labeled.stderr
    assert (corpus_root / "pages/7.html").read_text().startswith('<html data-fathom="article">')
    extracted = corpus_cli(*c, "extract", "pages", "--json", cwd=elsewhere)
    assert extracted.returncode == 0 and json.loads(extracted.stdout)[0]["page"] == "pages/7.html"
    assert (corpus_root / "pages/originals/7.html").is_file()  # outside the sets: fathom's behaviour
    missing = corpus_cli(*c, "check", "samples/training/nosuch.html", cwd=elsewhere)
    assert missing.returncode == 2 and "nosuch.html: no such file or folder" in missing.stderr
    no_dir = corpus_cli("-C", str(tmp_path / "nosuch"), "status", cwd=elsewhere)
    assert no_dir.returncode == 2 and "does not exist" in no_dir.stderr


def test_json_where_scripts_read_the_output(tmp_path: Path, corpus_cli, git):
    made = corpus_cli("init", "c", "--json", cwd=tmp_path)
    assert made.returncode == 0
    report = json.loads(made.stdout)
    root = Path(report["root"])
    assert report["root"] == str((tmp_path / "c").resolve()) and "samples/rubric.md" in report["created"]
    page = tmp_path / "saved.html"
    page.write_text('<html><body><input type="password" data-fathom="new-password"></body></html>')
    added = corpus_cli("add", str(page), "--to", "samples/training", "--json", cwd=root)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {"added": [{"source": str(page), "page": "samples/training/1.html",
                                                   "negative": False}], "skipped": [], "problems": []}
    listed = corpus_cli("list", "samples", "-u", "--json", cwd=root)
    assert json.loads(listed.stdout) == [{"path": "training/1.html", "url": None}]
    hooks = corpus_cli("hooks", "install", "--json", cwd=root)
    assert json.loads(hooks.stdout) == {"lfs": True, "pre-commit": True, "launcher": True}
    bad_set = corpus_cli("add", str(page), "--to", "nosuch", cwd=root)
    assert bad_set.returncode == 2 and "'nosuch' is not a set" in bad_set.stderr
