"""What `corpus inline` needs to give a page back byte for byte, kept beside its resources.

`samples/<set>/resources/<stem>/manifest.json` travels with the sample. It holds
one *layer* per extraction that changed the page (a page that gained data URLs
after it was extracted gets a second layer); each layer lists its edits in page
order:

- `data`: a data URL became `ref` (the file `file`); `header` is the URL up to
  its comma as written; `raw` the payload text when it was not base64, else
  `patches` when the base64 text was not canonical; `children` the edits made
  inside the resource (a stylesheet's fonts), recursively.
- `csp`: a Content-Security-Policy value `old` became `new`.
- `drop`: the text `old` (a `crossorigin` or `integrity` attribute; in older
  manifests a whole `<base>` tag) was removed, `gap` bytes after the previous
  edit, right after the text `before` (to find the spot again if the page was edited).
- `base`: as `drop`, but the attribute name `old` (`href` as written) in a `<base>`
  tag became `new` rather than nothing.

Bytes are stored as latin-1 strings, so any byte survives JSON unchanged. A layer
also records the sizes and sha256 of the page before and after, which tells a
layer that never reached the page (a crash between writing this file and the
page) from one that did.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.extract.pagefile import stage_folder
from corpus.store.atomic import atomic_write, fsync_dir
from corpus.store.digest import sha256_file
from corpus.textformats import json_value
from corpus.tree.sample import Sample

MANIFEST_NAME = "manifest.json"
FORMAT = "corpus-extract"
VERSION = 1

Edit = dict[str, Any]


def text(data: bytes | memoryview) -> str:
    return bytes(data).decode("latin-1")


def raw(value: str) -> bytes:
    return value.encode("latin-1")


@dataclass
class ExtractionLayer:
    """One extraction of the page: its size and hash before and after, and the edits to undo it."""

    original_size: int
    original_sha256: str
    extracted_size: int
    extracted_sha256: str
    edits: list[Edit] = field(default_factory=list)


@dataclass
class Manifest:
    page: str
    layers: list[ExtractionLayer] = field(default_factory=list)


def manifest_path(sample: Sample) -> Path:
    return sample.resources_dir / MANIFEST_NAME


def load_manifest(sample: Sample) -> Manifest | None:
    return load_manifest_at(sample.resources_dir)


def load_manifest_at(folder: Path) -> Manifest | None:
    """The extraction manifest in a resources folder (None without one); CorpusError when
    it is not one this corpus wrote (another format or version, damaged, an LFS pointer)."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        data = json_value(path.read_bytes())
        if data.get("format") != FORMAT:
            raise ValueError("not an extraction manifest")
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r} is not one this corpus knows ({VERSION})")
        layers = [ExtractionLayer(**layer) for layer in data["layers"]]
        return Manifest(page=data["page"], layers=layers)
    except (ValueError, KeyError, TypeError) as e:
        if path.read_bytes().startswith(b"version https://git-lfs"):
            raise CorpusError(f"{path}: is a Git LFS pointer; run `git lfs pull` first") from None
        raise CorpusError(f"{path}: unreadable extraction manifest: {e}") from None


def save_manifest(sample: Sample, manifest: Manifest) -> None:
    path = manifest_path(sample)
    if not manifest.layers:
        if path.exists():
            path.unlink()
            fsync_dir(path.parent)
        return
    atomic_write(path, manifest_bytes(manifest), stage_folder(sample.root))  # a kill leaves no temp in the set


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest file's content."""
    # Compact: with `indent` json falls back to its pure-Python encoder, which costs more
    # than extracting a page of a thousand small resources. One layer per line keeps it readable.
    layers = ",\n".join(json.dumps(vars(layer), sort_keys=True, separators=(",", ":")) for layer in manifest.layers)
    head = json.dumps({"format": FORMAT, "version": VERSION, "page": manifest.page}, sort_keys=True)
    return (head[:-1] + ', "layers": [\n' + layers + "\n]}\n").encode()


def applied_layers(layers: list[ExtractionLayer], page: Path) -> list[ExtractionLayer]:
    """The layers the page really carries.

    A crash after the manifest was written but before the page was replaced (or, in
    `inline`, after the page was restored but before the manifest went) leaves
    layers the page does not carry: the page then equals what such a layer started from.
    """
    if not layers:
        return layers
    size = page.stat().st_size
    digest: str | None = None

    def page_sha256() -> str:
        nonlocal digest
        if digest is None:
            digest = sha256_file(page)
        return digest

    top = layers[-1]
    if size == top.extracted_size and page_sha256() == top.extracted_sha256:
        return layers
    for k, layer in enumerate(layers):
        if size == layer.original_size and page_sha256() == layer.original_sha256:
            return layers[:k]
    return layers  # edited since extraction (labels, say): the edits are still there


def walk_files(edits: list[Edit]) -> Iterator[str]:
    """Every resource file the edits refer to, nested ones included."""
    for edit in edits:
        if edit["kind"] == "data":
            yield edit["file"]
            yield from walk_files(edit.get("children", []))
