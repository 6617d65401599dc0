"""`corpus extract` and `corpus inline`: the click layer over corpus.extract."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from corpus.cli.common import (
    SetOrPath,
    corpus_root,
    echo_json,
    reports_errors,
    shown_path,
)
from corpus.errors import BadInput, CorpusError, escape_line
from corpus.progress import progress
from corpus.store.lock import writer_lock
from corpus.tree.sample import Sample, resolve_samples

if TYPE_CHECKING:
    from corpus.extract.extract import ExtractResult

PATHS = click.argument("paths", nargs=-1, type=SetOrPath(path_type=Path), metavar="[PATH|SET]...")
JSON = click.option("--json", "as_json", is_flag=True, help="Print a JSON report on stdout.")


def _pages(paths: tuple[Path, ...]) -> tuple[Path | None, list[Sample], list[Sample]]:
    """(corpus root or None, its samples named by `paths`, pages of folders outside any corpus set).

    No paths means the whole corpus around the cwd.
    """
    from corpus.extract.folder import folder_pages, in_a_corpus_set

    inside = [p for p in paths if in_a_corpus_set(p)]
    outside = [p for p in paths if not in_a_corpus_set(p)]
    root = corpus_root() if inside or not paths else None
    samples = resolve_samples(root, inside) if root is not None else []
    loose = [page for path in outside for page in folder_pages(path)]
    return root, samples, loose


def _shown_resources(result: ExtractResult, root: Path | None) -> list[str]:
    """The result's resource files as shown to the user; the folder is resolved once, not per file."""
    if result.folder is None:
        return []
    folder = shown_path(result.folder, root)
    return [f"{folder}/{name}" for name in result.names]


@click.command()
@PATHS
@click.option("--preserve-originals/--no-preserve-originals", default=None,
              help="Outside a corpus: first copy each page into a new `originals` folder beside it "
                   "[default: yes, as fathom extract]. Inside a corpus git keeps the originals and "
                   "`corpus inline` restores them, so only --no-preserve-originals applies there.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes extracting pages side by side [default: one per CPU; "
                   "one page is always extracted in this process].")
@JSON
@click.pass_context
@reports_errors
def extract(ctx: click.Context, paths: tuple[Path, ...], preserve_originals: bool | None, jobs: int | None,
            as_json: bool) -> None:
    """Move the data: URLs of pages into their resources folders (Git LFS in a corpus).

    PATHS are pages, set folders (by name or path) or the corpus (default: the whole
    corpus). Every data: URL (base64 or percent-encoded, in attributes, srcset,
    style, <style>, SVG, and inside extracted stylesheets) becomes a file
    resources/<stem>/<sha256 prefix>.<ext> beside the page, and the page refers to
    it. A folder outside a corpus works as `fathom extract IN_DIRECTORY`: its pages
    (not recursing) are extracted into IN_DIRECTORY/resources/, after a copy of
    each goes into IN_DIRECTORY/originals/ (which must not exist yet).
    `corpus inline` undoes extraction byte for byte. Malformed data URLs are left
    in place and reported as FILE:OFFSET: MESSAGE; the exit status is then 1.
    Pages are spread over --jobs worker processes; the output keeps their order.
    """
    from corpus.extract.folder import preserve_originals as copy_originals
    from corpus.extract.run import extract_samples

    root, samples, loose = _pages(paths)
    if samples and preserve_originals:
        raise BadInput("--preserve-originals is for folders outside a corpus: in a corpus, git keeps "
                       "the originals and `corpus inline` restores pages byte for byte")
    if loose and preserve_originals is not False:
        copy_originals(loose)
    report = []
    problems = []
    with _changing(root, samples, loose, "extracting", not as_json) as advance:
        pages = samples + loose
        for sample, result in zip(pages, extract_samples(pages, jobs)):  # one page's trouble never stops the others
            advance(1)
            problems += result.problems
            report.append(_page_record(sample, result, root))
    _print_extracted(report, problems, as_json)


def _page_record(sample: Sample, result: ExtractResult, root: Path | None) -> dict[str, object]:
    return {
        "page": sample.relpath,
        "changed": result.changed,
        "resources": _shown_resources(result, root),
        "problems": [{"offset": p.offset, "message": p.message} for p in result.problems],
    }


def _print_extracted(report: list[dict], problems: list, as_json: bool) -> None:
    """The pages extracted (or the JSON report), then each problem; exit 1 if any."""
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

    PATHS are pages, set folders (by name or path) or the corpus (default: the
    whole corpus), or folders outside a corpus that `corpus extract` extracted.
    The manifest and the files it names are removed from the resources folder.
    """
    from corpus.extract.inline import inline_sample

    root, samples, loose = _pages(paths)
    inlined = []
    failed = []
    with _changing(root, samples, loose, "inlining", not as_json) as advance:
        for sample in samples + loose:
            advance(1)
            try:
                if inline_sample(sample):
                    inlined.append(sample.relpath)
            except CorpusError as e:  # one page's trouble never stops the others
                failed.append(escape_line(str(e)))
    total = len(samples) + len(loose)
    if as_json:
        echo_json({"inlined": inlined, "pages": total})
    else:
        for page in inlined:
            click.echo(f"inlined {page}")
        click.echo(f"{len(inlined)} of {total} page(s) inlined")
    for message in failed:
        click.echo(message, err=True)
    if failed:
        click.echo(f"{len(failed)} page(s) could not be inlined", err=True)
        sys.exit(1)


@contextmanager
def _changing(root: Path | None, samples: list[Sample], loose: list[Sample], verb: str,
              shown: bool) -> Iterator[Callable[[int], None]]:
    """Progress over the pages, under the writer lock when the corpus's samples are among them."""
    with ExitStack() as stack:
        if samples:
            stack.enter_context(writer_lock(root))
        yield stack.enter_context(progress(verb, len(samples) + len(loose), shown))
