"""`corpus completion SHELL`, and the parameter types that complete trainees, rules and models.

Completion goes through click's public API: each type's `shell_complete` offers the
names, so a new command whose `--trainee` takes TRAINEE completes trainees with no
extra code (set names complete through SetName and SetOrPath in common.py). They
read the corpus around the cwd, cheaply, and complete nothing outside one.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click
from click.shell_completion import CompletionItem, get_completion_class

from corpus.errors import CorpusError
from corpus.tree.sample import SETS, find_root

SHELLS = ("bash", "zsh", "fish")
HEADER_BYTES = 64 * 1024  # a vector file's header sits at its start; never read whole files to complete
FEATURE_NAMES = re.compile(r'"featureNames"\s*:\s*\[([^\]]*)\]')

def _root() -> Path | None:
    try:
        return find_root(Path.cwd())
    except CorpusError:
        return None


def _matching(names: set[str], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(name) for name in sorted(names) if name.startswith(incomplete)]


def trainee_names(root: Path) -> set[str]:
    """The rubric's types, and the trainees models and vector files are named after."""
    from corpus.tree.rubric import load_rubric

    names = {p.stem for p in (root / "models").glob("*.json")}
    names |= {p.stem.split("_", 1)[1] for p in (root / "vectors").glob("*_*.json") if p.stem.split("_", 1)[0] in SETS}
    try:
        names |= set(load_rubric(root).types)
    except CorpusError:
        pass  # a broken rubric still lets the other names complete
    return names


def rule_names(root: Path) -> set[str]:
    """The rule (feature) names in the vector files' headers and the models' coefficients."""
    names: set[str] = set()
    for path in (root / "vectors").glob("*.json"):
        with open(path, "rb") as f:
            match = FEATURE_NAMES.search(f.read(HEADER_BYTES).decode("utf-8", "replace"))
        if match:
            names |= set(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))
    for path in (root / "models").glob("*.json"):
        try:
            names |= {rule for rule, _ in json.loads(path.read_bytes()).get("coeffs", [])}
        except (ValueError, TypeError, AttributeError):
            continue
    return names


class TraineeName(click.ParamType):
    """A trainee (a type of the rubric): completes the rubric's types and those with models or vectors."""

    name = "trainee"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        root = _root()
        return _matching(trainee_names(root), incomplete) if root else []


class RuleName(click.ParamType):
    """A rule (feature) name: completes those in the vector files' headers and the models."""

    name = "rule"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        root = _root()
        return _matching(rule_names(root), incomplete) if root else []


class ModelPath(click.Path):
    """A model file: completes those under models/ (as paths from the cwd), then any file."""

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        root = _root()
        found = set()
        if root is not None:
            found = {Path(os.path.relpath(path)).as_posix() for path in (root / "models").glob("*.json")}
        return [*_matching(found, incomplete), CompletionItem(incomplete, type="file")]


TRAINEE = TraineeName()
RULE = RuleName()


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for SHELL (click's completion).

    \b
    bash:  echo 'eval "$(corpus completion bash)"' >> ~/.bashrc
    zsh:   echo 'eval "$(corpus completion zsh)"' >> ~/.zshrc
    fish:  corpus completion fish > ~/.config/fish/completions/corpus.fish

    Commands, options and paths complete, and so do set names (unused, training,
    validation, testing), trainees (--trainee: the rubric's types and those with
    models or vector files), rule names (-x/--exclude, --rule: from vector files
    and models) and model files (test's MODEL).
    """
    root = ctx.find_root()
    script = get_completion_class(shell)(root.command, {}, "corpus", "_CORPUS_COMPLETE")
    click.echo(script.source())
