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
    """`x` and `y` with identical (features, label) rows merged (row order is not kept).

    Rows are sorted by a 64-bit fingerprint (two fixed random projections of the
    features and the label), so identical rows, having identical fingerprints, end
    up side by side; neighbours are then compared in full, and only rows equal in
    every value are merged. A fingerprint shared by different rows can at worst
    keep identical rows apart (a merge missed), never merge different ones. When
    no two fingerprints are equal there is nothing to merge and nothing is copied.
    """
    if len(y) < 2:
        return WeightedRows(x, y, None)
    projections = np.random.default_rng(0).uniform(1.0, 2.0, (x.shape[1] + 1, 2)).astype(np.float32)
    projected = x @ projections[:-1]
    projected += y[:, None] * projections[-1]  # the label is part of a row's identity
    fingerprints = projected.view(np.uint64).ravel()
    order = np.argsort(fingerprints)
    ranked = fingerprints[order]
    if not (ranked[1:] == ranked[:-1]).any():
        return WeightedRows(x, y, None)
    rows = np.column_stack([x[order], y[order]])
    starts = np.flatnonzero(np.concatenate([[True], (rows[1:] != rows[:-1]).any(axis=1)]))
    if len(starts) == len(rows):
        return WeightedRows(x, y, None)
    counts = np.diff(np.append(starts, len(rows))).astype(np.float32)
    distinct = rows[starts]
    return WeightedRows(np.ascontiguousarray(distinct[:, :-1]), np.ascontiguousarray(distinct[:, -1]), counts)
