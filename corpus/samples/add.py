"""`corpus add`: copy pages into a set under a free name, refusing duplicates."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from corpus.check.rubric import Rubric
from corpus.errors import BadInput, CorpusError
from corpus.samples import gitutil
from corpus.samples.atomic import create_new
from corpus.samples.pages import content_hash, label_types, read_page
from corpus.samples.tree import (
    PAGE_SUFFIXES,
    RESOURCES_DIR,
    SETS,
    Sample,
    all_samples,
)


@dataclass(frozen=True)
class Incoming:
    """A page to add, validated, with the name it will get."""

    source: Path
    data: bytes
    negative: bool
    sample: Sample
    source_resources: Path | None  # an already-extracted page brings its resources folder


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; folders searched recursively for pages, skipping resources folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES and RESOURCES_DIR not in p.relative_to(path).parts
            )
        else:
            found.append(path)
    if not found:
        raise BadInput("no pages to add")
    return found


def polarity(path: Path, data: bytes, wanted: bool | None) -> bool:
    """True for a negative page: from labels unless given; a contradiction is an error."""
    labeled = bool(label_types(data))
    if wanted is None:
        return not labeled
    if wanted and labeled:
        raise BadInput(f"{path}: marked negative but it holds data-fathom labels")
    if not wanted and not labeled:
        raise BadInput(f"{path}: marked positive but it holds no data-fathom label")
    return wanted


def plan_additions(root: Path, rubric: Rubric, paths: list[Path], negative: bool | None,
                   to_set: str, name: str | None) -> list[Incoming]:
    """Validate every input and choose every name before anything is written."""
    if to_set not in SETS:
        raise BadInput(f"unknown set {to_set!r} (expected one of {', '.join(SETS)})")
    sources = expand_inputs(paths)
    if name is not None and len(sources) != 1:
        raise BadInput("--name needs exactly one page")
    rule = rubric.naming
    if name is None and not rule.can_number():
        raise BadInput("the rubric's naming rule is custom: give the new page's name with --name")
    existing = all_samples(root)
    hashes = {content_hash(s.path.read_bytes()): s for s in existing}
    taken = {s.name for s in existing}
    ids = {rule.sample_id(s.name) for s in existing} - {None}
    next_number = max((int(i) for i in ids if i.isdigit()), default=0) + 1
    planned: list[Incoming] = []
    for source in sources:
        data = read_page(source)
        digest = content_hash(data)
        if digest in hashes:
            raise BadInput(f"{source}: already in the corpus as {hashes[digest].relpath}")
        is_negative = polarity(source, data, negative)
        if name is None:
            new_name = rule.numbered_name(next_number, is_negative)
            next_number += 1
        else:
            new_name = name
            if rule.match(new_name) is None:
                raise BadInput(f"{new_name}: breaks the naming rule {rule.pattern}")
            if rule.is_negative(new_name) != is_negative:
                kind = "negative" if is_negative else "positive"
                raise BadInput(f"{new_name}: the name says {'negative' if not is_negative else 'positive'}, the page is {kind}")
            new_id = rule.sample_id(new_name)
            if new_id is not None and new_id in ids:
                raise BadInput(f"{new_name}: id {new_id} is already used in the corpus")
        if new_name in taken:
            raise BadInput(f"{new_name}: a sample of that name already exists")
        taken.add(new_name)
        hashes[digest] = Sample(root, to_set, new_name)
        resources = source.parent / RESOURCES_DIR / source.stem
        planned.append(Incoming(source, data, is_negative, Sample(root, to_set, new_name),
                                resources if resources.is_dir() else None))
    return planned


@dataclass
class AddResult:
    added: list[Incoming]
    problems: list[str]  # data: URLs that extraction left in place, as `path:offset: message`


def add_pages(root: Path, rubric: Rubric, paths: list[Path], negative: bool | None, to_set: str,
              name: str | None, extract: bool = True) -> AddResult:
    """Validate all inputs, then copy them in, extract their data: URLs, and stage them."""
    planned = plan_additions(root, rubric, paths, negative, to_set, name)
    problems: list[str] = []
    written: list[Path] = []
    try:
        for item in planned:
            written.extend(write_sample(item))
            if extract:
                from corpus.extract.extract import extract_sample

                result = extract_sample(item.sample)
                problems.extend(str(p) for p in result.problems)
                if item.sample.resources_dir.exists() and item.sample.resources_dir not in written:
                    written.append(item.sample.resources_dir)
        gitutil.run(root, "add", "--", *(str(p.relative_to(root)) for p in written))
    except BaseException:
        for path in reversed(written):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    return AddResult(planned, problems)


def write_sample(item: Incoming) -> list[Path]:
    """Write one page (and the resources it brings); return what now exists because of it."""
    written: list[Path] = []
    try:
        if item.source_resources is not None:
            target = item.sample.resources_dir
            if target.exists():
                raise CorpusError(f"{target}: already exists")
            staging = target.parent / f".{target.name}.adding"
            shutil.copytree(item.source_resources, staging)
            os.rename(staging, target)
            written.append(target)
        item.sample.set_dir.mkdir(parents=True, exist_ok=True)
        try:
            create_new(item.sample.path, item.data)
        except FileExistsError:
            raise CorpusError(f"{item.sample.path}: already exists") from None
        written.append(item.sample.path)
    except BaseException:
        for path in written:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        raise
    return written
