"""Where frozen pages go: into a corpus set as `corpus add` brings pages, or into a folder.

Both know before a page is visited whether it is already there (by its URL), so
running the same list again visits and adds nothing; the corpus also refuses a
page whose bytes it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.collect.freezer import REQUESTED_ATTRIBUTE
from corpus.collect.targets import Target, file_names, normal_url
from corpus.collect.visit import CollectFailure, Frozen
from corpus.errors import BadInput
from corpus.samples.add import check_new_name
from corpus.samples.fingerprints import known_pages
from corpus.samples.landing import Arrival, land
from corpus.samples.listing import original_link
from corpus.store import gitcli
from corpus.store.atomic import atomic_write
from corpus.tree.rubric import Rubric
from corpus.tree.sample import SETS, Sample, all_samples


@dataclass(frozen=True)
class Landed:
    page: str  # the corpus-relative path, or the file written
    problems: list[str]  # data: URLs extraction left in place


class FolderSink:
    """`NAME.html` files in a folder, self-contained, as FathomFox downloaded them."""

    def __init__(self, folder: Path, targets: list[Target]) -> None:
        self.folder = folder
        self.names = file_names(targets)

    def already(self, target: Target) -> str | None:
        path = self.folder / self.names[target]
        return f"{path} exists" if path.exists() else None

    def accept(self, target: Target, frozen: Frozen) -> Landed:
        path = self.folder / self.names[target]
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, frozen.html.encode())
        return Landed(str(path), [])


class CorpusSink:
    """Frozen pages land one by one through the journal (a crash keeps what finished),
    under the next id, extracted into `resources/<stem>/` and staged."""

    def __init__(self, root: Path, rubric: Rubric, to_set: str, negative: bool) -> None:
        if to_set not in SETS:
            raise BadInput(f"unknown set {to_set!r} (expected one of {', '.join(SETS)})")
        self.root, self.rule, self.to_set, self.negative = root, rubric.naming, to_set, negative
        existing = all_samples(root)
        self.known = known_pages(root, existing)  # sha256 of a page as added -> sample
        self.urls = _recorded_urls(existing)  # original and requested URLs (normal_url) -> sample
        self.taken = {s.name for s in existing}
        self.identities = {self.rule.identity(s.name) for s in existing}
        numbers = (int(i) for s in existing if (i := self.rule.sample_id(s.name) or "").isdigit())
        self.next_number = max(numbers, default=0) + 1

    def sample_for(self, url: str) -> Sample | None:
        """The sample collected from `url` (as the original URL or the one asked for), if any."""
        return self.urls.get(normal_url(url))

    def already(self, target: Target) -> str | None:
        sample = self.sample_for(target.url)
        return None if sample is None else f"already in the corpus as {sample.relpath}"

    def duplicate(self, frozen: Frozen) -> tuple[Sample, str] | None:
        """The sample `frozen` is already in as (its final URL or its bytes), and how it was found."""
        if (sample := self.sample_for(frozen.original)) is not None:
            return sample, f"{frozen.original} is already in the corpus as {sample.relpath}"
        if (sample := self.known.get(Arrival.digest(frozen.html.encode()))) is not None:
            return sample, f"already in the corpus as {sample.relpath}"
        return None

    def accept(self, target: Target, frozen: Frozen) -> Landed | str:
        """The page landed, or why it was skipped (its final URL or its bytes are in already)."""
        if (found := self.duplicate(frozen)) is not None:
            return found[1]
        data = frozen.html.encode()
        digest = Arrival.digest(data)
        sample = Sample(self.root, self.to_set, self._name(target))
        staged = gitcli.work_dir(self.root) / "collected.html"  # the journal removes it with the plan
        atomic_write(staged, data)
        problems = land(self.root, [Arrival(str(staged), sample.relpath, digest)])
        self.known[digest] = sample
        self.urls.update({normal_url(target.url): sample, normal_url(frozen.original): sample})
        self.taken.add(sample.name)
        self.identities.add(self.rule.identity(sample.name))
        return Landed(sample.relpath, problems)

    def _name(self, target: Target) -> str:
        """NAME.html where the naming rule takes it; else the next number; else the file's name."""
        rule, negative = self.rule, self.negative
        wanted = f"{target.file_stem}.html"
        fits = (rule.match(wanted) is not None and rule.is_negative(wanted) == negative
                and rule.identity(wanted) not in self.identities and wanted not in self.taken)
        if target.name is not None and fits:
            return wanted
        if rule.can_number():
            while True:  # past the ids a NAME took
                name = rule.numbered_name(self.next_number, negative)
                self.next_number += 1
                if name not in self.taken and rule.identity(name) not in self.identities:
                    return name
        try:
            check_new_name(rule, wanted, negative, self.identities)
        except BadInput as e:
            raise CollectFailure(str(e)) from None
        if wanted in self.taken:
            raise CollectFailure(f"a sample named {wanted} already exists")
        return wanted


def _recorded_urls(samples: list[Sample]) -> dict[str, Sample]:
    urls: dict[str, Sample] = {}
    for sample in samples:
        link = original_link(sample.path) or {}
        for key in ("href", REQUESTED_ATTRIBUTE):
            if link.get(key):
                urls.setdefault(normal_url(link[key]), sample)
    return urls
