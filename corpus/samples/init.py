"""`corpus init`: make a working corpus repository, or repair what an existing one lacks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from corpus.errors import BadInput
from corpus.samples.hookwiring import CONFIG, install_hooks, migrate_config
from corpus.store import gitcli
from corpus.store.atomic import atomic_write
from corpus.tree.sample import SAMPLES_DIR, SETS

LFS_ATTRIBUTE_LINE = "samples/**/resources/** filter=lfs diff=lfs merge=lfs -text"
# Two branches that each add pages append to the fingerprint record; its lines are
# independent, so git's union merge joins them instead of stopping on a conflict.
RECORD_ATTRIBUTE_LINE = "samples/added.sha256 merge=union"
ATTRIBUTE_LINES = (LFS_ATTRIBUTE_LINE, RECORD_ATTRIBUTE_LINE)
# What corpus writes that is no sample: `train`'s TensorBoard logs (runs/, under the
# folder it runs in) and the file cache (which also ignores itself from inside).
IGNORE_LINES = ("runs/", ".corpus-cache/")

# (template name, path in the corpus): written only where the corpus has no such file.
SCAFFOLD = (
    ("rubric.md", f"{SAMPLES_DIR}/rubric.md"),
    ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ("rulesets.py", "rulesets.py"),
)
# `init --js`: a Fathom rulesets.js instead of rulesets.py.
JS_SCAFFOLD = (*SCAFFOLD[:2], ("rulesets.js", "rulesets.js"))
# `init --types`: these templates, written for one example type, made about the given types.
TYPED_RULESETS = {"rulesets.py": "rulesets-types.py", "rulesets.js": "rulesets-types.js"}
EXAMPLE_TYPE = "type-a"
TYPE_NAME = re.compile(r"[^\s\"'<>&=,]+")  # a data-fathom value that needs no quoting anywhere


@dataclass
class InitReport:
    root: Path
    created: list[str] = field(default_factory=list)  # what this run added or repaired


def template_text(name: str) -> str:
    return resources.files("corpus.templates").joinpath(name).read_text(encoding="utf-8")


def parse_types(text: str) -> tuple[str, ...]:
    """`--types a,b`: label type names, each once."""
    types = tuple(t.strip() for t in text.split(",") if t.strip())
    bad = [t for t in types if not TYPE_NAME.fullmatch(t)]
    if not types or bad or len(set(types)) != len(types):
        raise BadInput(f"--types {text}: expected distinct type names separated by commas, like login,signup")
    return types


def rubric_with_types(rubric_text: str, types: Sequence[str]) -> str | None:
    """The scaffold-shaped rubric with `types` instead of its types (None if it has no `types:` block).

    The front matter's block becomes one entry per type, to describe; the prose
    section of the scaffold's example type, if present, becomes one per type.
    """
    entries = {t: {"description": f"What a {t} is, and what looks like one but is not."} for t in types}
    block = yaml.safe_dump({"types": entries}, sort_keys=False, width=1000)
    text, found = re.subn(r"^types:\n(?:  .*\n)+", lambda _: block, rubric_text, count=1, flags=re.M)
    if not found:
        return None
    sections = "".join(f"## {t}\n\n- Label each element that is a {t}: say here what counts and what does not.\n\n"
                       for t in types)
    return re.sub(r"^## new-password\n.*?(?=^Whenever)", lambda _: sections, text, count=1, flags=re.M | re.S)


def _scaffold_text(template: str, types: Sequence[str]) -> str:
    """A template's text; with `types`, the rubric and ruleset for those types."""
    if not types:
        return template_text(template)
    if template == "rubric.md":
        return rubric_with_types(template_text(template), types) or template_text(template)
    if template in TYPED_RULESETS:
        return typed_ruleset(template_text(TYPED_RULESETS[template]), types)
    return template_text(template)


def typed_ruleset(template: str, types: Sequence[str]) -> str:
    """The example type's ruleset made about `types`: a list of the example type becomes the
    list of types (a JSON list is a Python and a JavaScript list alike), and every other
    line naming it is written once per type, as `corpus ship` wants a literal per trainee."""
    example = json.dumps(EXAMPLE_TYPE)
    text = template.replace(f"[{example}]", json.dumps(list(types)))
    lines = []
    for line in text.splitlines(keepends=True):
        lines += [line.replace(example, json.dumps(t)) for t in types] if example in line else [line]
    return "".join(lines)


def init_corpus(directory: Path, js: bool = False, types: Sequence[str] = ()) -> InitReport:
    """Make or repair a corpus; `js` scaffolds a JavaScript rulesets.js, not rulesets.py;
    `types` makes the scaffolded rubric and ruleset about those label types, not the example."""
    gitcli.require_tools()
    scaffold = JS_SCAFFOLD if js else SCAFFOLD
    directory.mkdir(parents=True, exist_ok=True)
    report = InitReport(directory.resolve())
    root = report.root
    if not gitcli.is_repo(root):
        gitcli.run(root, "init", "--quiet")
        report.created.append("git repository")
    written = _write_scaffold(root, scaffold, types, report)
    if ensure_attributes(root):
        written.append(".gitattributes")
        report.created.append(".gitattributes (LFS rule for resources, union merge for samples/added.sha256)")
    if ensure_ignores(root):
        written.append(".gitignore")
        report.created.append(".gitignore (runs/ of train's TensorBoard logs, .corpus-cache/)")
    install_hooks(root)
    if migrate_config(root):
        written.append(CONFIG)
        report.created.append(".pre-commit-config.yaml (hooks now run corpus through the clone's launcher)")
    # Stage what this run wrote, so the first commit carries the scaffold; never a file
    # the user changed (a rubric being edited), never a sample.
    if written:
        gitcli.run(root, "add", "--", *written)
    return report


def _write_scaffold(root: Path, scaffold: tuple[tuple[str, str], ...], types: Sequence[str],
                    report: InitReport) -> list[str]:
    """Write the set folders and scaffold files that are missing; the paths written."""
    written = []
    for set_name in SETS:
        keep = root / SAMPLES_DIR / set_name / ".gitkeep"
        if not keep.parent.is_dir():
            keep.parent.mkdir(parents=True)
            report.created.append(f"{SAMPLES_DIR}/{set_name}/")
        if not keep.exists():
            keep.touch()
            written.append(keep.relative_to(root).as_posix())
    for template, relpath in scaffold:
        target = root / relpath
        if not target.exists():
            atomic_write(target, _scaffold_text(template, types).encode())
            written.append(relpath)
            report.created.append(relpath)
    return written


def ensure_attributes(root: Path) -> bool:
    """Add the corpus's lines to .gitattributes where missing, keeping the user's; True if any was added."""
    return _append_missing(root / ".gitattributes", ATTRIBUTE_LINES, lambda line: tuple(line.split()))


def ensure_ignores(root: Path) -> bool:
    """Add `runs/` and `.corpus-cache/` to .gitignore where missing (`/runs`, `runs` count), keeping the user's."""
    return _append_missing(root / ".gitignore", IGNORE_LINES, lambda line: line.strip().strip("/"))


def _append_missing(path: Path, lines: tuple[str, ...], key: Callable[[str], object]) -> bool:
    """Append those of `lines` whose key no line of `path` has; True if any was appended."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {key(line) for line in text.splitlines()}
    missing = [line for line in lines if key(line) not in present]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write(path, (text + "".join(line + "\n" for line in missing)).encode())
    return True
