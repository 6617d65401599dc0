"""Reading a vector file's JSON fast: orjson, with Python's json for what orjson refuses.

A vector file at 100x the real size is hundreds of megabytes; orjson parses it
about 4x faster than the standard library. It refuses the NaN and Infinity
tokens (they are not JSON) and numbers beyond float range, which Python's json
reads and the old trainer even wrote; those files are read the slow way, so that
dataset.py can refuse them with a message naming file, page and rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from corpus.errors import CorpusError


def read_json(path: Path) -> Any:
    """The parsed file; CorpusError naming it when it cannot be read or is not JSON."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CorpusError(f"{path}: not a readable vector file: {e}") from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except ValueError as e:
        raise CorpusError(f"{path}: not a readable vector file: {e}") from None
