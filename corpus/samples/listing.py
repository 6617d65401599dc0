"""`corpus list`: page paths under a folder, as fathom-list prints them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import html as lxml_html

from corpus.extract.pagefile import open_page
from corpus.tree.sample import RESOURCES_DIR, is_page_name

# fathom-web's `fathom list -u` (commands/list.py), byte for byte.
ORIGINAL_LINK = re.compile(rb'<link rel="original" href="([^"]+)">')


def list_pages(directory: Path, base: Path | None = None) -> Iterator[Path]:
    """Pages under `directory`, recursively, skipping resources folders, relative to `base`."""
    base = (base or directory).resolve()
    for path in sorted(directory.resolve().rglob("*")):
        rel_parts = path.relative_to(directory.resolve()).parts
        if RESOURCES_DIR in rel_parts[:-1] or not path.is_file() or not is_page_name(path.name):
            continue
        yield Path(*path.relative_to(base).parts) if path.is_relative_to(base) else path


def original_url(page: Path) -> str | None:
    """The `href` of the page's `<link rel="original" href="...">`, as written, if any.

    fathom list finds it with this very regex over the whole file and prints the
    attribute text untouched (`&amp;` stays `&amp;`), so an HTML parser, which
    decodes entities, would print other bytes. The file is mapped, not read:
    a 200 MB page costs no memory.
    """
    with open_page(page) as data:
        match = ORIGINAL_LINK.search(data)
        return match.group(1).decode("utf-8", errors="replace") if match else None


def original_link(page: Path) -> dict[str, str] | None:
    """The attributes of a saved page's `<link rel="original">` (`href`, and `collect`'s
    `data-corpus-requested` after a redirect), or None."""
    with open(page, "rb") as f:
        head = f.read(256 * 1024)  # the link sits in <head>; do not parse a 200 MB body
    try:
        doc = lxml_html.fromstring(head)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for link in doc.iter("link"):
        if "original" in (link.get("rel") or "").lower().split():
            return dict(link.attrib)
    return None
