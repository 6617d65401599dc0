"""Identical candidates merged into one weighted row: the summed loss stays exactly the same.

Real rule scores are mostly yes/no smells, so many candidates of a real vector
file have the very same features and label (every plain text input of every
login form, say). The loss is a sum over candidates, so k identical rows are one
row counted k times: same loss, same gradient, same model (up to the order of
float additions), and each iteration reads k times less memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class WeightedRows:
    x: np.ndarray  # (rows, features) float32, each distinct (features, label) once
    y: np.ndarray  # (rows,) float32
    counts: np.ndarray | None  # (rows,) float32: how many candidates each row stands for; None: all 1


def merge_identical_rows(x: np.ndarray, y: np.ndarray) -> WeightedRows:
    """`x` and `y` with identical (features, label) rows merged (row order is not kept)."""
    if len(y) < 2 or not _may_repeat(x):
        return WeightedRows(x, y, None)
    keyed = np.column_stack([x, y])
    distinct, counts = np.unique(keyed, axis=0, return_counts=True)
    if len(distinct) == len(y):
        return WeightedRows(x, y, None)
    return WeightedRows(
        np.ascontiguousarray(distinct[:, :-1]), np.ascontiguousarray(distinct[:, -1]), counts.astype(np.float32)
    )


def _may_repeat(x: np.ndarray) -> bool:
    """False when no two rows can be equal: a cheap test that spares sorting whole rows.

    Equal rows get equal fingerprints (one fixed random projection), so distinct
    fingerprints mean distinct rows; equal fingerprints send the rows to the exact
    comparison. Only np.unique's exact comparison merges rows: were equal rows ever
    to get different fingerprints, a merge would be missed, never a wrong one made.
    """
    projection = np.random.default_rng(0).uniform(1.0, 2.0, x.shape[1]).astype(np.float32)
    fingerprints = x @ projection
    return len(np.unique(fingerprints)) < len(fingerprints)
