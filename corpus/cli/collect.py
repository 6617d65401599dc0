"""`corpus collect`: freeze pages from the web into the corpus (or a folder), as FathomFox did."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from functools import partial
from pathlib import Path

import click

from corpus.cli.common import SetName, corpus_root, echo_json, reports_errors
from corpus.cli.scheduler import scheduler_for, scheduler_option
from corpus.errors import BadInput, CorpusError
from corpus.tree.sample import find_root


def parse_viewport(ctx: click.Context, param: click.Parameter, value: str):
    from corpus.render.browser import Viewport

    width, sep, height = value.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise click.BadParameter(f"{value!r}: expected WIDTHxHEIGHT, like 1366x768")
    return Viewport(int(width), int(height))


@click.command()
@click.argument("lines", nargs=-1)
@click.option("-i", "input_file", type=click.File("r", encoding="utf-8"),
              help="Read lines from FILE (`-` for standard input): `URL` or `NAME URL`, `#` comments.")
@click.option("--wait", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Seconds to wait after loading (and scrolling), before freezing.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=30.0, show_default=True,
              help="Seconds for a page to load; freeze-dry gets as long again to fetch its resources.")
@click.option("--scroll", is_flag=True, help="Scroll to the bottom first (at most 10 times on an endless page).")
@click.option("--viewport", default="1366x768", show_default=True, callback=parse_viewport,
              help="The window's WIDTHxHEIGHT.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Pages in flight at once (one browser).")
@click.option("--to", "to_set", type=SetName(), default="unused", show_default=True, help="The set to add to.")
@click.option("--negative", is_flag=True, help="The pages are negative (no target): named as such.")
@click.option("-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write NAME.html files into DIR instead of the corpus (outside a corpus: the cwd).")
@click.option("--allow-local", is_flag=True, help="Also collect file: URLs, loopback and private addresses.")
@click.option("--max-size", type=click.FloatRange(0, min_open=True), default=64.0, show_default=True,
              help="Refuse a frozen page over this many MB.")
@scheduler_option
@click.option("--json", "as_json", is_flag=True, help="Print {collected, skipped, failed} as JSON.")
@click.pass_context
@reports_errors
def collect(ctx: click.Context, lines: tuple[str, ...], input_file, wait: float, timeout: float, scroll: bool,
            viewport, jobs: int, to_set: str, negative: bool, out_dir: Path | None, allow_local: bool,
            max_size: float, scheduler: str | None, as_json: bool) -> None:
    """Load each URL in headless Chromium and freeze it with freeze-dry, as FathomFox's
    Corpus Collector did: scripts gone, every resource inlined, the original URL recorded.

    Each argument is one line, `URL` or `"NAME URL"`; a URL without a scheme gets
    http://. Inside a corpus pages land like `corpus add` (the next id, or NAME where
    the naming rule takes it); a URL already collected is skipped. With --scheduler the
    pages load on the Dask cluster's workers (one browser each) and land here. Exit 1 if
    any URL failed.
    """
    from corpus.collect.freezer import freeze_dry_script
    from corpus.collect.visit import CollectOptions

    targets = _targets(lines, input_file)
    options = CollectOptions(wait, timeout, scroll, viewport, jobs, allow_local, int(max_size * 2**20))
    root = None if out_dir is not None else _corpus_or_none(ctx)
    collect_pages = _collector(scheduler_for(root, scheduler))
    with _locked(root):
        sink = _sink(root, out_dir, targets, to_set, negative)
        outcomes = collect_pages(targets, options, sink, freeze_dry_script(root), show_progress=not as_json)
    _report(outcomes, as_json)


def _targets(lines: tuple[str, ...], input_file):
    from corpus.collect.targets import parse_lines

    try:
        targets = parse_lines(lines) + (parse_lines(input_file) if input_file is not None else [])
    except UnicodeDecodeError as e:
        raise BadInput(f"{input_file.name}: not UTF-8 text ({e.reason})") from None
    if not targets:
        raise BadInput("no URLs to collect (give URLs, or -i FILE)")
    return targets


def _collector(address: str | None):
    """`corpus.collect.run.collect`, or the same on the Dask cluster at `address`."""
    from corpus.collect.run import collect

    if address is None:
        return collect
    from corpus.cluster.collect import collect_on_cluster

    return partial(collect_on_cluster, address)


def _corpus_or_none(ctx: click.Context) -> Path | None:
    try:
        find_root(Path.cwd())
    except CorpusError:
        return None
    return corpus_root(ctx)


def _locked(root: Path | None):
    from corpus.store.lock import writer_lock

    return nullcontext() if root is None else writer_lock(root)


def _sink(root: Path | None, out_dir: Path | None, targets, to_set: str, negative: bool):
    from corpus.collect.sinks import CorpusSink, FolderSink
    from corpus.tree.rubric import load_rubric

    if root is None:
        return FolderSink(out_dir or Path.cwd(), targets)
    return CorpusSink(root, load_rubric(root), to_set, negative)


def _report(outcomes, as_json: bool) -> None:
    failed = [o for o in outcomes if o.status == "failed"]
    if as_json:
        echo_json({status: [{k: v for k, v in vars(o).items() if k != "status"} for o in outcomes if o.status == status]
                   for status in ("collected", "skipped", "failed")})
    else:
        for o in outcomes:
            if o.status == "collected":
                click.echo(f"collected {o.url} as {o.page}")
            elif o.status == "skipped":
                click.echo(f"note: {o.url}: {o.reason}; skipped", err=True)
            else:
                click.echo(f"failed {o.url}: {o.reason}", err=True)
            for note in o.notes:
                click.echo(f"note: {o.url}: {note}", err=True)
    if failed:
        sys.exit(1)
