"""File extensions for extracted resources: from the declared MIME type, or sniffed.

Saved pages declare odd types (`img/png`, `image/xicon`, `application/octet-stream`)
and sometimes wrong ones, so the bytes get the last word for images and fonts.
Nothing here ever asks the user: it runs inside git hooks, without a terminal.
"""

from __future__ import annotations

import functools
import io

FALLBACK_EXTENSION = "bin"

EXTENSIONS: dict[str, str] = {
    "image/png": "png",
    "img/png": "png",
    "image/x-png": "png",
    "image/apng": "png",
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/pjpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/bmp": "bmp",
    "image/x-ms-bmp": "bmp",
    "image/tiff": "tif",
    "image/svg+xml": "svg",
    "image/x-icon": "ico",
    "image/xicon": "ico",
    "image/ico": "ico",
    "image/icon": "ico",
    "image/vnd.microsoft.icon": "ico",
    "text/css": "css",
    "text/html": "html",
    "application/xhtml+xml": "xhtml",
    "text/plain": "txt",
    "text/javascript": "js",
    "application/javascript": "js",
    "application/x-javascript": "js",
    "application/json": "json",
    "text/xml": "xml",
    "application/xml": "xml",
    "font/woff": "woff",
    "font/woff2": "woff2",
    "font/ttf": "ttf",
    "font/otf": "otf",
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
    "application/vnd.ms-fontobject": "eot",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/ogg": "ogv",
    "application/pdf": "pdf",
}

# Declared types that say nothing reliable about the bytes: sniff them.
_VAGUE = {"", "application/octet-stream", "binary/octet-stream", "application/unknown", "unknown/unknown"}

# (offset, magic) -> extension; checked before Pillow because it is instant.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "png"),
    (0, b"\xff\xd8\xff", "jpg"),
    (0, b"GIF87a", "gif"),
    (0, b"GIF89a", "gif"),
    (8, b"WEBP", "webp"),
    (4, b"ftypavif", "avif"),
    (0, b"\x00\x00\x01\x00", "ico"),
    (0, b"wOFF", "woff"),
    (0, b"wOF2", "woff2"),
    (0, b"OTTO", "otf"),
    (0, b"\x00\x01\x00\x00\x00", "ttf"),
    (0, b"true", "ttf"),
    (0, b"%PDF-", "pdf"),
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
