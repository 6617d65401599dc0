"""Element screenshots from labeled pages: a folder of PNGs per class, for image classifiers.

Each page is rendered in the sandboxed Chromium (corpus/browser.py). Its labeled targets
(`data-fathom="<type>"`) become `DIR/<type>/`, and, given a candidate selector, the
candidates that are not targets become `DIR/<other>/`. Elements a person could not see
are skipped and counted by reason:

- invisible:  display:none, visibility:hidden or opacity:0 (on it or an ancestor)
- zero-size:  its box is under one pixel wide or high
- off-page:   its center cannot be scrolled into view (e.g. placed at negative coordinates)
- covered:    with its center scrolled into view, something else is on top at that point

A crop is the element's box plus `pad` pixels on each side, clipped to the page, cut from
one full-page screenshot (so fixed elements appear where they sit at scroll 0).
Files are named `<set>__<sample stem>__<element index>.png`, so a split can keep a
sample's elements together (trainer/images/split.py).

Incremental: `DIR/.crops.json` records the settings and, per page, the sha256 of the page
and its resources and the files it produced; unchanged pages are not rendered again.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from corpus.errors import BadInput, CorpusError, escape_line
from corpus.extract.extract import refuse_unsafe_resources
from corpus.store.atomic import atomic_write
from corpus.store.digest import sha256_file
from corpus.tree.sample import SAMPLES_DIR, Sample, iter_resource_files

MANIFEST = ".crops.json"
MANIFEST_VERSION = 1
CLASS_NAME = re.compile(r"[A-Za-z_][\w.-]*")

# Runs in the page: which elements to crop, and why others are skipped.
_FIND_ELEMENTS = """
({types, candidates}) => {
  const html = document.documentElement;
  const chosen = new Map();  // element -> its class, or null for a plain candidate
  for (const el of document.querySelectorAll('[data-fathom]')) {
    const value = el.getAttribute('data-fathom').trim();
    if (el === html || value.startsWith('BAD ')) continue;  // page labels, evaluator leftovers
    if (types === null || types.includes(value)) chosen.set(el, value);
  }
  if (candidates !== null) {
    let matched;
    try { matched = document.querySelectorAll(candidates); } catch (e) { return null; }  // bad selector
    for (const el of matched) {
      if (!chosen.has(el)) chosen.set(el, null);
    }
  }
  const found = [];
  let index = 0;
  for (const el of document.querySelectorAll('*')) {  // document order
    if (!chosen.has(el)) continue;
    const item = {index: index++, type: chosen.get(el), skip: null, box: null};
    found.push(item);
    const visible = el.checkVisibility({opacityProperty: true, visibilityProperty: true});
    if (!visible) { item.skip = 'invisible'; continue; }
    const rect = el.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) { item.skip = 'zero-size'; continue; }
    item.box = [rect.left + window.scrollX, rect.top + window.scrollY, rect.width, rect.height];
    // Bring the center to the middle of the viewport, so fixed headers do not count as cover.
    window.scrollTo(item.box[0] + rect.width / 2 - innerWidth / 2, item.box[1] + rect.height / 2 - innerHeight / 2);
    const now = el.getBoundingClientRect();
    const x = now.left + now.width / 2, y = now.top + now.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { item.skip = 'off-page'; continue; }
    const shows = (px, py) => { const hit = document.elementFromPoint(px, py); return hit !== null && el.contains(hit); };
    // A link wrapped over two lines has empty space at its box's center: try each line box too.
    const lines = Array.from(el.getClientRects());
    if (!shows(x, y) && !lines.some(r => shows(r.left + r.width / 2, r.top + r.height / 2))) item.skip = 'covered';
  }
  window.scrollTo(0, 0);
  return found;
}
"""


CropImages = tuple[list[tuple[str, bytes]], Counter[str]]  # (path relative to DIR, PNG bytes), skips


@dataclass(frozen=True)
class CropOptions:
    types: tuple[str, ...] | None = None  # None: every labeled type found
    candidates: str | None = None  # CSS selector of candidate elements
    other: str = "other"  # the class of candidates that are not targets
    pad: int = 10
    viewport: tuple[int, int] = (1366, 768)

    def settings(self) -> dict[str, Any]:
        data = asdict(self)
        data["types"] = sorted(self.types) if self.types is not None else None
        data["viewport"] = list(self.viewport)
        return data


CropResult = CropImages | CorpusError  # a page's crops, or why that page could not be cropped
RenderCrops = Callable[[list[tuple[Sample, str]], CropOptions], Iterable[tuple[Sample, str, CropResult]]]


@dataclass
class CropReport:
    rendered: int = 0  # pages rendered this run
    unchanged: int = 0  # pages whose crops were already up to date
    removed: int = 0  # pages gone from the corpus whose crops were deleted
    written: Counter[str] = field(default_factory=Counter)  # crops written this run, per class
    skipped: Counter[str] = field(default_factory=Counter)  # elements skipped this run, per reason
    totals: Counter[str] = field(default_factory=Counter)  # crops in DIR afterwards, per class
    failed: list[str] = field(default_factory=list)  # one line per page that could not be cropped

    def to_dict(self) -> dict[str, Any]:
        return {"rendered": self.rendered, "unchanged": self.unchanged, "removed": self.removed,
                "written": dict(sorted(self.written.items())), "skipped": dict(sorted(self.skipped.items())),
                "totals": dict(sorted(self.totals.items())), "failed": self.failed}


@dataclass(frozen=True)
class Crop:
    label: str
    index: int
    box: tuple[int, int, int, int]  # left, top, right, bottom in page pixels, padded and clipped


def crop_name(set_name: str, stem: str, index: int) -> str:
    return f"{set_name}__{stem}__{index}.png"


def page_key(sample: Sample) -> str:
    return f"{sample.set_name}/{sample.name}"


def content_hash(sample: Sample) -> str:
    """sha256 over the page and every resource file (path and bytes)."""
    digest = hashlib.sha256(sample.path.read_bytes())
    for path in iter_resource_files(sample):
        rel = path.relative_to(sample.resources_dir).as_posix()
        digest.update(f"\0{rel}\0{sha256_file(path)}".encode())
    return digest.hexdigest()


def validate_options(options: CropOptions, known_types: set[str]) -> None:
    if options.pad < 0:
        raise BadInput(f"--pad {options.pad}: must be 0 or more")
    names = list(options.types or ()) + ([options.other] if options.candidates else [])
    for name in names:
        if not CLASS_NAME.fullmatch(name):
            raise BadInput(f"class name `{name}` must be a word (letters, digits, _ . -): it names a folder")
    if options.types is not None and known_types:
        unknown = sorted(set(options.types) - known_types)
        if unknown:
            raise BadInput(f"--types {', '.join(unknown)}: not in the rubric (known: {', '.join(sorted(known_types))})")
    if options.candidates and options.types and options.other in options.types:
        raise BadInput(f"--other {options.other}: already the name of a target type")


def make_crops(samples: list[Sample], out_dir: Path, options: CropOptions,
               on_page: Callable[[Sample], None] | None = None, render: RenderCrops | None = None) -> CropReport:
    """Bring `out_dir` up to date with the samples' elements; see the module docstring.

    `render(todo, options)` yields (sample, content hash, crops) for the pages to
    redo, as they finish: in this process by default, or on a Dask cluster
    (`corpus.cluster.crops.cluster_renderer`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = CropReport()
    done = on_page or (lambda sample: None)
    manifest = _current_manifest(out_dir, samples, options, report)
    todo = _pages_to_redo(samples, manifest["pages"], report, done)
    if todo:
        for sample, digest, result in (render or crops_here)(todo, options):  # as pages finish
            _keep_page(out_dir, manifest, sample, digest, result, report)
            done(sample)
    _write_manifest(out_dir, manifest)
    for entry in manifest["pages"].values():
        report.totals.update(Path(f).parent.name for f in entry["files"])
    return report


def _current_manifest(out_dir: Path, samples: list[Sample], options: CropOptions,
                      report: CropReport) -> dict[str, Any]:
    """The manifest of `out_dir` for these options, without pages gone from the corpus."""
    manifest = _read_manifest(out_dir)
    if manifest.get("settings") != options.settings():
        _delete_all(out_dir, manifest)  # other settings make other crops: start over
        manifest = {"version": MANIFEST_VERSION, "settings": options.settings(), "pages": {}}
    if samples:
        root = samples[0].root
        report.removed = _drop_removed_pages(out_dir, root, manifest["pages"])
        manifest["corpus_commit"] = _head_commit(root)
    return manifest


def _pages_to_redo(samples: list[Sample], pages: dict[str, Any], report: CropReport,
                   done: Callable[[Sample], None]) -> list[tuple[Sample, str]]:
    """(sample, content hash) of the pages whose crops are missing or out of date."""
    todo = []
    for sample in samples:
        try:
            refuse_unsafe_resources(sample)
            digest = content_hash(sample)
        except (CorpusError, OSError) as e:  # this page only: say so, and go on with the others
            report.failed.append(escape_line(str(e) if isinstance(e, CorpusError) else f"{sample.path}: {e}"))
            done(sample)
            continue
        entry = pages.get(page_key(sample))
        if entry is not None and entry["sha256"] == digest:
            report.unchanged += 1
            done(sample)
        else:
            todo.append((sample, digest))
    return todo


def _keep_page(out_dir: Path, manifest: dict[str, Any], sample: Sample, digest: str, result: CropResult,
               report: CropReport) -> None:
    """Replace a page's old crops with its new ones (or none, when it could not be cropped)."""
    pages: dict[str, Any] = manifest["pages"]
    old = pages.pop(page_key(sample), None)
    if old is not None:
        _delete_files(out_dir, old["files"])
    if isinstance(result, CorpusError):  # this page only: say so, and go on with the others
        report.failed.append(escape_line(str(result)))
        return
    images, skipped = result
    for rel, png in images:
        atomic_write(out_dir / rel, png)
    files = [rel for rel, _ in images]
    pages[page_key(sample)] = {"sha256": digest, "files": files, "skipped": dict(skipped)}
    _write_manifest(out_dir, manifest)  # after each page: an interrupted run keeps its work
    report.rendered += 1
    report.written.update(Path(f).parent.name for f in files)
    report.skipped.update(skipped)


def crops_here(todo: list[tuple[Sample, str]], options: CropOptions) -> Iterator[tuple[Sample, str, CropResult]]:
    """(sample, content hash, its crops or why it could not be cropped) per page, in this process."""
    from corpus.render.browser import Viewport, launch

    with launch(Viewport(*options.viewport)) as browser:
        for sample, digest in todo:
            try:
                result: CropResult = page_crops(browser, sample.path, sample.set_name, sample.stem, options,
                                                str(sample.path))
            except BadInput:
                raise  # the options are wrong for every page
            except CorpusError as e:
                result = e
            yield sample, digest, result


def page_crops(browser: Any, page_path: Path, set_name: str, stem: str, options: CropOptions,
               where: str) -> CropImages:
    """Render one page and cut its crops; the caller writes them (here or after a cluster sends them back)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        with browser.open(page_path) as page:
            crops, skipped = _find_crops(page, options)
            images = _cut_crops(set_name, stem, crops, page, skipped)
    except PlaywrightError as e:
        first = (str(e).strip().splitlines() or ["unknown error"])[0]
        raise CorpusError(f"{where}: could not render: {first}") from None
    except OSError as e:  # an unreadable page
        raise CorpusError(f"{where}: could not render: {e.strerror or e}") from None
    return images, skipped


def _find_crops(page: Any, options: CropOptions) -> tuple[list[Crop], Counter[str]]:
    """The boxes to cut from the page (screenshot taken later) and the skips by reason."""
    found = page.evaluate(_FIND_ELEMENTS, {
        "types": list(options.types) if options.types is not None else None,
        "candidates": options.candidates,
    })
    if found is None:
        raise BadInput(f"--candidates {options.candidates}: not a valid CSS selector")
    skipped: Counter[str] = Counter()
    crops = []
    for item in found:
        label = item["type"] if item["type"] is not None else options.other
        if not CLASS_NAME.fullmatch(label):
            skipped["bad-type"] += 1  # a label value that cannot name a folder
        elif item["skip"]:
            skipped[item["skip"]] += 1
        else:
            x, y, w, h = item["box"]
            crops.append(Crop(label, item["index"], _padded(x, y, w, h, options.pad)))
    return crops, skipped


def _padded(x: float, y: float, w: float, h: float, pad: int) -> tuple[int, int, int, int]:
    # Whole pixels that cover the box: floor the near edges, ceil the far ones.
    return (math.floor(x) - pad, math.floor(y) - pad, math.ceil(x + w) + pad, math.ceil(y + h) + pad)


def _cut_crops(set_name: str, stem: str, crops: list[Crop], page: Any,
               skipped: Counter[str]) -> list[tuple[str, bytes]]:
    """Cut the crops from one full-page screenshot: (path relative to DIR, PNG bytes) each."""
    if not crops:
        return []
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True, type="png", animations="disabled")))
    shot.load()
    files = []
    for crop in crops:
        left, top, right, bottom = crop.box
        box = (max(left, 0), max(top, 0), min(right, shot.width), min(bottom, shot.height))
        if box[0] >= box[2] or box[1] >= box[3]:
            skipped["off-page"] += 1  # wholly outside the page's scrollable area
            continue
        buffer = io.BytesIO()
        shot.crop(box).save(buffer, format="PNG")
        files.append((f"{crop.label}/{crop_name(set_name, stem, crop.index)}", buffer.getvalue()))
    return files


def _delete_files(out_dir: Path, files: list[str]) -> None:
    for rel in files:
        (out_dir / rel).unlink(missing_ok=True)


def _delete_all(out_dir: Path, manifest: dict[str, Any]) -> None:
    for entry in manifest.get("pages", {}).values():
        _delete_files(out_dir, entry["files"])


def _drop_removed_pages(out_dir: Path, root: Path, pages: dict[str, Any]) -> int:
    """Forget pages that left the corpus (or moved to another set), and delete their crops."""
    gone = [key for key in pages if not (root / SAMPLES_DIR / key).exists()]
    for key in gone:
        _delete_files(out_dir, pages.pop(key)["files"])
    return len(gone)


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CorpusError(f"{path}: not valid JSON ({e}); delete it to crop everything again") from None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        raise CorpusError(f"{path}: unknown crops manifest version; delete it to crop everything again")
    return data


def _write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    atomic_write(out_dir / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())


def _head_commit(root: Path) -> str | None:
    from corpus.store import gitcli

    try:
        return gitcli.run(root, "rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except CorpusError:
        return None
