"""The viewer's page-at-a-time collector (FathomFox's): one URL frozen by `corpus collect`'s
own code and landed in `unused`, so the viewer can open it for labeling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from corpus.collect.freezer import freeze_dry_script
from corpus.collect.run import collect
from corpus.collect.sinks import CorpusSink, Landed
from corpus.collect.targets import Target, parse_line
from corpus.collect.visit import CollectFailure, CollectOptions, Frozen
from corpus.errors import BadInput
from corpus.render.browser import Viewport
from corpus.store.lock import writer_lock
from corpus.tree.rubric import load_rubric
from corpus.tree.sample import Sample

COLLECT_SET = "unused"


class _LockedSink:
    """Lands the page under the writer lock. The corpus is read once per request, before the
    page loads (loading and freezing hold no lock: labeling goes on meanwhile); a label or
    a `pick` meanwhile moves a sample but keeps its name, and landing never overwrites."""

    def __init__(self, root: Path, lock_wait_s: float) -> None:
        self.root, self.lock_wait_s = root, lock_wait_s
        self.sink = CorpusSink(root, load_rubric(root), COLLECT_SET, negative=False)
        self.existing: Sample | None = None  # the page was collected before: this sample

    def already(self, target: Target) -> str | None:
        self.existing = self.sink.sample_for(target.url)
        return self.sink.already(target)

    def accept(self, target: Target, frozen: Frozen) -> Landed | str:
        with writer_lock(self.root, self.lock_wait_s):
            if (found := self.sink.duplicate(frozen)) is not None:  # its final URL or its bytes
                self.existing = found[0]
            return self.sink.accept(target, frozen)


def collect_one(root: Path, line: str, viewport: Viewport, allow_local: bool, lock_wait_s: float) -> Sample:
    """The sample `line` (`URL` or `NAME URL`) landed as, or the one it was collected as
    before; CollectFailure with the reason when it cannot be collected.

    `corpus collect` runs an asyncio loop of its own: it gets a thread of its own, apart
    from the caller's (a request thread) and from the viewer's sync browser thread."""
    target = parse_line(line)
    if target is None:
        raise BadInput("a URL to collect is needed")
    sink = _LockedSink(root, lock_wait_s)
    options = CollectOptions(viewport=viewport, allow_local=allow_local)
    script = freeze_dry_script(root)
    with ThreadPoolExecutor(1, thread_name_prefix="collect") as pool:
        outcome = pool.submit(collect, [target], options, sink, script).result()[0]
    if outcome.status == "collected":
        return Sample(root, COLLECT_SET, Path(outcome.page).name)
    if sink.existing is not None:
        return sink.existing
    raise CollectFailure(f"{target.url}: {outcome.reason}")
