"""Checking pages one by one from their own bytes, in order, with bounded work in flight.

A full check of 100,000 pages must not hold 100,000 reports: pages go to worker
processes in chunks, at most WINDOW_CHUNKS per worker in flight, and each report
is handed on (and forgotten) in the order the pages came, so the caller can print
a page's findings while later pages are still being read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from corpus.check.labels import LineProblem, check_labels, parse_page
from corpus.errors import CorpusError
from corpus.extract.references import Reference, resource_references
from corpus.parallel import Died, fastest_start, ordered_map, usable_cpus
from corpus.tree.rubric import Rubric
from corpus.tree.sample import Sample

PARALLEL_FROM = 64  # pages; below this, starting worker processes costs more than it saves
CHUNK = 16  # pages a worker task checks: amortizes the pickling of the rubric
WINDOW_CHUNKS = 4  # chunks in flight per worker: keeps workers busy, memory bounded


@dataclass(frozen=True)
class PageReport:
    """What one worker found in one page."""

    problems: list[LineProblem]
    references: list[Reference]


def page_reports(rubric: Rubric | None, samples: list[Sample]) -> Iterator[tuple[Sample, PageReport]]:
    """Each sample with its report, in the order given."""
    workers = min(usable_cpus(), 8)
    if len(samples) < PARALLEL_FROM:
        workers = 1
    for reports in ordered_map(partial(_check_chunk, rubric), _chunks(samples, CHUNK), workers=workers,
                               start=fastest_start(), ahead=WINDOW_CHUNKS, name=lambda chunk: str(chunk[0].path)):
        if isinstance(reports, Died):
            chunk = reports.item
            raise CorpusError(f"{chunk[0].path}: a worker process died while checking this page or one of "
                              f"the {len(chunk) - 1} after it (out of memory? killed?)")
        yield from reports


def _chunks(samples: Iterable[Sample], size: int) -> Iterator[list[Sample]]:
    iterator = iter(samples)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _check_chunk(rubric: Rubric | None, samples: list[Sample]) -> list[tuple[Sample, PageReport]]:
    return [(sample, check_page(rubric, sample)) for sample in samples]


def check_page(rubric: Rubric | None, sample: Sample) -> PageReport:
    """Everything that can be said about one page from its own bytes."""
    from corpus.extract.extract import looks_like_html
    from corpus.extract.survey import survey

    try:
        data = sample.path.read_bytes()
    except OSError as e:
        return PageReport([LineProblem(1, f"cannot read the page: {e.strerror}", "unreadable-page")], [])
    if not data.strip():
        return PageReport([LineProblem(1, "empty page", "empty-page")], [])
    if not looks_like_html(data[:4096]):
        return PageReport([LineProblem(1, "not an HTML page (no markup at its start): binary or misnamed?", "not-html")], [])
    problems = []
    if may_hold_data_urls(data):
        found = survey(data)
        if found.extractable:
            problems.append(LineProblem(1, f"page still holds inline data: URLs (extract not run): "
                                       f"run `corpus extract {sample.relpath}`", "inline-data"))
        for offset, message in found.leftovers:  # what extract cannot move out: never silent
            problems.append(LineProblem(data.count(b"\n", 0, offset) + 1, f"offset {offset}: {message}",
                                        "data-url-left"))
    doc = parse_page(data)
    if doc is None:
        return PageReport([*problems, LineProblem(1, "does not parse as HTML", "not-html")], [])
    if rubric is not None:
        parts = rubric.naming.match(sample.name)
        negative = None if parts is None else bool(parts.get("negative"))
        problems += check_labels(rubric, doc, negative)
    return PageReport(problems, resource_references(doc))


def may_hold_data_urls(data: bytes) -> bool:
    """A fast superset of `has_inline_data`: no `data:` (colon maybe as an entity), no data URL.

    The full scan costs as much as parsing the page; most pages are ruled out in microseconds.
    """
    lowered = data.lower()
    return b"data:" in lowered or b"data&" in lowered
