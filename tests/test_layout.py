"""The code's shape: one package per stage, no import cycle, modules a reader can hold."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "trainer", "hooks")
MAX_MODULE_LINES = 400
MAX_TOP_LEVEL_MODULES = 10
MAX_CLI_FUNCTION_LINES = 40  # the click layer parses and prints; the work is in the stages


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((REPO / package).rglob("*.py"))}


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules that `path` imports, at any depth (lazy imports included).

    `from a.b import c` depends on `a.b.c` when that is a module, else on `a.b`;
    importing a module also runs its packages' `__init__`, so those count too.
    """
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in known and prefix != name:
                    found.add(prefix)
    return found


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_anywhere():
    modules = project_modules()
    known = set(modules)
    graph = {name: imported_modules(path, name, known) for name, path in modules.items()}
    assert "corpus.cli.common" in graph["corpus.cli.train"]  # the parser resolves real imports
    assert import_cycles(graph) == []


def test_corpus_holds_few_modules_and_every_package_says_what_it_does():
    top = sorted(p.name for p in (REPO / "corpus").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    for init in sorted(REPO.glob("*/**/__init__.py")):
        if init.parts[len(REPO.parts)] not in PACKAGES:
            continue
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init}: no docstring"


def test_no_module_is_too_long_to_read():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in project_modules().items()}
    assert {name: n for name, n in lengths.items() if n > MAX_MODULE_LINES} == {}


def long_functions(path: Path, limit: int) -> dict[str, int]:
    """`module.function: lines` (from `def` to its last line) of the functions in `path` over `limit` lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lengths = {f"{module_name(path)}.{node.name}": node.end_lineno - node.lineno + 1 for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None}
    return {name: n for name, n in lengths.items() if n > limit}


def test_the_click_layer_is_thin():
    found = {}
    for path in sorted((REPO / "corpus" / "cli").glob("*.py")):
        found |= long_functions(path, MAX_CLI_FUNCTION_LINES)
        # Completion goes through click's public API (ParamType.shell_complete), not its internals.
        assert "_custom_shell_complete" not in path.read_text(encoding="utf-8"), path
    assert found == {}


def test_user_rulesets_keep_their_import_path():
    from corpus import ruleset
    from corpus.vectors import ruleset as moved

    assert ruleset.Ruleset is moved.Ruleset and ruleset.linear_scale is moved.linear_scale


def test_one_meaning_per_class_name():
    """A top-level class name is defined in one project module only: two `Problem`s or two
    `Layer`s make a reader (and a grep) take one for the other."""
    defined: dict[str, list[str]] = {}
    for name, path in project_modules().items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                defined.setdefault(node.name, []).append(name)
    duplicates = {cls: modules for cls, modules in defined.items() if len(modules) > 1}
    assert duplicates == {}


# The floors of the house: a module imports only from its own floor and those below.
# A tie that runs up marks a piece on the wrong floor (see README, Layout).
FLOORS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (8, ("corpus.cli", "corpus.__main__", "hooks")),
    (7, ("corpus.serve",)),
    (6, ("trainer",)),
    (5, ("corpus.samples", "corpus.check", "corpus.cluster", "corpus.collect")),
    (4, ("corpus.vectors", "corpus.ruleset", "corpus.templates")),
    (3, ("corpus.render",)),
    (2, ("corpus.extract",)),
    (1, ("corpus.tree",)),
    (0, ("corpus.store", "corpus.errors", "corpus.progress", "corpus.textformats", "corpus.findings",
         "corpus.starttags", "corpus.parallel")),
)


def floor_of(module: str) -> int:
    if module == "corpus":  # the package's own __init__: a docstring and the version
        return 0
    for floor, prefixes in FLOORS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return floor
    raise AssertionError(f"{module}: on no floor (add its package to FLOORS)")


def test_the_floor_finder_sees_a_tie_that_runs_up():
    assert floor_of("corpus.vectors.vectorize") > floor_of("corpus.tree.sample") > floor_of("corpus.store.atomic")
    assert floor_of("corpus.cli.train") > floor_of("trainer.train") > floor_of("corpus.cluster.choice")


def test_no_module_imports_from_a_floor_above_its_own():
    modules = project_modules()
    known = set(modules)
    upward = sorted(
        f"{name} ({floor_of(name)}) -> {target} ({floor_of(target)})"
        for name, path in modules.items()
        for target in imported_modules(path, name, known)
        if target != "corpus" and floor_of(target) > floor_of(name)
    )
    assert upward == []


MAX_FUNCTION_LINES = 60
LONG_FUNCTIONS_ALLOWED = 2  # hot loops, each saying why in its docstring


def test_functions_are_short_but_for_a_hot_loop_or_two():
    long = {}
    for name, path in project_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                    long[f"{name}.{node.name}"] = ast.get_docstring(node) or ""
    assert len(long) <= LONG_FUNCTIONS_ALLOWED, sorted(long)
    assert all("loop" in doc for doc in long.values()), {f: "no reason in its docstring" for f in long}
