"""`corpus extract` and `corpus inline`: the click layer over corpus.extract."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from corpus.cli.common import corpus_root, echo_json, reports_errors
from corpus.errors import CorpusError, escape_line
from corpus.progress import progress
from corpus.samples.lock import writer_lock
from corpus.samples.tree import resolve_samples

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
JSON = click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")


@click.command()
@PATHS
@JSON
@click.pass_context
@reports_errors
def extract(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Move the data: URLs of pages into their resources folders (Git LFS).

    PATHS are pages, set folders or the corpus (default: the whole corpus). Every
    data: URL (base64 or percent-encoded, in attributes, srcset, style, <style>,
    SVG, and inside extracted stylesheets) becomes a file
    samples/<set>/resources/<stem>/<sha256 prefix>.<ext>, and the page refers to it.
    `corpus inline` undoes this byte for byte. Malformed data URLs are left in
    place and reported as FILE:OFFSET: MESSAGE; the exit status is then 1.
    """
    from corpus.extract.extract import ExtractResult, Problem, extract_sample
    from corpus.extract.store import Writers

    root = corpus_root(ctx)
    samples = resolve_samples(root, paths)
    report = []
    problems = []
    with writer_lock(root), Writers() as writers, progress("extracting", len(samples), not as_json) as advance:
        for sample in samples:
            advance(1)
            try:
                result = extract_sample(sample, writers=writers)
            except CorpusError as e:  # one page's trouble never stops the others
                result = ExtractResult(False, [], [Problem(sample.path, 0, str(e).removeprefix(f"{sample.path}: "))])
            problems += result.problems
            report.append({
                "page": sample.relpath,
                "changed": result.changed,
                "resources": [p.relative_to(root).as_posix() for p in result.resources],
                "problems": [{"offset": p.offset, "message": p.message} for p in result.problems],
            })
    if as_json:
        echo_json(report)
    else:
        changed = [r for r in report if r["changed"]]
        for r in changed:
            click.echo(f"extracted {r['page']}: {len(r['resources'])} resource(s)")
        click.echo(f"{len(changed)} of {len(report)} page(s) extracted")
    for problem in problems:
        click.echo(escape_line(str(problem)), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len({p.path for p in problems})} page(s)", err=True)
        sys.exit(1)


@click.command()
@PATHS
@JSON
@click.pass_context
@reports_errors
def inline(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Put extracted resources back into pages, restoring them byte for byte.

    PATHS are pages, set folders or the corpus (default: the whole corpus). The
    manifest and the files it names are removed from the resources folder.
    """
    from corpus.extract.inline import inline_sample

    root = corpus_root(ctx)
    samples = resolve_samples(root, paths)
    inlined = []
    failed = []
    with writer_lock(root), progress("inlining", len(samples), not as_json) as advance:
        for sample in samples:
            advance(1)
            try:
                if inline_sample(sample):
                    inlined.append(sample.relpath)
            except CorpusError as e:  # one page's trouble never stops the others
                failed.append(escape_line(str(e)))
    if as_json:
        echo_json({"inlined": inlined, "pages": len(samples)})
    else:
        for page in inlined:
            click.echo(f"inlined {page}")
        click.echo(f"{len(inlined)} of {len(samples)} page(s) inlined")
    for message in failed:
        click.echo(message, err=True)
    if failed:
        click.echo(f"{len(failed)} page(s) could not be inlined", err=True)
        sys.exit(1)
