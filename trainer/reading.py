"""Reading a vector file's JSON fast: orjson, its pages split across processes.

A vector file at 100x the real size is hundreds of megabytes, and nearly all of
the time goes into making the Python floats of its feature lists. orjson parses
about 4x faster than the standard library; on top of that, a big file's pages
array is cut at page boundaries into parts that forked processes parse at the
same time, each turning its pages into arrays before sending them back.

orjson refuses the NaN and Infinity tokens (they are not JSON) and numbers beyond
float range, which Python's json reads and the old trainer even wrote; those
files are read the slow way, so that dataset.py can refuse them with a message
naming file, page and rule.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import orjson

from corpus.errors import BadInputFile
from corpus.parallel import Died, ordered_map, usable_cpus
from corpus.textformats import json_value

Part = TypeVar("Part")

# Below this many bytes a part parses faster than a process starts and sends its arrays back.
PART_BYTES = 8 << 20

# Where a page begins: the comma before an object whose first key is "filename", as
# FathomFox and corpus write pages. Inside a JSON string every quote is escaped, so
# this only matches between values; split_pages says why a wrong match is harmless.
_PAGE_START = re.compile(rb',(?=\s*\{\s*"filename"\s*:)')
_PAGES_OPEN = re.compile(rb'"pages"\s*:\s*\[')
_FILE_CLOSE = re.compile(rb"\]\s*\}\s*\Z")


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise BadInputFile(f"{path}: not a readable vector file: {e}") from None


def parse_json(raw: bytes, path: Path) -> Any:
    """The parsed file; BadInputFile naming it when it is not JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json_value(raw)
    except ValueError as e:
        raise BadInputFile(f"{path}: not a readable vector file: {e}") from None


@dataclass
class PageSplit:
    skeleton: bytes  # the file with its pages array emptied: the header and any other keys
    parts: list[tuple[int, int]]  # byte ranges of the file, each a comma-separated run of whole pages


def part_count(size: int) -> int:
    """How many parts a file of `size` bytes is worth parsing in: one per usable core, PART_BYTES each."""
    return max(1, min(usable_cpus(), size // PART_BYTES))


def split_pages(raw: bytes, parts: int) -> PageSplit | None:
    """The file cut into `parts` runs of pages, or None when it is not laid out as
    `{... "pages": [page, page, ...]}` with the pages array last.

    Nothing here checks the cuts; parsing does. If the skeleton parses and each part
    parses as the contents of an array, the whole file is valid JSON and its pages
    are the parts' pages in order: a cut anywhere but between two pages would leave
    an unclosed bracket in the part before it, and that part would not parse.
    """
    opening = _PAGES_OPEN.search(raw)
    closing = _FILE_CLOSE.search(raw, max(0, len(raw) - 4096))  # (from the end: a search from the start tries every "]")
    if parts < 2 or opening is None or closing is None or closing.start() <= opening.end():
        return None
    begin, end = opening.end(), closing.start()
    cuts = [begin - 1]  # each part starts one byte after a cut: the array's "[", then a comma
    for i in range(1, parts):
        found = _PAGE_START.search(raw, max(cuts[-1] + 1, begin + (end - begin) * i // parts), end)
        if found is None:
            break
        cuts.append(found.start())
    if len(cuts) < 2:
        return None
    ranges = [(cut + 1, following) for cut, following in zip(cuts, [*cuts[1:], end])]
    return PageSplit(skeleton=raw[:begin] + raw[end:], parts=ranges)


def map_parts(raw: bytes, ranges: list[tuple[int, int]], parse_part: Callable[[bytes], Part | None]) -> list[Part | None]:
    """parse_part of each range's pages as a JSON array: the first here, the others each in a
    forked process at the same time. A part whose process failed or died is None."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return [parse_part(_as_array(raw, a, b)) for a, b in ranges]
    # Forked, the workers read `raw` from the memory they share with this process: nothing is copied.
    others = ordered_map(partial(_parse_or_none, parse_part, raw), ranges[1:], workers=len(ranges) - 1,
                         start="fork")
    first = parse_part(_as_array(raw, *ranges[0]))
    return [first, *(None if isinstance(part, Died) else part for part in others)]


def _parse_or_none(parse_part: Callable[[bytes], Part | None], raw: bytes, part: tuple[int, int]) -> Part | None:
    try:
        return parse_part(_as_array(raw, *part))
    except Exception:  # the caller falls back to reading the whole file, which names what is wrong
        return None


def _as_array(raw: bytes, a: int, b: int) -> bytes:
    """`[` raw[a:b] `]`, copied once (memory is slow to come by at hundreds of megabytes)."""
    with memoryview(raw) as view:
        return b"".join((b"[", view[a:b], b"]"))
