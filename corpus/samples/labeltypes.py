"""The label types a corpus's pages use, offered as the rubric's while it still has the scaffold's.

`corpus init` scaffolds one example type (new-password). A team that imports its
corpus labels its own: after `import`, while the rubric's types are still the
scaffold's, the `data-fathom` values found in the pages are offered as the
rubric's types (`import --adopt-types` writes them in, leaving out values that
`init --types` would refuse as type names). The pages' labels come from the page
facts cache (by git blob id): an import does not read the whole corpus again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from corpus.extract.factcache import page_facts
from corpus.extract.pagefile import stage_folder
from corpus.samples.init import TYPE_NAME, rubric_with_types, template_text
from corpus.store import gitcli
from corpus.store.atomic import atomic_write
from corpus.tree.rubric import Rubric, parse_rubric, rubric_path
from corpus.tree.sample import all_samples


@dataclass(frozen=True)
class TypesOffer:
    """Label values found in the pages while the rubric has the scaffold's example type."""

    found: dict[str, int]  # label value -> pages holding it
    written: bool  # whether the rubric now lists them
    left_out: list[str] = field(default_factory=list)  # values that are no type name (`init --types` refuses them)

    def lines(self) -> list[str]:
        usable = {t: n for t, n in self.found.items() if t not in self.left_out}
        types = ", ".join(f"{t} ({n} pages)" for t, n in (usable if self.written else self.found).items())
        skipped = ([f"note: left out of the rubric's types (not usable as type names): "
                    f"{', '.join(self.left_out)}"] if self.left_out else [])
        if self.written:
            return [f"rubric: its types are now the labels found in the pages: {types}; "
                    "describe each in samples/rubric.md", *skipped]
        return [f"note: the pages label {types}, but the rubric still lists the scaffold's example type",
                "note: `corpus import SRC --adopt-types` makes these the rubric's types (or edit samples/rubric.md)",
                *skipped]


def has_scaffold_types(rubric: Rubric) -> bool:
    return rubric.types == parse_rubric(Path("rubric.md"), template_text("rubric.md")).types


def labels_in_pages(root: Path) -> dict[str, int]:
    """Each `data-fathom` value of the corpus's pages, with how many pages hold it, most first."""
    pages: Counter[str] = Counter()
    for facts in page_facts(root, [sample.relpath for sample in all_samples(root)]).values():
        pages.update(set(facts.types))
    return dict(sorted(pages.items(), key=lambda item: (-item[1], item[0])))


def offer_types(root: Path, rubric: Rubric, adopt: bool) -> TypesOffer | None:
    """The types to offer (and, with `adopt`, to write and stage), or None when there is nothing to offer."""
    if not has_scaffold_types(rubric):
        return None
    found = labels_in_pages(root)
    if not found or set(found) <= set(rubric.types):
        return None
    usable = [t for t in found if TYPE_NAME.fullmatch(t)]
    left_out = [t for t in found if t not in usable]
    text = rubric_with_types(rubric_path(root).read_text(encoding="utf-8"), usable) if adopt and usable else None
    if text is not None:
        atomic_write(rubric_path(root), text.encode(), stage_folder(root))
        gitcli.run(root, "add", "--", str(rubric_path(root).relative_to(root)))
    return TypesOffer(found, text is not None, left_out)
