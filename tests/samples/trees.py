"""Sample trees shaped like real users' corpora, for the samples tests (no tests here).

Names follow the public corpus scheme of FACTS.md (numbers shared on purpose by
a site's variants and its positive and negative pages, `EN_X20`, `EN-143210a_change`,
`111 2.html` from macOS); pages mix freeze-dry saves (inline data URLs) with
pages fathom-extract made (`resources/<stem>/1.png`, originals in `originals/`).
"""

from __future__ import annotations

import base64
from pathlib import Path

from tests.extract.pages import freeze_dry_page, png

# group `site` ties a site's pages together; `lang` is stratified.
REAL_PATTERN = (r"^(?P<site>(?P<lang>[A-Z]{2})[_-]X?\d+)[a-c]?(?P<negative>n)?[a-c]?(?P<change>_change)?\.html$")
REAL_RUBRIC = (
    "---\nversion: 1\nnaming:\n"
    f"  pattern: '{REAL_PATTERN}'\n"
    "  stratify: [lang]\n  group: site\n"
    "types:\n  new-password:\n    selector: input\n---\n# Rubric\n"
)
REAL_NAMES = [
    "EN_1.html", "EN_1n.html", "EN_137370.html", "EN_137370n.html", "EN_137370a.html", "EN_137370b.html",
    "EN_36n.html", "FR_36n.html", "FR_36.html", "EN_X20.html", "EN_130509na.html", "EN_130509.html",
    "DE_89964_change.html", "DE_89964.html", "DE_89964n.html", "EN-143210a_change.html", "EN-143210.html",
    "DE_7.html", "DE_7n.html", "FR_12a.html", "FR_12b.html", "FR_12n.html", "EN_55.html", "DE_3n.html",
]


def labeled_page(name: str, negative: bool, image_color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A freeze-dry save: an inline image, an inline stylesheet, a label unless negative."""
    label = "" if negative else ' data-fathom="new-password"'
    css = base64.b64encode(f"p.{name.split('.')[0].replace(' ', '_')} {{ color: red }}".encode()).decode()
    body = (f'<form><input type="password" name="pw"{label}></form>\n'
            f'<img src="data:image/png;base64,{base64.b64encode(png(image_color)).decode()}">\n'
            f"<p>{name}</p>\n")
    return freeze_dry_page(body, f'<link rel="stylesheet" href="data:text/css;base64,{css}">\n')


def fathom_extracted(folder: Path, name: str, negative: bool, color: tuple[int, int, int]) -> None:
    """What fathom-extract leaves: a page referring to `resources/<stem>/1.png`, `2.css`,
    the files beside it, and the page as it was in `originals/`."""
    stem = name.rsplit(".", 1)[0]
    original = labeled_page(name, negative, color)
    (folder / "originals").mkdir(parents=True, exist_ok=True)
    (folder / "originals" / name).write_bytes(original)
    resources = folder / "resources" / stem
    resources.mkdir(parents=True, exist_ok=True)
    (resources / "1.png").write_bytes(png(color))
    (resources / "2.css").write_bytes(f"p {{ color: rgb{color} }}".encode())
    label = "" if negative else ' data-fathom="new-password"'
    body = (f'<form><input type="password"{label}></form>\n'
            f'<img src="resources/{stem}/1.png">\n<p>{name}</p>\n')
    page = freeze_dry_page(body, f'<link rel="stylesheet" href="resources/{stem}/2.css">\n')
    (folder / name).write_bytes(page)


def is_negative_name(name: str) -> bool:
    import re

    m = re.match(REAL_PATTERN, name)
    return bool(m and m.group("negative"))


def fathom_tree(src: Path, layout: dict[str, list[str]], extracted_every: int = 2) -> dict[str, str]:
    """A Fathom samples tree under `src`: every other page fathom-extracted. Name -> set."""
    placed = {}
    k = 0
    for set_name, names in layout.items():
        folder = src / set_name
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            color = (k * 37 % 256, k * 91 % 256, 120)
            negative = is_negative_name(name)
            if k % extracted_every == 0:
                fathom_extracted(folder, name, negative, color)
            else:
                (folder / name).write_bytes(labeled_page(name, negative, color))
            placed[name] = set_name
            k += 1
    return placed
