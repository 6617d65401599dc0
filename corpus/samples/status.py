"""`corpus status`: what each set holds, and whether storage is as it should be."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus.extract.factcache import page_facts
from corpus.samples.diskusage import resource_totals
from corpus.samples.lfs import staged_blobs
from corpus.samples.pointercache import content_blobs_remembered
from corpus.tree.rubric import Rubric
from corpus.tree.sample import (
    RESOURCES_DIR,
    SAMPLES_DIR,
    SETS,
    set_samples,
)


@dataclass
class SetStatus:
    positive: int = 0
    negative: int = 0
    targets: dict[str, int] = field(default_factory=dict)  # labeled elements per type
    inline_data_pages: list[str] = field(default_factory=list)  # pages still to extract
    unextracted_data_urls: int = 0  # data URLs extract cannot move out (malformed, truncated...)
    unextracted_data_url_pages: list[str] = field(default_factory=list)
    resource_files: int = 0
    resource_bytes: int = 0


@dataclass
class CorpusStatus:
    sets: dict[str, SetStatus]
    resources_as_lfs_pointers: bool  # every staged resource is an LFS pointer in the index
    resources_not_pointers: list[str]
    hooks: dict[str, bool]

    def to_json(self) -> dict:
        return asdict(self)


def corpus_status(root: Path, rubric: Rubric) -> CorpusStatus:
    samples = {set_name: set_samples(root, set_name) for set_name in SETS}
    # Labels and data URLs per page, read only for pages whose bytes git has not seen before.
    facts = page_facts(root, [sample.relpath for found in samples.values() for sample in found])
    sets = {}
    for set_name in SETS:
        status = SetStatus()
        targets: Counter[str] = Counter()
        for sample in samples[set_name]:
            page = facts[sample.relpath]
            if rubric.naming.is_negative(sample.name):
                status.negative += 1
            else:
                status.positive += 1
            targets.update(page.types)
            if page.inline_data:
                status.inline_data_pages.append(sample.relpath)
            if page.leftovers:
                status.unextracted_data_urls += page.leftovers
                status.unextracted_data_url_pages.append(sample.relpath)
        stems = {os.path.splitext(sample.name)[0] for sample in samples[set_name]}  # Sample.stem, minus pathlib's cost
        status.resource_files, status.resource_bytes = resource_totals(root / SAMPLES_DIR / set_name, stems)
        status.targets = dict(sorted(targets.items()))
        sets[set_name] = status
    not_pointers = resources_not_lfs(root)
    from corpus.samples.hookwiring import hooks_installed

    return CorpusStatus(sets, not not_pointers, not_pointers, hooks_installed(root))


def resources_not_lfs(root: Path) -> list[str]:
    """Resources in the index stored as content rather than as LFS pointers (git lists
    only the resources folders; blobs seen before are not read again)."""
    staged = staged_blobs(root, [f"{SAMPLES_DIR}/{set_name}/{RESOURCES_DIR}/" for set_name in SETS])
    return content_blobs_remembered(root, staged)
