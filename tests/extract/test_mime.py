"""The one table of media types and extensions, both ways, whatever the system's mimetypes say."""

from __future__ import annotations

import json
import subprocess
import sys

# What pages use: fonts, images, styles, scripts, markup, data and media.
PAGE_TYPES = {
    "woff2": "font/woff2", "woff": "font/woff", "ttf": "font/ttf", "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "avif": "image/avif",
    "ico": "image/x-icon", "svg": "image/svg+xml",
    "css": "text/css", "js": "text/javascript", "html": "text/html", "json": "application/json",
    "wasm": "application/wasm",
    "mp4": "video/mp4", "webm": "video/webm", "mp3": "audio/mpeg", "ogg": "audio/ogg", "wav": "audio/wav",
}

# A Python without /etc/mime.types, then told wrong types (as a Windows registry can be)
# for every extension in the table, before corpus is imported.
WITHOUT_SYSTEM_TYPES = """
import json, mimetypes, sys
mimetypes.knownfiles[:] = []
mimetypes.init()
for ext in json.loads(sys.argv[1]):
    mimetypes.add_type("application/x-wrong", "." + ext)
assert mimetypes.guess_type("f.woff2")[0] == "application/x-wrong"
from corpus.extract.mime import content_type, extension
served = {ext: content_type(f"f.{ext}") for ext in json.loads(sys.argv[1])}
upper = {ext: content_type(f"dir.d/F.{ext.upper()}") for ext in json.loads(sys.argv[1])}
named = {mime: extension(mime, b"") for mime in json.loads(sys.argv[1]).values()}
print(json.dumps([served, upper, named]))
"""


def test_the_table_maps_page_types_both_ways_without_the_system_types():
    out = subprocess.run([sys.executable, "-c", WITHOUT_SYSTEM_TYPES, json.dumps(PAGE_TYPES)],
                         capture_output=True, text=True, check=True).stdout
    served, upper, named = json.loads(out)
    assert served == PAGE_TYPES
    assert upper == PAGE_TYPES
    assert named == {mime: ext for ext, mime in PAGE_TYPES.items()}


def test_other_spellings_and_unknown_names():
    from corpus.extract.mime import UNKNOWN_TYPE, content_type, extension

    assert content_type("a.jpeg") == "image/jpeg" and content_type("a.htm") == "text/html"
    assert content_type("a.mjs") == "text/javascript"
    assert extension("application/x-font-woff2", b"") == "woff2" and extension("img/png", b"") == "png"
    assert content_type("no-extension") == UNKNOWN_TYPE
    assert content_type("x.bin") == UNKNOWN_TYPE  # what extraction names a resource it cannot type
