"""Commands that manage the samples tree: init, add, import, list, status, pick, split."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from corpus.cli.common import SetName, corpus_root, echo_json, reports_errors
from corpus.errors import BadInput
from corpus.store.lock import writer_lock
from corpus.tree.rubric import load_rubric


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--js", is_flag=True,
              help="Scaffold a Fathom rulesets.js (JavaScript, as FathomFox runs it) instead of rulesets.py.")
@click.option("--types", metavar="A,B", help="Your label types: the rubric and ruleset are scaffolded for these "
              "(default: one example type, new-password).")
@click.option("--json", "as_json", is_flag=True, help="Print {root, created} as JSON.")
@click.pass_context
@reports_errors
def init(ctx: click.Context, directory: Path | None, js: bool, types: str | None, as_json: bool) -> None:
    """Make DIR (default: here) a corpus repository, or repair one.

    Creates the samples/ sets and rubric, an example ruleset, the Git LFS rule for
    resources, a .gitignore, and the hooks (Git LFS's first, then pre-commit's).
    Never touches a sample, nor a rubric or ruleset already there.
    """
    from corpus.samples.init import init_corpus, parse_types

    report = init_corpus(directory or Path.cwd(), js=js, types=parse_types(types) if types is not None else ())
    if as_json:
        echo_json({"root": str(report.root), "created": report.created})
        return
    if report.created:
        for item in report.created:
            click.echo(f"created {item}")
    click.echo(f"corpus ready at {report.root}")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--negative/--positive", default=None,
              help="Whether the pages are negative (no target). Default: inferred from their labels.")
@click.option("--to", "to_set", type=SetName(), default="unused", show_default=True,
              help="The set to add to (a name or its folder).")
@click.option("--name", help="The new page's name (one page). Default: the next free number under the guide's "
              "naming rule, the file's own name under a custom one.")
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Move inline data: URLs into LFS-tracked resources.")
@click.option("--json", "as_json", is_flag=True, help="Print {added: [{source, page, negative}], problems} as JSON.")
@click.pass_context
@reports_errors
def add(ctx: click.Context, paths: tuple[Path, ...], negative: bool | None, to_set: str, name: str | None,
        extract: bool, as_json: bool) -> None:
    """Copy pages (files or folders of pages) into the corpus and stage them in git.

    Under the guide's naming rule each page gets the next free id shared by all
    sets (`7.html`, `n8.html` for a negative one); under a custom rule it keeps its
    file name. A page already in the corpus (as it was added, extracted or not) is
    skipped with a note; re-running an interrupted `add DIR` completes it.
    """
    from corpus.samples.add import add_pages

    root = corpus_root(ctx)
    with writer_lock(root):
        result = add_pages(root, load_rubric(root), list(paths), negative, to_set, name, extract,
                           show_progress=not as_json)
    for note in result.skipped:
        click.echo(f"note: {note}", err=True)
    if as_json:
        echo_json({"added": [{"source": str(item.source), "page": item.sample.relpath, "negative": item.negative}
                             for item in result.added], "skipped": result.skipped, "problems": result.problems})
        sys.exit(1 if result.problems else 0)
    for item in result.added:
        kind = "negative" if item.negative else "positive"
        click.echo(f"added {item.source} as {item.sample.relpath} ({kind})")
    for problem in result.problems:
        click.echo(f"{problem}", err=True)
    if result.problems:
        sys.exit(1)


@click.command(name="import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--to", "to_set", type=SetName(), help="Put every page in this set (a name or its folder). Default: keep each page's set.")
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Move inline data: URLs into LFS-tracked resources.")
@click.option("--adopt-types", is_flag=True, help="While the rubric lists the scaffold's example type: make the "
              "data-fathom values found in the pages its types.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@reports_errors
def import_(ctx: click.Context, src: Path, to_set: str | None, extract: bool, adopt_types: bool, as_json: bool) -> None:
    """Bring an existing Fathom corpus in, in one go: SRC is a samples tree
    (unused/ training/ validation/ testing/, any subset) or a folder of pages.

    Names and sets are kept; pages fathom-extract made bring their resources/<stem>/
    files and end in this corpus's layout; originals/ folders are skipped. Names
    breaking the naming rule are imported and reported (exit 1). Pages already in
    the corpus are skipped, so re-running an interrupted import completes it.
    While the rubric lists init's example type, the pages' own label types are
    offered as its types (--adopt-types writes them).
    """
    from corpus.samples.importing import import_corpus

    root = corpus_root(ctx)
    with writer_lock(root):
        result = import_corpus(root, load_rubric(root), src, to_set, extract, show_progress=not as_json)
        _offer_types(root, adopt_types)
    if as_json:
        echo_json({"imported": [a.page for a in result.imported], "per_set": result.per_set(),
                   "skipped": result.skipped, "reported": result.reported, "problems": result.problems,
                   "passed_over": result.passed_over,
                   "missing_resources": {s: {"pages": p, "files": f} for s, (p, f) in result.missing_resources.items()}})
    else:
        for note in result.passed_over + result.skipped + result.reported + result.problems + result.missing_notes():
            click.echo(note, err=True)
        sets = ", ".join(f"{name} {n}" for name, n in result.per_set().items()) or "nothing new"
        click.echo(f"imported {len(result.imported)} pages ({sets})")
    if result.reported or result.problems:
        sys.exit(1)


def _offer_types(root: Path, adopt: bool) -> None:
    """Offer the pages' label values as the rubric's types while it has the scaffold's (notes on stderr)."""
    from corpus.samples.labeltypes import offer_types

    offer = offer_types(root, load_rubric(root), adopt)
    for line in offer.lines() if offer else []:
        click.echo(line, err=True)


@click.command(name="list")
@click.argument("in_directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-b", "--base-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The directory to make the printed paths relative to. Default: IN_DIRECTORY.")
@click.option("-o", "--out-file", type=click.File("w"),
              help="Also save the paths, one per line, in this file (as fathom list does).")
@click.option("-u", "--show-urls", is_flag=True, help="Also show the original URL of each sample, after a space.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {path, url} instead.")
@reports_errors
def list_(in_directory: Path, base_dir: Path | None, out_file, show_urls: bool, as_json: bool) -> None:
    """Recursively list the pages under IN_DIRECTORY, one path per line, relative to
    --base-dir (default: IN_DIRECTORY), skipping resources folders.

    The output is fathom list's, byte for byte: `PATH` or, with -u, `PATH URL`
    (the URL of the page's <link rel="original">, empty when it has none);
    -o saves the paths alone. Pages are listed sorted.
    """
    from corpus.samples.listing import list_pages, original_url

    if out_file is not None and out_file.name != "-":  # opened lazily: refuse a bad path before any output
        _refuse_unwritable(Path(out_file.name))
    base = (base_dir or in_directory).resolve()
    pages = list(list_pages(in_directory, base_dir))
    if as_json:
        echo_json([{"path": rel.as_posix(), "url": original_url(base / rel) if show_urls else None}
                   for rel in pages])
    for rel in pages if not as_json else []:
        click.echo(f"{rel} {original_url(base / rel) or ''}" if show_urls else str(rel))
    if out_file is not None:
        if pages:
            out_file.writelines(rel.as_posix() + "\n" for rel in pages)
        else:
            click.echo(f"No .html files found in {in_directory}. Did not create {out_file.name}.")


def _refuse_unwritable(path: Path) -> None:
    """BadInput unless a file can be written at `path` (its folder exists and takes files)."""
    folder = path.absolute().parent
    if path.is_dir():
        raise BadInput(f"{path}: is a folder; -o names a file")
    if not folder.is_dir():
        raise BadInput(f"{path}: no such folder {folder}")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise BadInput(f"{path}: not writable")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@reports_errors
def status(ctx: click.Context, as_json: bool) -> None:
    """Per set: positive and negative pages, targets per type, pages still to extract,
    resource bytes; whether resources are LFS pointers and the hooks are installed;
    uncommitted samples and unpushed LFS objects; and, like `dvc status`, vector
    files and models that are stale, with the reason (pages or ruleset changed since
    the vectors were written; vectors, ruleset or training.yaml changed since training)."""
    from corpus.samples.status import corpus_status
    from corpus.samples.unsaved import unsaved_work
    from trainer.staleness import corpus_staleness

    root = corpus_root(ctx)
    report = corpus_status(root, load_rubric(root))
    unsaved = unsaved_work(root)
    staleness = corpus_staleness(root)
    if as_json:
        from dataclasses import asdict

        echo_json({**report.to_json(), "unsaved": asdict(unsaved), "staleness": [s.to_json() for s in staleness]})
        return
    _print_status(report)
    _print_unsaved(unsaved)
    for entry in staleness:
        click.echo(f"{entry.path}: {'stale: ' + '; '.join(entry.reasons) if entry.stale else 'up to date'}")


def _print_status(report) -> None:
    for set_name, s in report.sets.items():
        targets = ", ".join(f"{t} {n}" for t, n in s.targets.items()) or "none"
        click.echo(f"{set_name:<11} {s.positive:>5} positive {s.negative:>5} negative   targets: {targets}")
        if s.resource_files:
            click.echo(f"{'':<11} {s.resource_files} resource files, {s.resource_bytes} bytes")
        if s.inline_data_pages:
            click.echo(f"{'':<11} {len(s.inline_data_pages)} pages still hold inline data: URLs (run corpus extract)")
        if s.unextracted_data_urls:
            click.echo(f"{'':<11} {s.unextracted_data_urls} data: URLs extract cannot move out, in "
                       f"{len(s.unextracted_data_url_pages)} pages (see corpus check)")
    if report.resources_as_lfs_pointers:
        click.echo("resources: all stored as Git LFS pointers")
    else:
        click.echo(f"resources: {len(report.resources_not_pointers)} staged as content, not LFS pointers:")
        for path in report.resources_not_pointers:
            click.echo(f"  {path}")
    missing = [name for name, ok in report.hooks.items() if not ok]
    click.echo("hooks: installed" if not missing else f"hooks: missing {', '.join(missing)} (run corpus hooks install)")


def _print_unsaved(unsaved) -> None:
    if unsaved.uncommitted or unsaved.uncommitted_resources:
        extra = f" (and {unsaved.uncommitted_resources} resource files)" if unsaved.uncommitted_resources else ""
        click.echo(f"uncommitted samples: {len(unsaved.uncommitted)}{extra}")
        for line in unsaved.uncommitted:
            click.echo(f"  {line}")
    else:
        click.echo("uncommitted samples: none")
    if unsaved.remote is None:
        click.echo("LFS objects: no remote to push to")
    elif unsaved.unpushed_lfs:
        click.echo(f"LFS objects not yet pushed to {unsaved.remote}: {len(unsaved.unpushed_lfs)}")
        for path in unsaved.unpushed_lfs:
            click.echo(f"  {path}")
    else:
        click.echo(f"LFS objects: all pushed to {unsaved.remote}")


HELD_NOTES = 10  # groups named one per line; --json lists them all


def _print_moves(plan, from_set: str, as_json: bool, dry_run: bool) -> None:
    if as_json:
        echo_json({"dry_run": dry_run, "misfits": plan.misfits, "moves": [
            {"from": m.sample.relpath, "to": m.destination.relpath} for m in plan.moves],
            "held": [{"group": h.group, "pages": h.pages, "sets": list(h.sets)} for h in plan.held]})
        return
    verb = "would move" if dry_run else "moved"
    for m in plan.moves:
        click.echo(f"{verb} {m.sample.relpath} -> {m.destination.relpath}")
    for line in plan.misfits:
        click.echo(f"note: {line}", err=True)
    for held in plan.held[:HELD_NOTES]:
        click.echo(f"note: {held.note(from_set)}", err=True)
    if len(plan.held) > HELD_NOTES:
        click.echo(f"note: and {len(plan.held) - HELD_NOTES} more groups with pages in other sets (--json lists them)",
                   err=True)
    if plan.held:
        click.echo("note: groups spread over several sets leak between them: `corpus check` reports them", err=True)
    click.echo(f"{len(plan.moves)} samples {verb}", err=True)


def move_options(command):
    """The options pick and split share."""
    for option in reversed([
        click.option("--seed", type=int, default=0, show_default=True,
                     help="Seed: the same seed and samples give the same moves."),
        click.option("--stratify-by", multiple=True, metavar="GROUP",
                     help="A group of the naming rule to keep proportional (repeatable). Default: the rubric's naming.stratify."),
        click.option("--group-by", metavar="GROUP",
                     help="A group of the naming rule whose pages stay in one set. Default: the rubric's naming.group."),
        click.option("--dry-run", is_flag=True, help="Print what would move; move nothing."),
        click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
    ]):
        command = option(command)
    return command


@click.command()
@click.argument("from_set", metavar="FROM", type=SetName())
@click.argument("to_set", metavar="TO", type=SetName())
@click.argument("count", metavar="N", type=click.IntRange(min=0))
@move_options
@click.pass_context
@reports_errors
def pick(ctx: click.Context, from_set: str, to_set: str, count: int, seed: int, stratify_by: tuple[str, ...],
         group_by: str | None, dry_run: bool, as_json: bool) -> None:
    """Move N samples from set FROM to set TO (names like `unused` or folders like
    `samples/unused`), at random but reproducibly, keeping the share of negative
    pages (and of each stratum) as in FROM and each group whole. Groups with pages
    in another of training, validation and testing stay where they are (noted)."""
    from corpus.samples.pick import apply_moves, plan_pick

    root = corpus_root(ctx)
    with writer_lock(root):
        plan = plan_pick(root, load_rubric(root), from_set, to_set, count, seed, stratify_by or None, group_by)
        if not dry_run:
            apply_moves(root, plan.moves, show_progress=not as_json)
    _print_moves(plan, from_set, as_json, dry_run)


@click.command()
@click.option("--ratios", default="60,20,20", show_default=True, help="Training, validation, testing shares.")
@move_options
@click.pass_context
@reports_errors
def split(ctx: click.Context, ratios: str, seed: int, stratify_by: tuple[str, ...], group_by: str | None,
          dry_run: bool, as_json: bool) -> None:
    """Move every sample of unused into training, validation and testing by --ratios,
    stratified by positive/negative (and each stratum), each group whole. A group
    with pages in one of those sets already joins them."""
    from corpus.samples.pick import apply_moves, parse_ratios, plan_split

    root = corpus_root(ctx)
    with writer_lock(root):
        plan = plan_split(root, load_rubric(root), parse_ratios(ratios), seed, stratify_by or None, group_by)
        if not dry_run:
            apply_moves(root, plan.moves, show_progress=not as_json)
    _print_moves(plan, "unused", as_json, dry_run)
