"""Feature vectors as arrays: the one shape the trainer, tester and histogram read.

Pruned targets (targets no candidate selector picked) have no features, so they
never reach the model; they are counted separately and always score as false
negatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.errors import BadInput
from corpus.vectors.vectorfile import VectorFile, load_vectors


@dataclass
class Dataset:
    feature_names: list[str]
    x: np.ndarray  # (candidates, features) float32, in page order, then node order
    y: np.ndarray  # (candidates,) float32: 1.0 for targets
    vectors: VectorFile  # the pages, for per-page reports (features not reordered)
    columns: list[int]  # where each of feature_names sits in the file's feature list
    source: str  # what the user named: a file path, for messages and provenance

    @property
    def pruned_targets(self) -> int:
        return sum(1 for p in self.vectors.pages for n in p.nodes if n.pruned and n.is_target)

    @property
    def targets(self) -> int:
        """Every target, pruned ones included."""
        return int(self.y.sum()) + self.pruned_targets


def load_dataset(path: Path, exclude: Sequence[str] = (), features: Sequence[str] | None = None) -> Dataset:
    """Read a vector file; see `dataset_from_vectors` for `exclude` and `features`."""
    return dataset_from_vectors(load_vectors(path), str(path), exclude=exclude, features=features)


def dataset_from_vectors(
    vectors: VectorFile,
    source: str,
    exclude: Sequence[str] = (),
    features: Sequence[str] | None = None,
) -> Dataset:
    """Arrays of the candidate nodes.

    `features` picks (and orders) columns by name, as a trained model needs them;
    otherwise all of the file's features are used. `exclude` then drops rules by
    name (the ablation switch). Unknown names are a BadInput naming the file.
    """
    names = list(vectors.feature_names)
    wanted = list(features) if features is not None else list(names)
    missing = [n for n in [*wanted, *exclude] if n not in names]
    if missing:
        raise BadInput(f"{source}: no feature named {', '.join(repr(m) for m in missing)} (it has: {', '.join(names)})")
    wanted = [n for n in wanted if n not in set(exclude)]
    columns = [names.index(n) for n in wanted]

    rows = [node.features for page in vectors.pages for node in page.nodes if not node.pruned]
    labels = [node.is_target for page in vectors.pages for node in page.nodes if not node.pruned]
    full = np.array(rows, dtype=np.float32).reshape(len(rows), len(names))
    _refuse_non_finite(full, vectors, names, source)
    return Dataset(
        feature_names=wanted,
        x=np.ascontiguousarray(full[:, columns]),
        y=np.array(labels, dtype=np.float32),
        vectors=vectors,
        columns=columns,
        source=source,
    )


def _refuse_non_finite(x: np.ndarray, vectors: VectorFile, names: list[str], source: str) -> None:
    """BadInput naming file, page and rule for the first value that is not a finite float32.

    One NaN, or one 1e308 (infinite once in float32), turns every weight into NaN
    after a single step; refusing the file is the only way to a usable model.
    """
    bad = ~np.isfinite(x)
    if not bad.any():
        return
    row, column = (int(i) for i in np.argwhere(bad)[0])
    seen = 0
    for page in vectors.pages:  # rows follow pages, then their unpruned nodes
        candidates = [node for node in page.nodes if not node.pruned]
        if row < seen + len(candidates):
            value = candidates[row - seen].features[column]
            raise BadInput(
                f"{source}: page {page.filename}: rule {names[column]}: {value!r} is not a finite number "
                f"(rules must score in [0, 1]; {int(bad.sum())} such value(s) in the file)"
            )
        seen += len(candidates)
