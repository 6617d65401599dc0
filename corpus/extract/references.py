"""Which files under a set's `resources/` folder a parsed page refers to."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from corpus.tree.sample import RESOURCES_DIR

# Attributes that hold URLs; `style` and <style> hold CSS with url(...) and @import.
URL_ATTRIBUTES = frozenset({"src", "href", "poster", "data", "background", "xlink:href", "action"})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Only strings naming the resources folder can point into it: filter in C, not Python.
_CANDIDATES = f"//@*[contains(., '{RESOURCES_DIR}')] | //style[contains(., '{RESOURCES_DIR}')]"


@dataclass(frozen=True)
class Reference:
    line: int
    url: str  # as written in the page
    target: str  # the file it names, relative to the set folder (`resources/3/a.png`)


def resource_references(doc: etree._Element) -> list[Reference]:
    """References from the page into its set's `resources/` folder, in document order."""
    found: list[Reference] = []
    for hit in doc.xpath(_CANDIDATES):
        if isinstance(hit, str):  # an attribute value (lxml "smart string")
            element = hit.getparent()
            name = hit.attrname
            if name == "style":
                urls = _css_urls(hit)
            elif name in SRCSET_ATTRIBUTES:
                urls = [part.split()[0] for part in hit.split(",") if part.split()]
            elif name in URL_ATTRIBUTES:
                urls = [hit]
            else:
                continue
        else:
            element = hit
            urls = _css_urls(hit.text or "")
        for url in urls:
            target = _resource_target(url)
            if target is not None:
                found.append(Reference(element.sourceline or 1, url, target))
    return found


def _css_urls(css: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(css)]


def _resource_target(url: str) -> str | None:
    """The set-relative path a relative URL names when it lies under `resources/`."""
    url = url.strip()
    if not url or url.startswith(("#", "/")) or _SCHEME.match(url):
        return None
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    path = posixpath.normpath(path)
    if path.startswith(f"{RESOURCES_DIR}/"):
        return path
    return None
