"""Commands that manage the samples tree: add, import, list, status, pick, split."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from corpus.check.rubric import load_rubric
from corpus.cli.common import corpus_root, echo_json, reports_errors
from corpus.samples.lock import writer_lock
from corpus.samples.tree import SETS

SET_CHOICE = click.Choice(SETS)


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def init(ctx: click.Context, directory: Path | None) -> None:
    """Make DIR (default: here) a corpus repository, or repair one.

    Creates the samples/ sets and rubric, the Git LFS rule for resources, and the
    hooks (Git LFS's first, then pre-commit's). Never touches a sample.
    """
    from corpus.samples.init import init_corpus

    base = ctx.find_root().params.get("directory") or Path.cwd()
    report = init_corpus(base / directory if directory else base)
    if report.created:
        for item in report.created:
            click.echo(f"created {item}")
    click.echo(f"corpus ready at {report.root}")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--negative/--positive", default=None,
              help="Whether the pages are negative (no target). Default: inferred from their labels.")
@click.option("--to", "to_set", type=SET_CHOICE, default="unused", show_default=True, help="The set to add to.")
@click.option("--name", help="The new page's name (one page). Default: the next free number under the guide's "
              "naming rule, the file's own name under a custom one.")
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Move inline data: URLs into LFS-tracked resources.")
@click.pass_context
@reports_errors
def add(ctx: click.Context, paths: tuple[Path, ...], negative: bool | None, to_set: str, name: str | None,
        extract: bool) -> None:
    """Copy pages (files or folders of pages) into the corpus and stage them in git.

    Under the guide's naming rule each page gets the next free id shared by all
    sets (`7.html`, `n8.html` for a negative one); under a custom rule it keeps its
    file name. A page already in the corpus (as it was added, extracted or not) is
    skipped with a note; re-running an interrupted `add DIR` completes it.
    """
    from corpus.samples.add import add_pages

    root = corpus_root(ctx)
    with writer_lock(root):
        result = add_pages(root, load_rubric(root), list(paths), negative, to_set, name, extract, show_progress=True)
    for note in result.skipped:
        click.echo(f"note: {note}", err=True)
    for item in result.added:
        kind = "negative" if item.negative else "positive"
        click.echo(f"added {item.source} as {item.sample.relpath} ({kind})")
    for problem in result.problems:
        click.echo(f"{problem}", err=True)
    if result.problems:
        sys.exit(1)


@click.command(name="import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--to", "to_set", type=SET_CHOICE, help="Put every page in this set. Default: keep each page's set.")
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Move inline data: URLs into LFS-tracked resources.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@reports_errors
def import_(ctx: click.Context, src: Path, to_set: str | None, extract: bool, as_json: bool) -> None:
    """Bring an existing Fathom corpus in, in one go: SRC is a samples tree
    (unused/ training/ validation/ testing/, any subset) or a folder of pages.

    Names and sets are kept; pages fathom-extract made bring their resources/<stem>/
    files and end in this corpus's layout; originals/ folders are skipped. Names
    breaking the naming rule are imported and reported (exit 1). Pages already in
    the corpus are skipped, so re-running an interrupted import completes it.
    """
    from corpus.samples.importing import import_corpus

    root = corpus_root(ctx)
    with writer_lock(root):
        result = import_corpus(root, load_rubric(root), src, to_set, extract, show_progress=not as_json)
    if as_json:
        echo_json({"imported": [a.page for a in result.imported], "per_set": result.per_set(),
                   "skipped": result.skipped, "reported": result.reported, "problems": result.problems})
    else:
        for note in result.skipped + result.reported + result.problems:
            click.echo(note, err=True)
        sets = ", ".join(f"{name} {n}" for name, n in result.per_set().items()) or "nothing new"
        click.echo(f"imported {len(result.imported)} pages ({sets})")
    if result.reported or result.problems:
        sys.exit(1)


@click.command(name="list")
@click.argument("in_directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-b", "--base-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Print paths relative to this folder. Default: IN_DIRECTORY.")
@click.option("-o", "--out-file", type=click.File("w"), help="Write the list here. Default: stdout.")
@click.option("-u", "--show-urls", is_flag=True, help="Also print each page's original URL.")
@reports_errors
def list_(in_directory: Path, base_dir: Path | None, out_file, show_urls: bool) -> None:
    """Recursively list the pages under IN_DIRECTORY (resources folders skipped)."""
    from corpus.samples.listing import list_pages, original_url

    out = out_file or sys.stdout
    for rel in list_pages(in_directory, base_dir):
        if show_urls:
            page = (base_dir or in_directory).resolve() / rel
            out.write(f"{rel}\t{original_url(page) or ''}\n")
        else:
            out.write(f"{rel}\n")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
@reports_errors
def status(ctx: click.Context, as_json: bool) -> None:
    """Per set: positive and negative pages, targets per type, pages still to extract,
    resource bytes; whether resources are LFS pointers and the hooks are installed."""
    from corpus.samples.status import corpus_status

    root = corpus_root(ctx)
    report = corpus_status(root, load_rubric(root))
    if as_json:
        echo_json(report.to_json())
        return
    for set_name, s in report.sets.items():
        targets = ", ".join(f"{t} {n}" for t, n in s.targets.items()) or "none"
        click.echo(f"{set_name:<11} {s.positive:>5} positive {s.negative:>5} negative   targets: {targets}")
        if s.resource_files:
            click.echo(f"{'':<11} {s.resource_files} resource files, {s.resource_bytes} bytes")
        if s.inline_data_pages:
            click.echo(f"{'':<11} {len(s.inline_data_pages)} pages still hold inline data: URLs (run corpus extract)")
    if report.resources_as_lfs_pointers:
        click.echo("resources: all stored as Git LFS pointers")
    else:
        click.echo(f"resources: {len(report.resources_not_pointers)} staged as content, not LFS pointers:")
        for path in report.resources_not_pointers:
            click.echo(f"  {path}")
    missing = [name for name, ok in report.hooks.items() if not ok]
    click.echo("hooks: installed" if not missing else f"hooks: missing {', '.join(missing)} (run corpus hooks install)")


def _print_moves(plan, as_json: bool, dry_run: bool) -> None:
    if as_json:
        echo_json({"dry_run": dry_run, "misfits": plan.misfits, "moves": [
            {"from": m.sample.relpath, "to": m.destination.relpath} for m in plan.moves]})
        return
    verb = "would move" if dry_run else "moved"
    for m in plan.moves:
        click.echo(f"{verb} {m.sample.relpath} -> {m.destination.relpath}")
    for line in plan.misfits:
        click.echo(f"note: {line}", err=True)
    click.echo(f"{len(plan.moves)} samples {verb}", err=True)


def move_options(command):
    """The options pick and split share."""
    for option in reversed([
        click.option("--seed", type=int, default=0, show_default=True,
                     help="Seed: the same seed and samples give the same moves."),
        click.option("--stratify-by", multiple=True, metavar="GROUP",
                     help="A group of the naming rule to keep proportional (repeatable). Default: the rubric's."),
        click.option("--group-by", metavar="GROUP",
                     help="A group of the naming rule whose pages stay in one set. Default: the rubric's naming.group."),
        click.option("--dry-run", is_flag=True, help="Print what would move; move nothing."),
        click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
    ]):
        command = option(command)
    return command


def _groups(rubric, stratify_by: tuple[str, ...]) -> tuple[str, ...]:
    return stratify_by or rubric.stratify


@click.command()
@click.argument("from_set", metavar="FROM")
@click.argument("to_set", metavar="TO")
@click.argument("count", metavar="N", type=click.IntRange(min=0))
@move_options
@click.pass_context
@reports_errors
def pick(ctx: click.Context, from_set: str, to_set: str, count: int, seed: int, stratify_by: tuple[str, ...],
         group_by: str | None, dry_run: bool, as_json: bool) -> None:
    """Move N samples from set FROM to set TO (names like `unused` or folders like
    `samples/unused`), at random but reproducibly, keeping the share of negative
    pages (and of each --stratify-by group) as in FROM and each group whole."""
    from corpus.samples.pick import apply_moves, plan_pick, set_named

    root = corpus_root(ctx)
    rubric = load_rubric(root)
    base = ctx.find_root().params.get("directory")
    with writer_lock(root):
        plan = plan_pick(root, rubric, set_named(root, from_set, base), set_named(root, to_set, base), count, seed,
                         _groups(rubric, stratify_by), group_by)
        if not dry_run:
            apply_moves(root, plan.moves, show_progress=not as_json)
    _print_moves(plan, as_json, dry_run)


@click.command()
@click.option("--ratios", default="60,20,20", show_default=True, help="Training, validation, testing shares.")
@move_options
@click.pass_context
@reports_errors
def split(ctx: click.Context, ratios: str, seed: int, stratify_by: tuple[str, ...], group_by: str | None,
          dry_run: bool, as_json: bool) -> None:
    """Move every sample of unused into training, validation and testing by --ratios,
    stratified by positive/negative (and each --stratify-by group), each group whole."""
    from corpus.samples.pick import apply_moves, parse_ratios, plan_split

    root = corpus_root(ctx)
    rubric = load_rubric(root)
    with writer_lock(root):
        plan = plan_split(root, rubric, parse_ratios(ratios), seed, _groups(rubric, stratify_by), group_by)
        if not dry_run:
            apply_moves(root, plan.moves, show_progress=not as_json)
    _print_moves(plan, as_json, dry_run)
