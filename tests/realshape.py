"""A Fathom corpus as a real team has it, generated small and fast for tests (no tests here).

`write_corpus(dest)` writes a samples tree shaped like the 657-page corpus of issue 23:
pages named by the public scheme (`EN_102260a_change.html`, `EN_1n.html`,
`DE_89964.html`), in the four sets, fathom-extracted (they refer to
`resources/<stem>/1.css`, `2.png`, `3.png`) with the resource files of most pages
ABSENT, as in a clone without `git lfs pull`; freeze-dry marks (a CSP `<meta>`,
`<link rel="original">`); a folder that is not a set (`type=text/`). With
`defects=True` (the default) it also holds what a real corpus holds: a site
group spanning training and testing, a label on a `<label>` element, a name off
the naming rule, the same name in two sets, and a page with a data URL in a
`srcset` whose parameters hold a space. The returned `RealCorpus` says where
each of these is, so tests assert against it rather than against constants.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from tests.extract.pages import freeze_dry_page, png

# The naming of docs/samples.md: `site` ties a site's pages together, `lang` is stratified.
REAL_PATTERN = r"^(?P<site>(?P<lang>[A-Z]{2})[_-]X?\d+)[a-c]?(?P<negative>n)?[a-c]?(?P<change>_change)?\.html$"
REAL_RUBRIC = (
    "---\nversion: 1\nnaming:\n"
    f"  pattern: '{REAL_PATTERN}'\n"
    "  stratify: [lang]\n  group: site\n"
    "CHECKS"
    "types:\n  new-password:\n    selector: input\n---\n# Rubric\n"
)
LANGS = ("EN", "DE", "FR")
RESOURCES = ("1.css", "2.png", "3.png")  # what fathom-extract numbers a page's files
NON_SET = "type=text"  # a folder real corpora hold beside the sets
SET_SHARES = (("training", 5), ("validation", 2), ("testing", 2), ("unused", 1))  # sites per 10


def rubric_text(checks: dict[str, str] | None = None) -> str:
    """The rubric for these names; `checks` makes finding kinds warnings."""
    block = "".join(f"  {kind}: {severity}\n" for kind, severity in (checks or {}).items())
    return REAL_RUBRIC.replace("CHECKS", f"checks:\n{block}" if block else "")


@dataclass
class RealCorpus:
    """What `write_corpus` wrote, for tests to assert against."""

    src: Path  # the samples tree (holds the set folders)
    placed: dict[str, str] = field(default_factory=dict)  # set-relative path `training/EN_1.html` -> set
    absent: dict[str, int] = field(default_factory=dict)  # set -> resource files its pages refer to, absent
    pages_missing: dict[str, int] = field(default_factory=dict)  # set -> pages with absent resources
    non_set_pages: int = 0  # pages in NON_SET
    spanning: list[str] = field(default_factory=list)  # site groups in more than one evaluated set
    label_on_label: str = ""  # set-relative path of the page labeling a <label>
    off_rule: str = ""  # set-relative path of the page whose name breaks the rule
    same_name: list[str] = field(default_factory=list)  # the two set-relative paths sharing a name
    srcset_page: str = ""  # the page with `data:text/html; charset=utf-8;base64,...` in a srcset

    def pages(self, set_name: str | None = None) -> list[str]:
        return sorted(p for p, s in self.placed.items() if set_name in (None, s))


def page_bytes(name: str, set_name: str, negative: bool, *, label_tag: str = "input", extra: str = "") -> bytes:
    """A fathom-extracted freeze-dry save: its stylesheet and images are `resources/<stem>/N.ext`."""
    stem = name.rsplit(".", 1)[0]
    label = "" if negative else ' data-fathom="new-password"'
    field_html = (f"<label{label}>Password</label> <input type=\"password\">" if label_tag == "label"
                  else f'<input type="password" name="pw"{label}>')
    body = (f"<form>{field_html}</form>\n"
            f'<img src="resources/{stem}/2.png" alt="logo">\n'
            f'<div style="background: url(resources/{stem}/3.png)"></div>\n'
            f"<p>{name} in {set_name}</p>\n{extra}")
    return freeze_dry_page(body, f'<link rel="stylesheet" href="resources/{stem}/1.css">\n')


def _write_page(corpus: RealCorpus, set_name: str, name: str, with_files: bool, **kwargs) -> None:
    folder = corpus.src / set_name
    folder.mkdir(parents=True, exist_ok=True)
    negative = bool(_negative(name))
    (folder / name).write_bytes(page_bytes(name, set_name, negative, **kwargs))
    stem = name.rsplit(".", 1)[0]
    if with_files:
        resources = folder / "resources" / stem
        resources.mkdir(parents=True, exist_ok=True)
        color = (len(name) * 23 % 256, sum(name.encode()) % 256, 90)
        for file in RESOURCES:
            data = png(color) if file.endswith(".png") else f"p {{ color: rgb{color} }}".encode()
            (resources / file).write_bytes(data)
    elif set_name != NON_SET:
        corpus.absent[set_name] = corpus.absent.get(set_name, 0) + len(RESOURCES)
        corpus.pages_missing[set_name] = corpus.pages_missing.get(set_name, 0) + 1
    if set_name == NON_SET:
        corpus.non_set_pages += 1
    else:
        corpus.placed[f"{set_name}/{name}"] = set_name


def _negative(name: str) -> str | None:
    import re

    m = re.match(REAL_PATTERN, name)
    return m.group("negative") if m else None


def _set_of(site: int) -> str:
    slot = site % 10
    for set_name, share in SET_SHARES:
        if slot < share:
            return set_name
        slot -= share
    raise AssertionError("shares add up to 10")


def write_corpus(dest: Path, size: int = 30, *, with_files_every: int = 3, defects: bool = True) -> RealCorpus:
    """About `size` pages under `dest` (sites of 1-3 pages each); every `with_files_every`-th
    page keeps its resource files (0: none does), the others' are absent."""
    corpus = RealCorpus(dest)
    site = count = 0
    while count < size:
        lang, number = LANGS[site % len(LANGS)], 100000 + site * 2260
        names = [f"{lang}_{number}.html", f"{lang}_{number}n.html", f"{lang}_{number}a_change.html"][: 1 + site % 3]
        for name in names:
            _write_page(corpus, _set_of(site), name, bool(with_files_every) and count % with_files_every == 0)
            count += 1
        site += 1
    for k in range(3):
        _write_page(corpus, NON_SET, f"EN_{900 + k}.html", False)
    if defects:
        _write_defects(corpus, site)
    return corpus


def _write_defects(corpus: RealCorpus, site: int) -> None:
    """The five real findings of issue 23, and the srcset page that broke vectorize."""
    spanning = f"EN_{700000 + site}"
    _write_page(corpus, "training", f"{spanning}.html", False)
    _write_page(corpus, "testing", f"{spanning}a_change.html", False)
    corpus.spanning.append(spanning)
    _write_page(corpus, "validation", "DE_89964.html", False, label_tag="label")
    corpus.label_on_label = "validation/DE_89964.html"
    _write_page(corpus, "training", "EN_610 2.html", False)  # macOS's copy name: off the rule
    corpus.off_rule = "training/EN_610 2.html"
    for set_name in ("training", "testing"):
        _write_page(corpus, set_name, "FR_1n.html", False)
    corpus.same_name = ["testing/FR_1n.html", "training/FR_1n.html"]
    inner = base64.b64encode(b"<h1>inner</h1>").decode()
    srcset = f'<img srcset="data:text/html; charset=utf-8;base64,{inner} 1x" alt="">\n'
    _write_page(corpus, "validation", "EN_1n.html", False, extra=srcset)
    corpus.srcset_page = "validation/EN_1n.html"
