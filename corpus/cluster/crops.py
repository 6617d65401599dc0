"""`corpus crops --scheduler`: pages rendered and cropped on a Dask cluster.

Each task carries the page and its resources (PageBundle); the worker renders it
in its thread's kept browser and sends back the PNG bytes, which the client
writes, so the crops folder and its manifest stay on the client's disk only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from corpus.cluster.runner import ClusterStats, announce, connect, error_line, stream
from corpus.cluster.shipping import PageBundle, UnpackedPage, pack_page
from corpus.errors import BadInput, CorpusError
from corpus.render.browser import Viewport
from corpus.render.crops import (
    CropImages,
    CropOptions,
    CropResult,
    RenderCrops,
    page_crops,
)
from corpus.tree.sample import Sample


def crop_page(bundle: PageBundle, set_name: str, stem: str, options: CropOptions, where: str) -> tuple[str, CropImages]:
    """Runs on a worker: (worker address, (crops, skips))."""
    from corpus.cluster.plugin import worker_address, worker_plugin

    plugin = worker_plugin()

    def work(thread: Any) -> CropImages:
        with UnpackedPage(bundle, thread.scratch()) as (_set_dir, page):
            return page_crops(thread.browser(Viewport(*options.viewport)), page, set_name, stem, options, where)

    return worker_address(), plugin.on_browser_thread(work)


def crops_on_cluster(
    address: str, todo: list[tuple[Sample, str]], options: CropOptions
) -> Iterator[tuple[Sample, str, CropResult]]:
    """(sample, content hash, its crops or why not) for each page, as the cluster finishes them.

    A page that cannot be rendered on any try is reported and the others go on, as
    in a local run; wrong options (BadInput) stop the run.
    """
    stats = ClusterStats()
    with connect(address) as client:
        announce(client, address, "cropping")

        def call(item: tuple[Sample, str]) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            sample = item[0]
            bundle = pack_page(sample.set_dir, sample.path)
            return crop_page, (bundle, sample.set_name, sample.stem, options, sample.relpath)

        for (sample, digest), result in stream(client, todo, call, stats):
            if isinstance(result, BadInput):
                raise result
            if isinstance(result, BaseException) and not isinstance(result, CorpusError):
                result = CorpusError(f"{sample.relpath}: failed on the cluster: {error_line(result)}")
            yield sample, digest, result


def cluster_renderer(address: str) -> RenderCrops:
    """`make_crops(..., render=cluster_renderer(address))` renders on that cluster."""
    return lambda todo, options: crops_on_cluster(address, todo, options)
