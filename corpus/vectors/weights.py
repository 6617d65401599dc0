"""Where a ruleset file holds its weights, and the ruleset's hash without them.

A Fathom ruleset keeps each rule's coefficient and each type's bias as number
literals in `[name, number]` pairs (`coeffs: new Map([...])`, or Firefox's
`const coefficients = {new: [...]}` with `const biases = [["new", ...]]`). The
file is parsed, never run or matched by patterns: JavaScript by acorn on Node
(`js/locate.mjs`), Python by `ast` (module-level `coefficients = {"type": [(rule,
number), ...]}` and `biases = [("type", number)]`, or a dict). Spans are UTF-8
byte offsets, so a rewrite keeps every other byte as it was.

`rules_hash` is the sha256 of the file with those literals masked and `corpus
ship:` marker lines dropped: what vectors depend on. Shipping new weights changes
the file's bytes (FathomFox's `rulesetHash`), not its rules hash.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from corpus.store.filecache import FileCache
from corpus.vectors.jsruleset import JS_DIR, SETUP_HINT, is_js_ruleset, node_json

MARKER_TEXT = "corpus ship:"  # what the comment ship writes begins with
LAYOUT_VERSION = 2  # bump when what Python rulesets' reading finds or masks changes (cache keys)
# The module-level names a Python ruleset keeps its weights in (the scaffolds', FathomFox's):
# exactly these, so a constant such as BIAS_THRESHOLDS stays part of the rules hash.
_COEFF_NAME = "coefficients"
_BIAS_NAME = "biases"


@dataclass(frozen=True)
class Span:
    """A number literal (its sign included) at bytes [start, end), and the name paired with it."""

    name: str
    start: int
    end: int


@dataclass
class WeightLayout:
    coeffs: dict[str, list[Span]] = field(default_factory=dict)  # trainee -> its coefficient literals
    vector_types: dict[str, str] = field(default_factory=dict)  # trainee -> the type its bias is named by
    biases: list[Span] = field(default_factory=list)  # bias literals, named by type
    markers: list[Span] = field(default_factory=list)  # `corpus ship:` comments; name is their text
    anchors: dict[str, int] = field(default_factory=dict)  # trainee -> start of the line a marker goes above

    def bias_for(self, trainee: str) -> Span | None:
        wanted = self.vector_types.get(trainee, trainee)
        return next((b for b in self.biases if b.name == wanted), None)

    def marker_for(self, trainee: str) -> Span | None:
        return next((m for m in self.markers if f"trainee={trainee} " in m.name + " "), None)


def comment_prefix(path: Path) -> str:
    return "//" if is_js_ruleset(path) else "#"


def weight_layout(path: Path, source: bytes | None = None) -> WeightLayout:
    """The weights of `path` (its bytes `source`, if read already); CorpusError if it does not parse."""
    path = Path(path)
    source = path.read_bytes() if source is None else source
    return _js_layout(path) if is_js_ruleset(path) else _python_layout(path, source)


def masked(source: bytes, layout: WeightLayout) -> bytes:
    """`source` with every weight literal replaced by 0 and every marker line removed."""
    cuts: list[tuple[int, int, bytes]] = [(s.start, s.end, b"0") for spans in layout.coeffs.values() for s in spans]
    cuts += [(s.start, s.end, b"0") for s in layout.biases]
    for marker in layout.markers:
        line_start = source.rfind(b"\n", 0, marker.start) + 1
        alone = not source[line_start:marker.start].strip()
        end = source.find(b"\n", marker.end)
        end = len(source) if end < 0 else end + 1
        cuts.append((line_start, end, b"") if alone else (marker.start, marker.end, b""))
    return splice(source, cuts)


def splice(source: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    """`source` with each [start, end) replaced by its bytes; cuts must not overlap."""
    out, at = [], 0
    for start, end, text in sorted(set(cuts)):
        out += [source[at:start], text]
        at = end
    return b"".join([*out, source[at:]])


@dataclass(frozen=True)
class RulesetWeights:
    """What `corpus status`, `metrics` and vectorize read of a ruleset: its rules hash and
    the `corpus ship:` markers (see `ruleset_weights`)."""

    rules_hash: str | None  # None: the file holds no weights
    markers: list[Span]

    def marker_for(self, trainee: str) -> Span | None:
        return WeightLayout(markers=self.markers).marker_for(trainee)


def ruleset_weights(path: Path, cache_root: Path | None = None) -> RulesetWeights:
    """The ruleset's rules hash and markers; CorpusError when it does not parse. With
    `cache_root`, readings are kept in `.corpus-cache/weights/`, by the file's sha256 and
    the reader's version, so Node runs once per ruleset content; a failure (no Node, no
    acorn, a syntax error) is not kept."""
    source = Path(path).read_bytes()
    key = hashlib.sha256(source + Path(path).suffix.lower().encode() + reader_version().encode()).hexdigest()
    cache = None if cache_root is None else FileCache(cache_root, "weights", ".json")
    cached = None if cache is None else cache.get(key)
    if cached is not None:
        data = json.loads(cached)
        return RulesetWeights(data["rulesHash"], [Span(*m) for m in data["markers"]])
    layout = weight_layout(path, source)
    holds_weights = any(layout.coeffs.values()) or bool(layout.biases)
    answer = RulesetWeights(hashlib.sha256(masked(source, layout)).hexdigest() if holds_weights else None,
                            layout.markers)
    if cache is not None:
        markers = [[m.name, m.start, m.end] for m in answer.markers]
        cache.put(key, json.dumps({"rulesHash": answer.rules_hash, "markers": markers}).encode())
    return answer


def rules_hash(path: Path, cache_root: Path | None = None) -> str | None:
    """sha256 of the ruleset with its weights masked (see the module docstring); None
    when it holds no weights or does not parse (then the sha256 of its bytes serves).
    `cache_root`: see `ruleset_weights`."""
    try:
        return ruleset_weights(path, cache_root).rules_hash
    except CorpusError:
        return None  # not kept: the next run, with Node and acorn installed, may read it


def reader_version() -> str:
    """What a cached reading depends on besides the file: locate.mjs and LAYOUT_VERSION."""
    return hashlib.sha256((JS_DIR / "locate.mjs").read_bytes() + f"\n{LAYOUT_VERSION}".encode()).hexdigest()


def _js_layout(path: Path) -> WeightLayout:
    if not (JS_DIR / "node_modules" / "acorn").is_dir():
        raise CorpusError(f"acorn is not installed for reading JavaScript rulesets: {SETUP_HINT}")
    answer = node_json("locate.mjs", str(path), failing=f"{path}: reading the ruleset's weights failed")
    if "error" in answer:
        where = f"{path}:{answer['line']}" if "line" in answer else str(path)
        raise CorpusError(f"{where}: {answer['error']}")

    def spans(items: list[dict]) -> list[Span]:
        return [Span(str(i.get("name", i.get("text", ""))), int(i["start"]), int(i["end"])) for i in items]

    return WeightLayout(
        coeffs={t: spans(info["coeffs"]) for t, info in answer["trainees"].items()},
        vector_types={t: str(info["vectorType"]) for t, info in answer["trainees"].items()},
        biases=spans(answer["biases"]),
        markers=spans(answer["markers"]),
        anchors={t: int(offset) for t, offset in answer["anchors"].items()},
    )


# --- Python rulesets ---------------------------------------------------------------------


def _python_layout(path: Path, source: bytes) -> WeightLayout:
    try:
        # ast counts columns in the UTF-8 bytes of each line: any other coding
        # (a `# -*- coding: latin-1 -*-` file) would put every span in the wrong place.
        source.decode("utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: the ruleset is not UTF-8 text") from None
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as e:
        raise CorpusError(f"{path}:{e.lineno}: syntax error in the ruleset: {e.msg}") from None
    lines = [0]
    for line in source.splitlines(keepends=True):
        lines.append(lines[-1] + len(line))
    layout = WeightLayout()
    for statement in tree.body:
        target, value = _assignment(statement)
        if target is None or value is None:
            continue
        if target == _COEFF_NAME and isinstance(value, ast.Dict):
            for key, pairs in zip(value.keys, value.values):
                found = _python_pairs(pairs, lines)
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and found is not None:
                    layout.coeffs[key.value] = found
                    layout.vector_types[key.value] = key.value
                    layout.anchors[key.value] = lines[statement.lineno - 1]
        elif target == _BIAS_NAME:
            layout.biases += _python_pairs(value, lines) or _python_dict(value, lines)
    layout.markers = _python_markers(source, lines)
    return layout


def _assignment(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


def _python_number(node: ast.expr, lines: list[int]) -> tuple[int, int] | None:
    inner = node.operand if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) else node
    if not (isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool)):
        return None
    assert node.end_lineno is not None and node.end_col_offset is not None
    return lines[node.lineno - 1] + node.col_offset, lines[node.end_lineno - 1] + node.end_col_offset


def _python_pairs(node: ast.expr, lines: list[int]) -> list[Span] | None:
    """The spans of a list or tuple of (name, number) pairs; None for anything else."""
    if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
        return None
    out = []
    for item in node.elts:
        if not isinstance(item, (ast.List, ast.Tuple)) or len(item.elts) != 2:
            return None
        name, value = item.elts
        at = _python_number(value, lines)
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)) or at is None:
            return None
        out.append(Span(name.value, *at))
    return out


def _python_dict(node: ast.expr, lines: list[int]) -> list[Span]:
    """The spans of a {"type": number} dict's numbers."""
    if not isinstance(node, ast.Dict):
        return []
    out = []
    for key, value in zip(node.keys, node.values):
        at = _python_number(value, lines)
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and at is not None:
            out.append(Span(key.value, *at))
    return out


def _python_markers(source: bytes, lines: list[int]) -> list[Span]:
    out = []
    tokens = tokenize.tokenize(io.BytesIO(source).readline)
    for token in tokens:
        text = token.string.lstrip("#").strip()
        if token.type == tokenize.COMMENT and text.startswith(MARKER_TEXT):
            row, col = token.start
            # tokenize counts columns in characters; the line's bytes give the byte offset
            start = lines[row - 1] + len(token.line[:col].encode())
            out.append(Span(text, start, start + len(token.string.encode())))
    return out
