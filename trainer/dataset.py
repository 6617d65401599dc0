"""Feature vectors as arrays: the one shape the trainer, tester and histogram read.

A vector file is read straight into numpy arrays (trainer/reading.py parses the
JSON): one float32 matrix of the candidates' rule scores, and flat per-node
columns (target? pruned? markup) with each page's first node, for the per-page
reports. No per-node Python object outlives the read: at 100x the real size a
file holds a million nodes.

Pruned targets (targets no candidate selector picked) have no features, so they
never reach the model; they are counted separately and always score as false
negatives.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from corpus.errors import BadInput, BadInputFile
from corpus.vectors.vectorfile import VectorFile, header_feature_names, vectors_to_json
from trainer.reading import map_parts, parse_json, part_count, read_bytes, split_pages


@dataclass
class NodeTable:
    """Every node of a file, pruned ones included, in file order."""

    filenames: list[str]  # per page
    times: list[float | None]  # per page: milliseconds spent vectorizing it
    starts: np.ndarray  # (pages + 1,) index of each page's first node; the last is the node count
    is_target: np.ndarray  # (nodes,) bool
    pruned: np.ndarray  # (nodes,) bool: no candidate selector picked it, so it has no features
    markup: list[str | None]  # (nodes,) start tags, None in files written before markup was kept

    def page_of(self, node: int) -> int:
        return int(np.searchsorted(self.starts, node, side="right")) - 1


@dataclass
class Dataset:
    feature_names: list[str]
    x: np.ndarray  # (candidates, features) float32, in page order, then node order
    y: np.ndarray  # (candidates,) float32: 1.0 for targets
    nodes: NodeTable  # every node, for per-page reports (candidates are the unpruned ones)
    columns: list[int]  # where each of feature_names sits in the file's feature list
    source: str  # what the user named: a file path, for messages and provenance
    ruleset_hash: str | None = None
    sha256: str | None = None  # of the bytes read, for a file: what a model's provenance records

    @property
    def pruned_targets(self) -> int:
        return int(np.count_nonzero(self.nodes.is_target & self.nodes.pruned))

    @property
    def targets(self) -> int:
        """Every target, pruned ones included."""
        return int(self.y.sum()) + self.pruned_targets


def load_dataset(path: Path, exclude: Sequence[str] = (), features: Sequence[str] | None = None,
                 with_sha256: bool = False) -> Dataset:
    """Read a vector file; see `dataset_from_json` for `exclude` and `features`. `with_sha256`:
    also hash the bytes read (what a model's provenance records; testing has no use for it).

    A big file's pages are parsed in parts at once (trainer/reading.py). Anything
    unusual about a part (not JSON to orjson, a non-finite score, a wrong number of
    features) sends the whole file down the one-piece path below, whose messages
    name file, page and rule.
    """
    path = Path(path)
    raw = read_bytes(path)
    with _no_cycle_collection():
        arrays = _arrays_in_parts(raw)
        if arrays is not None:
            names, table, full, ruleset_hash = arrays
            dataset = _dataset(names, table, full, ruleset_hash, str(path), exclude, features)
        else:
            dataset = dataset_from_json(parse_json(raw, path), str(path), exclude=exclude, features=features)
    if with_sha256:  # from the bytes in hand: reading the file again could see another file
        dataset.sha256 = hashlib.sha256(raw).hexdigest()
    return dataset


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a file's millions of lists and dicts are made.

    Each few hundred new containers trigger a collection that walks the young
    ones, and older generations get walked again and again as the parse grows:
    at 100x the real size that doubled the parse. The parsed tree has no cycles
    (it is freed by reference counting as soon as the arrays are built), so
    nothing is left for the collector to find.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def dataset_from_vectors(
    vectors: VectorFile, source: str, exclude: Sequence[str] = (), features: Sequence[str] | None = None
) -> Dataset:
    """The same arrays from a VectorFile in memory (tests, made-up vectors), pages in filename order
    as a written file has them."""
    return dataset_from_json(vectors_to_json(vectors), source, exclude=exclude, features=features)


def dataset_from_json(
    data: Any, source: str, exclude: Sequence[str] = (), features: Sequence[str] | None = None
) -> Dataset:
    """Arrays of the candidate nodes of a parsed vector file.

    `features` picks (and orders) columns by name, as a trained model needs them;
    otherwise all of the file's features are used. `exclude` then drops rules by
    name (the ablation switch). Unknown names are a BadInput naming the file; a
    file that is not a Fathom vector file is a CorpusError naming it.
    """
    try:
        _, names = header_feature_names(data["header"])
        table, rows = _node_table(data["pages"], len(names))
        ruleset_hash = data["header"].get("rulesetHash")
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise BadInputFile(f"{source}: not a Fathom vector file: {e}") from None
    full = _float_matrix(rows, len(names), table, names, source)
    _refuse_non_finite(full, rows, table, names, source)
    return _dataset(names, table, full, ruleset_hash, source, exclude, features)


def _dataset(
    names: list[str], table: NodeTable, full: np.ndarray, ruleset_hash: str | None, source: str,
    exclude: Sequence[str], features: Sequence[str] | None,
) -> Dataset:
    """The Dataset of a file's columns `features` (all of them if None) less `exclude`."""
    wanted = list(features) if features is not None else list(names)
    missing = [n for n in [*wanted, *exclude] if n not in names]
    if missing:
        raise BadInput(f"{source}: no feature named {', '.join(repr(m) for m in missing)} (it has: {', '.join(names)})")
    wanted = [n for n in wanted if n not in set(exclude)]
    columns = [names.index(n) for n in wanted]
    x = full if columns == list(range(len(names))) else np.ascontiguousarray(full[:, columns])
    return Dataset(
        feature_names=wanted,
        x=x,
        y=table.is_target[~table.pruned].astype(np.float32),
        nodes=table,
        columns=columns,
        source=source,
        ruleset_hash=ruleset_hash,
    )


def _arrays_in_parts(raw: bytes) -> tuple[list[str], NodeTable, np.ndarray, str | None] | None:
    """Feature names, node table, matrix and ruleset hash of a file parsed in parts; None when
    it is too small to split, not laid out for it, or anything in it needs the one-piece path."""
    split = split_pages(raw, part_count(len(raw)))
    if split is None:
        return None
    try:
        skeleton = orjson.loads(split.skeleton)
        _, names = header_feature_names(skeleton["header"])
        ruleset_hash = skeleton["header"].get("rulesetHash")
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None
    if skeleton.get("pages") != []:
        return None
    parts = map_parts(raw, split.parts, partial(_part_arrays, width=len(names)))
    if any(part is None for part in parts):
        return None
    tables, matrices = zip(*parts)  # type: ignore[misc]
    return names, _joined_tables(list(tables)), np.concatenate(matrices), ruleset_hash


def _part_arrays(pages: bytes, width: int) -> tuple[NodeTable, np.ndarray] | None:
    """A JSON array of pages' node table and finite float32 matrix; None for anything unusual."""
    try:
        table, rows = _node_table(orjson.loads(pages), width)
        with np.errstate(over="ignore"):
            matrix = np.array(rows, dtype=np.float32).reshape(len(rows), width)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return None
    return (table, matrix) if np.isfinite(matrix).all() else None


def _joined_tables(tables: list[NodeTable]) -> NodeTable:
    """One table of consecutive runs of pages."""
    offsets = np.cumsum([0, *(t.starts[-1] for t in tables[:-1])])
    return NodeTable(
        filenames=[name for t in tables for name in t.filenames],
        times=[time for t in tables for time in t.times],
        starts=np.concatenate([[0], *(t.starts[1:] + offset for t, offset in zip(tables, offsets))]).astype(np.intp),
        is_target=np.concatenate([t.is_target for t in tables]),
        pruned=np.concatenate([t.pruned for t in tables]),
        markup=[m for t in tables for m in t.markup],
    )


def _node_table(pages: list[dict[str, Any]], width: int) -> tuple[NodeTable, list[list[Any]]]:
    """The per-node columns, and each candidate's feature list as parsed (not yet copied).

    Comprehensions rather than one loop with many appends: each is a tight pass,
    about twice as fast at a million nodes.
    """
    per_page = [page["nodes"] for page in pages]
    nodes = [node for page_nodes in per_page for node in page_nodes]
    pruned = [bool(node.get("pruned", False)) for node in nodes]
    table = NodeTable(
        filenames=[str(page["filename"]) for page in pages],
        times=[page.get("time") for page in pages],
        starts=np.concatenate([[0], np.cumsum([len(n) for n in per_page], dtype=np.intp)]).astype(np.intp),
        is_target=np.array([bool(node["isTarget"]) for node in nodes], dtype=bool),
        pruned=np.array(pruned, dtype=bool),
        markup=[node.get("markup") for node in nodes],
    )
    rows = [node["features"] for node, gone in zip(nodes, pruned) if not gone]
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    wrong = np.flatnonzero(lengths != width)
    if wrong.size:
        page = table.filenames[table.page_of(_node_of_row(table, int(wrong[0])))]
        raise ValueError(f"page {page}: a node has {lengths[wrong[0]]} features, the header names {width}")
    return table, rows


def _node_of_row(table: NodeTable, row: int) -> int:
    """The node index of the row-th candidate (rows skip pruned nodes)."""
    return int(np.flatnonzero(~table.pruned)[row])


def _float_matrix(rows: list[list[Any]], width: int, table: NodeTable, names: list[str], source: str) -> np.ndarray:
    """The candidates' scores as one float32 matrix, copied from the parsed lists in C."""
    try:
        with np.errstate(over="ignore"):  # 1e308 becomes inf in float32: _refuse_non_finite names it
            return np.array(rows, dtype=np.float32).reshape(len(rows), width)
    except (TypeError, ValueError, OverflowError):
        pass
    for row, values in enumerate(rows):  # rare: find the culprit and name it
        for column, value in enumerate(values):
            try:
                float(value)
            except OverflowError:
                _refuse(source, table, row, names[column], value, 1)
            except (TypeError, ValueError):
                page = table.filenames[table.page_of(_node_of_row(table, row))]
                raise BadInputFile(
                    f"{source}: not a Fathom vector file: page {page}: rule {names[column]}: "
                    f"{value!r} is not a number"
                ) from None
    raise AssertionError("unreachable: numpy refused a matrix of numbers")


def _refuse_non_finite(x: np.ndarray, rows: list[list[Any]], table: NodeTable, names: list[str], source: str) -> None:
    """BadInput naming file, page and rule for the first value that is not a finite float32.

    One NaN, or one 1e308 (infinite once in float32), turns every weight into NaN
    after a single step; refusing the file is the only way to a usable model.
    """
    bad = ~np.isfinite(x)
    if not bad.any():
        return
    row, column = (int(i) for i in np.argwhere(bad)[0])
    _refuse(source, table, row, names[column], rows[row][column], int(bad.sum()))


def _refuse(source: str, table: NodeTable, row: int, rule: str, value: Any, count: int) -> None:
    page = table.filenames[table.page_of(_node_of_row(table, row))]
    if value is None:  # numpy reads null as NaN; the old reader refused it as no number at all
        raise BadInputFile(f"{source}: not a Fathom vector file: page {page}: rule {rule}: None is not a number")
    raise BadInput(
        f"{source}: page {page}: rule {rule}: {value!r} is not a finite number "
        f"(rules must score in [0, 1]; {count} such value(s) in the file)"
    )
