"""Reading a candidate page safely: what is an HTML page, and what labels it carries."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.errors import BadInput

MAX_PAGE_BYTES = 512 * 1024 * 1024  # saved pages run to 200 MB; a 1 GB "page" is a mistake
SNIFF_BYTES = 4096
# A labeled element: data-fathom="<type>" (evaluator leftovers `BAD <type>` are not labels).
LABEL_ATTRIBUTE = re.compile(rb"""\sdata-fathom\s*=\s*["']?(?!BAD\s)([^"'\s>]+)""", re.IGNORECASE)
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|!--|div|p\b)",
                        re.IGNORECASE | re.DOTALL)


def read_page(path: Path) -> bytes:
    """The bytes of an HTML page; BadInput naming the file when it is not one."""
    if path.is_symlink():
        raise BadInput(f"{path}: a symbolic link, not a page (copy the file in instead)")
    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if not path.is_file():
        raise BadInput(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise BadInput(f"{path}: empty file (0 bytes)")
    if size > MAX_PAGE_BYTES:
        raise BadInput(f"{path}: {size} bytes is larger than the {MAX_PAGE_BYTES // 2**20} MiB a page may be")
    data = path.read_bytes()
    check_html(path, data)
    return data


def check_html(path: Path, data: bytes) -> None:
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")
    if b"\0" in head:
        raise BadInput(f"{path}: binary content, not an HTML page")
    if not HTML_START.match(head):
        raise BadInput(f"{path}: does not look like an HTML page (no <html>, <head> or doctype at the start)")


def label_types(data: bytes) -> list[str]:
    """The `data-fathom` types labeled in a page, in document order."""
    return [m.group(1).decode("utf-8", "replace") for m in LABEL_ATTRIBUTE.finditer(data)]


def check_page_file(path: Path) -> None:
    """What `read_page` refuses, from the first bytes only (splits touch every page)."""
    if path.is_symlink():
        raise BadInput(f"{path}: a symbolic link, not a page (copy the file in instead)")
    if not path.is_file():
        raise BadInput(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise BadInput(f"{path}: empty file (0 bytes)")
    with path.open("rb") as f:
        check_html(path, f.read(SNIFF_BYTES))
