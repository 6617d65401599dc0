"""`corpus label IN_DIRECTORY IN_TYPE`: whole-page labels, as `fathom label`."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from corpus.cli.common import SetOrPath, corpus_root, echo_json, reports_errors
from corpus.errors import BadInput
from corpus.parallel import usable_cpus
from corpus.progress import progress


@click.command()
@click.argument("in_directory", type=SetOrPath(exists=True, file_okay=False, path_type=Path))
@click.argument("in_type")
@click.option("--preserve-originals/--no-preserve-originals", default=None,
              help="Outside a corpus: first copy each page into a new `originals` folder in IN_DIRECTORY "
                   "[default: yes, as fathom label]. In a corpus git keeps the originals, so only "
                   "--no-preserve-originals applies there.")
@click.option("--number-of-workers", type=click.IntRange(min=1), default=usable_cpus(),
              show_default="the number of logical cores", help="Pages rewritten at once.")
@click.option("--json", "as_json", is_flag=True, help="Print [{page, changed, previous}] as JSON.")
@reports_errors
def label(in_directory: Path, in_type: str, preserve_originals: bool | None, number_of_workers: int,
          as_json: bool) -> None:
    """Label every page in IN_DIRECTORY as a whole: data-fathom="IN_TYPE" on its <html>.

    For whole-page recognizers (IN_TYPE "article" for article pages). The <html>
    start tag is found as a browser finds it (any case, any attributes, not in a
    comment; added where the page leaves it out) and only the attribute is
    written: inserted, or its old value replaced. Pages directly in IN_DIRECTORY
    (a folder or a set) are labeled; a page that cannot be changes nothing. In a
    corpus, IN_TYPE must be a type of the rubric.
    """
    from corpus.extract.folder import folder_pages, in_a_corpus_set
    from corpus.extract.folder import preserve_originals as copy_originals
    from corpus.samples.label import apply_labels, check_type, plan_labels
    from corpus.store.lock import writer_lock

    check_type(in_type)
    pages = folder_pages(in_directory)
    in_corpus = in_a_corpus_set(in_directory)
    with ExitStack() as stack:
        if in_corpus:
            if preserve_originals:
                raise BadInput("--preserve-originals is for folders outside a corpus: in a corpus, git keeps "
                               "the originals")
            root = corpus_root()
            _check_declared(root, in_type)
            stack.enter_context(writer_lock(root))
        edits = plan_labels([page.path for page in pages], in_type)  # every page, before anything is written
        if not in_corpus and preserve_originals is not False and pages:
            copy_originals(pages)
        advance = stack.enter_context(progress("labeling", len(pages), not as_json))
        results = apply_labels(edits, number_of_workers, lambda: advance(1))
    if as_json:
        echo_json([{"page": str(edit.page), "changed": changed, "previous": edit.previous}
                   for edit, changed in results])
    else:
        _print_labeled(results, in_type)


def _print_labeled(results: list, in_type: str) -> None:
    for edit, changed in results:
        if not changed:
            click.echo(f"already labeled {edit.page}")
        elif edit.previous:
            click.echo(f"relabeled {edit.page} (was {edit.previous})")
        else:
            click.echo(f"labeled {edit.page}")
    click.echo(f"{sum(changed for _, changed in results)} of {len(results)} page(s) labeled {in_type}", err=True)


def _check_declared(root: Path, label_type: str) -> None:
    from corpus.check.labels import closest_type
    from corpus.tree.rubric import load_rubric

    declared = sorted(load_rubric(root).types)
    if label_type not in declared:
        closest = closest_type(label_type, declared)
        hint = f"; closest declared type: {closest}" if closest else f" ({', '.join(declared) or 'none declared'})"
        raise BadInput(f"{label_type}: not a type of the rubric{hint}")
