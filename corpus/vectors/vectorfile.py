"""Feature-vector files in the Fathom format (FathomFox / fathom-web), versions 1 and 2.

    {"header": {"version": 2, "featureNames": [...], "pageHashes": {...}, "rulesetHash": "..."},
     "pages": [{"filename": "EN_1n.html", "time": 14,
                "nodes": [{"isTarget": true, "features": [0.0, 1.0], "markup": "<input ..."},
                          {"isTarget": true, "pruned": true, "features": [], "markup": "..."}]}]}

Version 1 pages may hold only `filename` and `nodes`, and nodes only `isTarget` and
`features`. Version 2 adds pruned targets (no candidate selector picked them). We
always write version 2, keyed by path relative to the set folder.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import BadInput, BadInputFile
from corpus.store.atomic import atomic_write
from corpus.textformats import json_value

KNOWN_VERSIONS = (1, 2)
WRITE_VERSION = 2
MARKUP_LENGTH = 80  # start tags are cut to this many characters, as the old tools did


@dataclass
class NodeVector:
    is_target: bool
    features: list[float]
    markup: str | None = None
    pruned: bool = False  # a target no candidate selector picked: always a false negative


@dataclass
class PageVectors:
    filename: str  # path relative to the set folder
    nodes: list[NodeVector]
    time: float | None = None  # milliseconds spent vectorizing the page


@dataclass
class VectorFile:
    feature_names: list[str]
    pages: list[PageVectors]
    page_hashes: dict[str, str] = field(default_factory=dict)
    ruleset_hash: str | None = None
    version: int = WRITE_VERSION
    # Our own addition to the header (readers ignore it): the identity of everything
    # else a JavaScript ruleset's vectors depend on (its imported files, fathom-web,
    # trainee, viewport, emulation), since rulesetHash covers rulesets.js alone.
    inputs_hash: str | None = None
    # Also ours: the ruleset's sha256 with its weights masked (corpus/vectors/weights.py),
    # which a ship of new weights leaves as it was, so vectors stay fresh.
    rules_hash: str | None = None


def load_vectors(path: Path, source: bytes | None = None) -> VectorFile:
    """Read a version 1 or 2 file (its bytes `source`, if read already); BadInputFile naming
    the file for anything else."""
    try:
        data = json_value(Path(path).read_bytes() if source is None else source)
    except (OSError, ValueError) as e:
        raise BadInputFile(f"{path}: not a readable vector file: {e}") from None
    try:
        return parse_vectors(data)
    except (KeyError, TypeError, ValueError) as e:
        raise BadInputFile(f"{path}: not a Fathom vector file: {e}") from None


def header_feature_names(header: dict[str, Any]) -> tuple[int, list[str]]:
    """The version and rule names of a parsed header; ValueError for a version we do not know."""
    version = header.get("version")
    if version not in KNOWN_VERSIONS:
        raise ValueError(f"unknown version {version!r} (this reader knows versions 1 and 2)")
    return version, [str(n) for n in header["featureNames"]]


def parse_vectors(data: dict[str, Any]) -> VectorFile:
    header = data["header"]
    version, names = header_feature_names(header)
    pages = []
    for page in data["pages"]:
        nodes = []
        for node in page["nodes"]:
            pruned = bool(node.get("pruned", False))
            features = [float(x) for x in node["features"]]
            if not pruned and len(features) != len(names):
                raise ValueError(
                    f"page {page['filename']}: a node has {len(features)} features, the header names {len(names)}"
                )
            nodes.append(NodeVector(bool(node["isTarget"]), features, node.get("markup"), pruned))
        pages.append(PageVectors(str(page["filename"]), nodes, page.get("time")))
    return VectorFile(
        feature_names=names,
        pages=pages,
        page_hashes=dict(header.get("pageHashes") or {}),
        ruleset_hash=header.get("rulesetHash"),
        version=version,
        inputs_hash=header.get("inputsHash"),
        rules_hash=header.get("rulesHash"),
    )


def vectors_to_json(vectors: VectorFile) -> dict[str, Any]:
    """The version-2 JSON form, pages sorted by filename so equal content gives equal bytes."""
    pages = []
    for page in sorted(vectors.pages, key=lambda p: p.filename):
        nodes = []
        for node in page.nodes:
            out: dict[str, Any] = {"isTarget": node.is_target, "features": node.features}
            if node.pruned:
                out["pruned"] = True
            if node.markup is not None:
                out["markup"] = node.markup
            nodes.append(out)
        entry: dict[str, Any] = {"filename": page.filename, "nodes": nodes}
        if page.time is not None:
            entry["time"] = page.time
        pages.append(entry)
    header: dict[str, Any] = {
        "version": WRITE_VERSION,
        "featureNames": vectors.feature_names,
        "pageHashes": dict(sorted(vectors.page_hashes.items())),
    }
    if vectors.ruleset_hash is not None:
        header["rulesetHash"] = vectors.ruleset_hash
    if vectors.inputs_hash is not None:
        header["inputsHash"] = vectors.inputs_hash
    if vectors.rules_hash is not None:
        header["rulesHash"] = vectors.rules_hash
    return {"header": header, "pages": pages}


def dump_vectors(vectors: VectorFile, path: Path) -> None:
    """Write atomically: a failed run never leaves half a file (see `vector_bytes`)."""
    atomic_write(Path(path), vector_bytes(vectors, path))


def vector_bytes(vectors: VectorFile, path: Path) -> bytes:
    """The file's bytes. A value that is not a finite number (a NaN from a rule, or kept
    from an old file) is refused, naming `path`: `train` would refuse it."""
    try:
        text = json.dumps(vectors_to_json(vectors), separators=(",", ":"), sort_keys=False, allow_nan=False)
    except ValueError:
        raise BadInput(f"{path}: not written: {_first_non_finite(vectors)} is not a finite number "
                       "(rules must score in [0, 1]; delete the file to vectorize every page afresh)") from None
    return (text + "\n").encode()


def _first_non_finite(vectors: VectorFile) -> str:
    """Where the first NaN or infinity is: `page P: rule R: nan`."""
    for page in vectors.pages:
        found = non_finite(page, vectors.feature_names)
        if found is not None:
            return f"page {page.filename}: {found}"
    return "a value"


def non_finite(page: PageVectors, feature_names: list[str]) -> str | None:
    """The page's first NaN or infinity, as `rule R: nan`; None when every value is finite."""
    for node in page.nodes:
        for name, value in zip(feature_names, node.features):
            if not math.isfinite(value):
                return f"rule {name}: {value!r}"
    return None
