"""One page as rules see it, and the vectors of its candidates.

`PageDocument` parses a page, strips labels and pairing marks, and fetches
rendered facts only when a rule asks; `vectorize_document` runs one trainee's
candidate selector and features over it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from corpus.errors import CorpusError
from corpus.render.facts import MARK, PAIRED_BY_NAME, PageFacts, mark_elements
from corpus.render.rendered import NOT_RENDERED, Rendered
from corpus.vectors.ruleset import Node, Trainee
from corpus.vectors.vectorfile import MARKUP_LENGTH, NodeVector

LABEL = "data-fathom"

class PageDocument:
    """A parsed page as rules see it: labels and marks removed, facts fetched on demand."""

    def __init__(self, html: bytes, viewport: tuple[int, int], facts: Callable[[bytes], PageFacts], where: str) -> None:
        self.viewport = viewport
        self.where = where
        self._facts_source = facts
        self._facts: PageFacts | None = None
        self._marked = mark_elements(html)
        parser = lxml_html.HTMLParser(huge_tree=True)
        try:
            self.root = lxml_html.document_fromstring(self._marked, parser=parser)
        except (etree.ParserError, ValueError) as e:
            raise CorpusError(f"{where}: cannot parse the page: {e}") from None
        self.tree = self.root.getroottree()
        self._marks: dict[Any, str] = {}
        self.labels: dict[Any, str] = {}
        self.elements: list[Any] = []
        self._nodes: dict[Any, Node] = {}
        for element in self.root.iter(etree.Element):
            self.elements.append(element)  # holding them keeps lxml's proxies, and so dict keys, stable
            mark = element.attrib.pop(MARK, None)
            if mark is not None:
                self._marks[element] = mark
            label = element.attrib.pop(LABEL, None)
            if label is not None:
                self.labels[element] = label.strip()
        head, body = self.root.find("head"), self.root.find("body")
        self._named = {self.root: "html", head: "head", body: "body"}

    def node(self, element: Any) -> Node:
        node = self._nodes.get(element)
        if node is None:
            node = self._nodes[element] = Node(self, element)
        return node

    def facts(self) -> PageFacts:
        if self._facts is None:
            self._facts = self._facts_source(self._marked)
        return self._facts

    def rendered(self, element: Any) -> Rendered:
        elements = self.facts().elements
        mark = self._marks.get(element)
        if mark is not None and mark in elements:
            return elements[mark]
        name = self._named.get(element)
        if name in PAIRED_BY_NAME and name in elements:
            return elements[name]
        return NOT_RENDERED

    def page_size(self) -> tuple[float, float]:
        facts = self.facts()
        return (facts.width, facts.height)

    def start_tag_number(self, element: Any) -> int | None:
        """The number of the start tag `element` came from (None: the parser made it up)."""
        mark = self._marks.get(element)
        return int(mark) if mark is not None else None

    def describe(self, element: Any) -> str:
        return f"{start_tag(element)} ({self.tree.getpath(element)})"


def start_tag(element: Any, limit: int | None = None) -> str:
    attrs = "".join(
        f' {name}="{str(value).replace("&", "&amp;").replace(chr(34), "&quot;")}"'
        for name, value in element.attrib.items()
    )
    tag = f"<{str(element.tag).lower()}{attrs}>"
    return tag if limit is None else tag[:limit]


class RuleError(CorpusError):
    """A rule raised or returned something other than a number in [0, 1]."""


def _call_rule(doc: PageDocument, trainee: Trainee, rule: str, func: Callable[[Node], Any], element: Any) -> Any:
    try:
        return func(doc.node(element))
    except CorpusError:
        raise  # rendering failed: already names the page
    except Exception as e:
        detail = str(e).strip().splitlines()
        what = f"{type(e).__name__}: {detail[0]}" if detail else type(e).__name__
        raise RuleError(
            f"{doc.where}: rule `{rule}` of trainee `{trainee.name}` raised {what} on {doc.describe(element)}"
        ) from None


def _as_feature(doc: PageDocument, trainee: Trainee, rule: str, value: Any, element: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    try:
        number = float(value) if _is_real(value) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not (0.0 <= number <= 1.0):
        shown = repr(value)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise RuleError(
            f"{doc.where}: rule `{rule}` of trainee `{trainee.name}` returned {shown} "
            f"({type(value).__name__}), not a number in [0, 1], on {doc.describe(element)}"
        )
    return number


def _is_real(value: Any) -> bool:
    import numbers

    return isinstance(value, numbers.Real)


def vectorize_elements(doc: PageDocument, trainee: Trainee) -> list[tuple[Any, NodeVector]]:
    """Candidates (`dom`, kept by `when`) in document order, then pruned targets,
    each with the lxml element it came from."""
    selector = CSSSelector(trainee.dom, translator="html")
    target_set = {e for e in doc.elements if doc.labels.get(e) in trainee.target_labels}
    # Pruned targets are only those of the trainee's own type, as in FathomFox.
    targets = [e for e in doc.elements if doc.labels.get(e) == trainee.name]
    nodes: list[tuple[Any, NodeVector]] = []
    kept: set[Any] = set()
    for element in selector(doc.root):
        if trainee.when is not None and not _call_rule(doc, trainee, "when", trainee.when, element):
            continue
        features = [
            _as_feature(doc, trainee, name, _call_rule(doc, trainee, name, func, element), element)
            for name, func in trainee.features.items()
        ]
        kept.add(element)
        nodes.append((element, NodeVector(element in target_set, features, start_tag(element, MARKUP_LENGTH))))
    for element in targets:
        if element not in kept:
            nodes.append((element, NodeVector(True, [], start_tag(element, MARKUP_LENGTH), pruned=True)))
    return nodes


def vectorize_document(doc: PageDocument, trainee: Trainee) -> list[NodeVector]:
    """The vectors of `vectorize_elements`, as a vector file holds them."""
    return [vector for _, vector in vectorize_elements(doc, trainee)]
