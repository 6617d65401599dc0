"""What a set argument names: a vector file, or a folder of samples to vectorize first."""

from __future__ import annotations

from pathlib import Path

from corpus.errors import BadInput
from corpus.store.lock import writer_lock
from corpus.tree.sample import find_root, set_named


def vectors_for(
    argument: Path, trainee: str | None, ruleset: Path | None = None, cache: Path | None = None, tabs: int = 1,
    delay: float = 0.0, scheduler: str | None = None, show_browser: bool = False,
) -> Path:
    """The vector file for `argument`, vectorizing a set folder incrementally when given one
    (into `cache`, default vectors/<set>_<trainee>.json, with `tabs` worker processes,
    waiting `delay` seconds after each page loads; on the Dask cluster `scheduler`,
    CORPUS_SCHEDULER or training.yaml names, if any; `show_browser` in a visible window)."""
    if argument.is_file():
        return argument
    if not argument.is_dir():
        raise BadInput(f"{argument}: no such vector file or set folder")
    if not trainee:
        raise BadInput(f"{argument}: --trainee is needed to vectorize a folder of samples")
    from corpus.cluster.address import scheduler_for
    from corpus.cluster.choice import vectorize_runner
    from corpus.vectors.vectorize import vectorize_set

    root = find_root(argument)
    set_name = set_named(root, argument)
    runner = vectorize_runner(tabs, scheduler_for(root, scheduler))
    with writer_lock(root):
        return vectorize_set(root, set_name, trainee, ruleset_path=ruleset, out=cache, runner=runner, progress=True,
                             delay=delay, show_browser=show_browser)
