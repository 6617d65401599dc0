"""Extracting many pages in one run: results in page order, one page's trouble never
stopping the others, the pages taken in batches, spread over worker processes.

Batches: most pages of a real corpus are small, and putting a page in place safely
costs three syncs (see staged.py), more than extracting a small page; a batch of pages
shares them. Processes: a real page's extraction is CPU work (decoding, hashing) and
file creation, both of which scale with cores; not threads, because the scanning loop
around the C calls holds the GIL. A batch is extracted whole by one worker, so crash
safety is the same as in one process: each page is the original or fully extracted,
whatever dies when.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from corpus.errors import CorpusError
from corpus.extract.extract import stage_sample
from corpus.extract.staged import ExtractResult, Problem, StagedPage, commit_pages
from corpus.parallel import Died, fastest_start, ordered_map, usable_cpus
from corpus.tree.sample import Sample

BATCH_PAGES = 32  # pages sharing the syncs that put them in place, at most
# Of pages per batch, at most: a batch holds its pages' manifests (about 1.6 MB for a thousand
# resources) until the end, and three syncs matter little beside a big page's thousand files.
BATCH_BYTES = 16 * 1024 * 1024
AHEAD_PER_WORKER = 2  # batches queued per worker: enough to keep it busy, few enough to stop soon


def workers_for(pages: int, jobs: int) -> int:
    """Worker processes for a run: none beyond the pages, and 1 (this process) for a single page."""
    return max(1, min(jobs, pages))


def batches(samples: Sequence[Sample], jobs: int) -> list[list[Sample]]:
    """Consecutive pages in batches: at most BATCH_PAGES pages or BATCH_BYTES of them, and
    small enough that every worker gets at least two."""
    most = max(1, min(BATCH_PAGES, len(samples) // (2 * jobs)))
    out: list[list[Sample]] = [[]]
    size = 0
    for sample in samples:
        try:
            page_size = sample.path.stat().st_size
        except OSError:
            page_size = 0  # its extraction says what is wrong with it
        if out[-1] and (len(out[-1]) >= most or size + page_size > BATCH_BYTES):
            out.append([])
            size = 0
        out[-1].append(sample)
        size += page_size
    return [batch for batch in out if batch]


def extract_batch(samples: Sequence[Sample]) -> list[ExtractResult]:
    """Extract the pages and put them in place together; results in order. A page's own
    trouble (CorpusError) becomes a problem of that page, and the others go on."""
    results: list[ExtractResult | StagedPage] = []
    try:
        for sample in samples:
            try:
                results.append(stage_sample(sample))
            except CorpusError as e:
                results.append(ExtractResult(False, [], [Problem(sample.path, 0,
                                                                 str(e).removeprefix(f"{sample.path}: "))]))
    except BaseException:
        for staged in results:
            if isinstance(staged, StagedPage):
                staged.discard()
        raise
    committed = iter(commit_pages([r for r in results if isinstance(r, StagedPage)]))
    return [next(committed) if isinstance(r, StagedPage) else r for r in results]


def extract_samples(samples: Sequence[Sample], jobs: int | None = None) -> Iterator[ExtractResult]:
    """Each sample's ExtractResult, yielded in the order of `samples`.

    With `jobs` > 1 (default: one per CPU) and more than one page, batches go to that
    many worker processes; otherwise they are extracted here. Errors other than a
    page's CorpusError (a full disk, say) end the run, as they do in one process; so
    does a worker's death, with every page whole.

    Workers are forked: they start in milliseconds with everything imported, which is
    safe while the parent runs no other thread, as `corpus extract` does not. On Ctrl-C
    each finishes the batch it is on (a page is never left half done either way, but a
    finished page is work kept).
    """
    jobs = workers_for(len(samples), jobs or usable_cpus())
    for batch in ordered_map(extract_batch, batches(samples, jobs), workers=jobs, start=fastest_start(),
                             ahead=AHEAD_PER_WORKER, name=lambda batch: str(batch[0].path)):
        if isinstance(batch, Died):
            raise CorpusError(f"{batch.item[0].path}: a worker process died while this page or one beside it "
                              "was being extracted (out of memory? killed?); every page is whole: run "
                              "`corpus extract` again to finish")
        yield from batch
