"""Pages that fathom-extract made: `resources/<stem>/1.png` references put back inline.

fathom-extract replaces each data URL with a numbered file in `resources/<stem>/`
and keeps no record of how to undo it. Putting the files back as base64 data
URLs gives a self-contained page again; our own extraction then stores them
content-addressed with a manifest, so `corpus inline` works on the page.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import quote, unquote

from corpus.extract.mime import content_type
from corpus.tree.sample import RESOURCES_DIR

# The file part of a reference: up to a quote, bracket, blank or the end of the tag.
_FILE = rb"([^\"'()\s<>?#]+)"


def reinline_page(page: bytes, stem: str, folder: Path) -> bytes:
    """Every reference to a file of `folder` as `resources/<stem>/<file>` made a data URL.

    References to files that are not there stay as they are (check reports them).
    """
    pattern = _references(stem)
    cache: dict[bytes, bytes | None] = {}

    def data_url(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name not in cache:
            cache[name] = _data_url(folder, unquote(name.decode("utf-8", "surrogateescape")))
        return cache[name] or match.group(0)

    return pattern.sub(data_url, page)


def absent_files(page: bytes, stem: str, folder: Path) -> list[str]:
    """The files of `resources/<stem>/` the page refers to that `folder` lacks (sorted, once each)."""
    names = {unquote(m.group(1).decode("utf-8", "surrogateescape")) for m in _references(stem).finditer(page)}
    return sorted(name for name in names if ".." in Path(name).parts or not (folder / name).is_file())


def _references(stem: str) -> re.Pattern[bytes]:
    """`resources/<stem>/<file>` however the stem is spelled (as is, or percent-encoded)."""
    spellings = {stem, quote(stem, safe=""), quote(stem)}
    prefixes = b"|".join(re.escape(f"{RESOURCES_DIR}/{s}/".encode("utf-8", "surrogateescape"))
                         for s in sorted(spellings))
    return re.compile(rb"(?:\./)?(?:" + prefixes + rb")" + _FILE)


def _data_url(folder: Path, name: str) -> bytes | None:
    path = folder / name
    if ".." in Path(name).parts or not path.is_file():
        return None
    mime = content_type(name)
    return f"data:{mime};base64,".encode() + base64.b64encode(path.read_bytes())
