"""`corpus histogram`: how each rule's values split between targets and non-targets."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from corpus.vectors.vectorfile import NodeVector, PageVectors, VectorFile, dump_vectors


def test_counts_per_bucket_and_a_png(tmp_path: Path, corpus_cli) -> None:
    vectors = VectorFile(
        ["flag", "size"],
        [
            PageVectors(
                "1.html",
                [
                    NodeVector(True, [1.0, 0.9]),
                    NodeVector(True, [1.0, 0.1]),
                    NodeVector(True, [], pruned=True),
                    NodeVector(False, [0.0, 0.1]),
                    NodeVector(False, [0.0, 0.2]),
                    NodeVector(False, [1.0, 0.15]),
                ],
            )
        ],
    )
    path = tmp_path / "v.json"
    dump_vectors(vectors, path)
    result = corpus_cli("histogram", str(path), "-b", "2", "--png", str(tmp_path / "h.png"), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    flag, size = json.loads(result.stdout)
    assert [(b["label"], b["targets"], b["non_targets"]) for b in flag["buckets"]] == [("0", 0, 2), ("1", 2, 1)]
    assert [(b["targets"], b["non_targets"]) for b in size["buckets"]] == [(1, 3), (1, 0)]
    assert Image.open(tmp_path / "h.png").size[1] > 0

    text = corpus_cli("histogram", str(path), "--rule", "size", cwd=tmp_path)
    assert text.returncode == 0 and "size" in text.stdout and "flag" not in text.stdout
    unknown = corpus_cli("histogram", str(path), "--rule", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "'nope'" in unknown.stderr
