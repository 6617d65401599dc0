"""The fast reader (orjson straight into arrays) against the plain reader, on files as messy as real ones."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import numpy as np
import pytest

import trainer.dataset
from corpus.errors import BadInput, CorpusError
from corpus.vectors.vectorfile import load_vectors
from trainer.dataset import load_dataset
from trainer.reading import map_parts, split_pages

# What real files hold beyond our own tidy output: version 1 pages with no time and nodes
# with no markup, integers and exponents for scores, 0/1 for isTarget, pruned targets
# anywhere in a page, pages with no nodes, unknown keys, keys in any order, markup with
# quotes, brackets, a "features": of its own and non-ASCII text, pretty-printed JSON.
MESSY_PAGES = [
    {"filename": "b/2.html", "nodes": [
        {"features": [1, 0, 0.25], "isTarget": 1},
        {"isTarget": True, "pruned": True, "features": [], "markup": "<input name=\"pw\">"},
        {"isTarget": False, "features": [0.0, 1e-7, -0.0], "markup": "<a title='\"features\":[1,2]'>ü ✓"},
    ]},
    {"filename": "a/1.html", "time": 12.5, "extra": {"x": [1, 2]}, "nodes": []},
    {"nodes": [{"isTarget": False, "features": [0.5, 0.5, 1.0], "markup": None},
               {"isTarget": 0, "features": [3e-1, 1E0, 2]}],
     "filename": "n3.html"},
]


def _write(path: Path, version: int, pages: list[dict], indent: int | None = None) -> Path:
    header = {"version": version, "featureNames": ["smell", "size", "score"], "rulesetHash": "ab" * 32}
    path.write_text(json.dumps({"pages": pages, "header": header}, indent=indent, ensure_ascii=False))
    return path


def _plain_arrays(path: Path) -> dict:
    """What the trainer read before: json, one object per node, then lists into numpy."""
    vectors = load_vectors(path)
    nodes = [n for p in vectors.pages for n in p.nodes]
    candidates = [n for n in nodes if not n.pruned]
    return {
        "x": np.array([n.features for n in candidates], dtype=np.float32).reshape(len(candidates), 3),
        "y": np.array([n.is_target for n in candidates], dtype=np.float32),
        "filenames": [p.filename for p in vectors.pages],
        "times": [p.time for p in vectors.pages],
        "markup": [n.markup for n in nodes],
        "pruned": [n.pruned for n in nodes],
        "is_target": [n.is_target for n in nodes],
        "ruleset_hash": vectors.ruleset_hash,
    }


def _assert_same_arrays(path: Path) -> None:
    fast, plain = load_dataset(path), _plain_arrays(path)
    assert fast.x.dtype == np.float32 and fast.x.flags.c_contiguous
    assert np.array_equal(fast.x, plain["x"]) and np.array_equal(fast.y, plain["y"])
    table = fast.nodes
    assert table.filenames == plain["filenames"] and table.times == plain["times"]
    assert table.markup == plain["markup"]
    assert table.pruned.tolist() == plain["pruned"] and table.is_target.tolist() == plain["is_target"]
    assert table.starts.tolist() == np.cumsum([0, *(len(p["nodes"]) for p in json.loads(path.read_text())["pages"])]).tolist()
    assert fast.ruleset_hash == plain["ruleset_hash"]


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("indent", [None, 2])
def test_the_fast_reader_gives_the_plain_readers_arrays(tmp_path: Path, version: int, indent: int | None) -> None:
    path = _write(tmp_path / "messy.json", version, MESSY_PAGES, indent)
    _assert_same_arrays(path)
    fast = load_dataset(path)
    assert np.signbit(fast.x[1, 2])  # -0.0 kept as it was written
    assert fast.nodes.starts.tolist() == [0, 3, 3, 5]
    assert fast.pruned_targets == 1 and fast.targets == 2


def test_picked_and_excluded_rules_take_their_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "messy.json", 2, MESSY_PAGES)
    picked = load_dataset(path, features=["score", "smell"])
    full = load_dataset(path)
    assert np.array_equal(picked.x, full.x[:, [2, 0]]) and picked.x.flags.c_contiguous
    assert load_dataset(path, exclude=["size"]).feature_names == ["smell", "score"]


def _one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e308", "1e400"])
def test_a_non_finite_score_is_refused_naming_file_page_and_rule(tmp_path: Path, token: str) -> None:
    pages = json.loads(json.dumps(MESSY_PAGES))
    pages[2]["nodes"][1]["features"][1] = 12345.0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"header": {"version": 2, "featureNames": ["smell", "size", "score"]},
                                "pages": pages}).replace("12345.0", token))
    with pytest.raises(BadInput) as error:
        load_dataset(path)
    message = _one_line(error)
    assert str(path) in message and "page n3.html" in message and "rule size" in message
    assert "not a finite number" in message


@pytest.mark.parametrize(("node", "said"), [
    ({"isTarget": False, "features": [0.5, "high", 1]}, "page n3.html: rule size: 'high' is not a number"),
    ({"isTarget": False, "features": [0.5, None, 1]}, "page n3.html: rule size: None is not a number"),
    ({"isTarget": False, "features": [0.5, 1]}, "page n3.html: a node has 2 features, the header names 3"),
    ({"features": [0.5, 1, 1]}, "'isTarget'"),
])
def test_a_malformed_node_is_refused_naming_the_file(tmp_path: Path, node: dict, said: str) -> None:
    pages = json.loads(json.dumps(MESSY_PAGES))
    pages[2]["nodes"].append(node)
    path = _write(tmp_path / "bad.json", 2, pages)
    with pytest.raises(CorpusError) as error:
        load_dataset(path)
    message = _one_line(error)
    assert message.startswith(f"{path}: not a Fathom vector file") and said in message


def test_unreadable_files_are_refused_naming_the_file(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps({"header": {"version": 2, "featureNames": []}, "pages": []})[:-5])
    future = _write(tmp_path / "future.json", 3, [])
    deep = tmp_path / "deep.json"  # json's parser recurses: this raised RecursionError, a traceback
    deep.write_text('{"header": ' + "[" * 100_000 + "]" * 100_000 + "}")
    for path, said in ((cut, "not a readable vector file"), (future, "unknown version 3"),
                       (tmp_path / "missing.json", "not a readable vector file"), (deep, "nested thousands deep")):
        with pytest.raises(CorpusError) as error:
            load_dataset(path)
        assert str(path) in _one_line(error) and said in str(error.value)


# A big file's pages are parsed in parts, in forked processes at once. Files laid out as
# FathomFox and corpus write them (header first, pages last, "filename" each page's first
# key), with pages whose markup holds everything that could fool a cut.
TRICKY_PAGES = [
    {"filename": f"site{i}/{i}.html", "time": i / 4, "nodes": [
        {"isTarget": i % 5 == 0, "features": [i % 2, i / 100, 1e-3 * i],
         "markup": '<a title=\'],{"filename": "x", "nodes": [\' data-x="}]}">' * (i % 3)},
        {"isTarget": i % 7 == 0, "pruned": i % 7 == 0, "features": [] if i % 7 == 0 else [0, 0, 0]},
    ]}
    for i in range(40)
] + MESSY_PAGES


def _header_first(path: Path, pages: list[dict], indent: int | None = None) -> Path:
    header = {"version": 2, "featureNames": ["smell", "size", "score"], "rulesetHash": "cd" * 32}
    path.write_text(json.dumps({"header": header, "pages": pages}, indent=indent, ensure_ascii=False))
    return path


@pytest.fixture
def in_parts(monkeypatch: pytest.MonkeyPatch) -> int:
    """Every file read in 3 parts, however small and however many cores this machine has."""
    monkeypatch.setattr(trainer.dataset, "part_count", lambda size: 3)
    return 3


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("parts", [2, 3, 7, 200])
def test_pages_are_cut_only_between_pages(tmp_path: Path, indent: int | None, parts: int) -> None:
    raw = _header_first(tmp_path / "v.json", TRICKY_PAGES, indent).read_bytes()
    split = split_pages(raw, parts)
    assert split is not None and 2 <= len(split.parts) <= parts
    assert json.loads(split.skeleton) == {"header": json.loads(raw)["header"], "pages": []}
    cut = [page for a, b in split.parts for page in json.loads(b"[" + raw[a:b] + b"]")]
    assert cut == json.loads(raw)["pages"]


def test_files_not_laid_out_for_parts_are_read_whole(tmp_path: Path) -> None:
    pages_first = _write(tmp_path / "pages-first.json", 2, TRICKY_PAGES).read_bytes()
    one_page = _header_first(tmp_path / "one.json", TRICKY_PAGES[:1]).read_bytes()
    assert split_pages(pages_first, 3) is None and split_pages(one_page, 3) is None
    assert split_pages(_header_first(tmp_path / "many.json", TRICKY_PAGES).read_bytes(), 1) is None


@pytest.mark.parametrize("indent", [None, 2])
def test_a_file_read_in_parts_gives_the_plain_readers_arrays(tmp_path: Path, in_parts: int, indent: int | None) -> None:
    path = _header_first(tmp_path / "v.json", TRICKY_PAGES, indent)
    assert trainer.dataset._arrays_in_parts(path.read_bytes()) is not None  # the parts are what is read
    _assert_same_arrays(path)


def test_a_cut_inside_a_page_falls_back_to_reading_the_file_whole(tmp_path: Path, in_parts: int) -> None:
    # Nodes whose first key is "filename" look like pages to the cutter; the part before
    # such a cut does not parse, and the whole file is read in one piece instead.
    pages = [{"filename": f"{i}.html", "nodes": [{"filename": "n", "isTarget": False, "features": [1, 2, 3]}] * 30}
             for i in range(3)]
    path = _header_first(tmp_path / "v.json", pages)
    raw = path.read_bytes()
    split = split_pages(raw, in_parts)
    assert split is not None and any(b'"isTarget"' in raw[a : a + 40] for a, _ in split.parts[1:])
    _assert_same_arrays(path)


@pytest.mark.parametrize("token", ["NaN", "1e308"])
def test_refusals_still_name_page_and_rule_when_read_in_parts(tmp_path: Path, in_parts: int, token: str) -> None:
    pages = json.loads(json.dumps(TRICKY_PAGES))
    pages[-1]["nodes"][1]["features"][1] = 12345.0  # in the last part
    path = _header_first(tmp_path / "bad.json", pages)
    path.write_text(path.read_text().replace("12345.0", token))
    with pytest.raises(BadInput) as error:
        load_dataset(path)
    message = _one_line(error)
    assert str(path) in message and "page n3.html" in message and "rule size" in message


def test_each_part_is_parsed_in_its_own_process_and_a_dead_one_is_none() -> None:
    parent = os.getpid()

    def parse(part: bytes) -> tuple[bytes, bool] | None:
        if part == b"[cd]":
            os._exit(3)
        return part, os.getpid() != parent

    assert map_parts(b"abcdef", [(0, 2), (2, 4), (4, 6)], parse) == [(b"[ab]", False), None, (b"[ef]", True)]


def test_ctrl_c_is_left_to_the_parent_not_printed_by_each_part(capfd: pytest.CaptureFixture[str]) -> None:
    # Ctrl+C reaches every process of the group; the parent stops the children itself.
    def parse(part: bytes) -> bytes:
        if part == b"[cd]":
            os.kill(os.getpid(), signal.SIGINT)
        return part

    assert map_parts(b"abcdef", [(0, 2), (2, 4), (4, 6)], parse) == [b"[ab]", b"[cd]", b"[ef]"]
    assert "Traceback" not in capfd.readouterr().err
