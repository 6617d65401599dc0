"""Media types and file extensions, both ways: one table for every part of corpus.

Extraction names a resource file by its declared type, or by its bytes: saved pages
declare odd types (`img/png`, `image/xicon`, `application/octet-stream`) and sometimes
wrong ones, so the bytes get the last word for images and fonts. The renderer, the
viewer, `serve -d` and the fathom-extract importer go the other way, from a file's
name to the type it is served or inlined as. The table is ours, not the system's
`mime.types`: a Python without one (or with an old one) knows no `.woff2`, `.webp`
or `.ttf`, and a page served with `nosniff` then loses its fonts and images.
Nothing here ever asks the user: it runs inside git hooks, without a terminal.
"""

from __future__ import annotations

import functools
import io
import mimetypes
from pathlib import PurePath

FALLBACK_EXTENSION = "bin"
UNKNOWN_TYPE = "application/octet-stream"

# The pairs that hold both ways: the type each extension is served as, and the
# extension extraction gives a resource of that type.
MEDIA_TYPES: dict[str, str] = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "svg": "image/svg+xml",
    "ico": "image/x-icon",
    "css": "text/css",
    "html": "text/html",
    "xhtml": "application/xhtml+xml",
    "txt": "text/plain",
    "js": "text/javascript",
    "json": "application/json",
    "xml": "text/xml",
    "wasm": "application/wasm",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "pdf": "application/pdf",
}

# Extensions that are served as a type but that extraction never writes: other
# spellings, media it names `.bin`, and image formats only Pillow recognizes.
_MORE_EXTENSIONS: dict[str, str] = {
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "tiff": "image/tiff",
    "htm": "text/html",
    "mjs": "text/javascript",
    "cur": "image/x-icon",
    "ppm": "image/x-portable-pixmap",
    "tga": "image/x-tga",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "vtt": "text/vtt",
}

# More types that pages declare for those extensions.
_MORE_TYPES: dict[str, str] = {
    "img/png": "png",
    "image/x-png": "png",
    "image/apng": "png",
    "image/jpg": "jpg",
    "image/pjpeg": "jpg",
    "image/x-ms-bmp": "bmp",
    "image/xicon": "ico",
    "image/ico": "ico",
    "image/icon": "ico",
    "image/vnd.microsoft.icon": "ico",
    "application/javascript": "js",
    "application/x-javascript": "js",
    "application/xml": "xml",
    "font/sfnt": "ttf",
    "application/font-woff": "woff",
    "application/x-font-woff": "woff",
    "application/font-woff2": "woff2",
    "application/x-font-woff2": "woff2",
    "application/font-ttf": "ttf",
    "application/x-font-ttf": "ttf",
    "application/x-font-truetype": "ttf",
    "application/font-sfnt": "ttf",
    "application/x-font-opentype": "otf",
    "application/font-otf": "otf",
}

EXTENSIONS: dict[str, str] = {mime: ext for ext, mime in MEDIA_TYPES.items()} | _MORE_TYPES
_TYPE_OF_EXTENSION: dict[str, str] = MEDIA_TYPES | _MORE_EXTENSIONS


def known_type(name: str | PurePath) -> str | None:
    """The media type of a file called `name` by our table alone (None: not a type pages use)."""
    return _TYPE_OF_EXTENSION.get(PurePath(name).suffix.lower().removeprefix("."))


def content_type(name: str | PurePath) -> str:
    """The media type a file called `name` is served as, by its extension.

    Our table first, whatever the system says; the system's guess only for what pages
    do not use (`.csv`, `.zip`), and UNKNOWN_TYPE when neither knows.
    """
    return known_type(name) or mimetypes.guess_type(PurePath(name).name)[0] or UNKNOWN_TYPE


# Declared types that say nothing reliable about the bytes: sniff them.
_VAGUE = {"", UNKNOWN_TYPE, "binary/octet-stream", "application/unknown", "unknown/unknown"}

# (offset, magic) -> extension; checked before Pillow because it is instant.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "png"), (0, b"\xff\xd8\xff", "jpg"), (0, b"GIF87a", "gif"), (0, b"GIF89a", "gif"),
    (8, b"WEBP", "webp"), (4, b"ftypavif", "avif"), (0, b"\x00\x00\x01\x00", "ico"),
    (0, b"wOFF", "woff"), (0, b"wOF2", "woff2"), (0, b"OTTO", "otf"), (0, b"\x00\x01\x00\x00\x00", "ttf"),
    (0, b"true", "ttf"), (0, b"%PDF-", "pdf"),
)

_PILLOW_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp", "BMP": "bmp",
                   "ICO": "ico", "TIFF": "tif", "PPM": "ppm", "TGA": "tga", "CUR": "cur"}


@functools.lru_cache(maxsize=1024)  # a page declares a handful of types, a thousand times
def media_type(mime: str) -> str:
    """`Image/PNG ; charset=x` -> `image/png`."""
    return mime.split(";", 1)[0].strip().lower()


def _magic(data: bytes) -> str | None:
    for offset, magic, ext in _MAGIC:
        if data.startswith(magic, offset):  # no slice copied: this runs for every resource
            return ext
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "svg"
    return None


def _pillow(data: bytes) -> str | None:
    from PIL import (  # only pages with odd images pay for the import
        Image,
        UnidentifiedImageError,
    )

    try:
        with Image.open(io.BytesIO(data)) as image:
            return _PILLOW_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def extension(mime: str, data: bytes) -> str:
    """The extension (no dot) for a resource declared as `mime` holding `data`."""
    declared = media_type(mime)
    known = EXTENSIONS.get(declared)
    binary = declared in _VAGUE or declared.startswith(("image/", "img/", "font/", "application/"))
    if known in ("css", "html", "xhtml", "txt", "js", "json", "xml") or not binary:
        return known or FALLBACK_EXTENSION
    sniffed = _magic(data)
    if sniffed:
        return sniffed
    if known and known != "svg" and declared not in _VAGUE and not declared.startswith(("image/", "img/")):
        return known  # fonts and media: no magic we know, trust the declaration
    if declared.startswith(("image/", "img/")) or declared in _VAGUE:
        sniffed = _pillow(data)
        if sniffed:
            return sniffed
    if declared == "":
        return "txt"  # a data URL without a type is text/plain
    return known or FALLBACK_EXTENSION
