"""Pages shaped like freeze-dry saves, for the extract tests (this module holds no tests)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

from corpus.samples.tree import Sample

FREEZE_DRY_CSP = ("default-src 'none'; img-src data:; media-src data:; style-src data: 'unsafe-inline'; "
                  "font-src data:; frame-src data:")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")
FONT_HINT = "apt-get install fonts-dejavu-core"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def png(color: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    """A real PNG: a block of `color` with a black stripe, so it cannot pass for blank."""
    image = Image.new("RGB", size, color)
    for x in range(size[0]):
        image.putpixel((x, size[1] // 2), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def font_bytes() -> bytes:
    assert FONT.is_file(), f"{FONT} is missing: {FONT_HINT}"
    return FONT.read_bytes()


def stylesheet(font: bytes, background: bytes) -> bytes:
    """A stylesheet with a web font and a background image, both nested data URLs."""
    return (
        "@font-face { font-family: 'Extracted'; "
        f"src: url(data:font/ttf;base64,{b64(font)}) format('truetype'); }}\n"
        "p.face { font-family: 'Extracted', monospace; font-size: 40px; margin: 0; }\n"
        f".banner {{ width: 200px; height: 60px; background: url(\"data:image/png;base64,{b64(background)}\"); }}\n"
    ).encode()


def freeze_dry_page(body: str, head: str = "", csp: str = FREEZE_DRY_CSP) -> bytes:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta http-equiv="Memento-Datetime" content="Sat, 21 Nov 2026 00:00:00 GMT">\n'
        '<link rel="original" href="https://example.com/">\n'
        f"{head}</head>\n<body>{body}</body></html>\n"
    ).encode()


def rich_page() -> bytes:
    """Every kind of data URL the extractor handles, with invalid UTF-8 between them."""
    red, blue = png((220, 20, 20)), png((20, 20, 220))
    css = stylesheet(font_bytes()[:3000], blue)  # a cut font: rendering does not matter here
    svg = "%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20width='8'%20height='8'%3E%3C/svg%3E"
    wrapped = b64(red)
    wrapped = "\n".join(wrapped[i:i + 76] for i in range(0, len(wrapped), 76))
    body = (
        f'<img data-original-src="https://example.com/a.png" src="data:image/png;base64,{b64(red)}">\n'
        f'<img srcset="data:image/png;base64,{b64(red)} 1x, data:image/png;base64,{b64(blue)} 2x">\n'
        f'<video poster="data:image/png;base64,{b64(blue)}"></video>\n'
        f'<div style="background: url(&quot;data:image/png;base64,{b64(blue)}&quot;)">\xff</div>\n'
        f'<svg><image href="data:image/png;base64,{b64(red)}"/></svg>\n'
        f'<img src="data:image/svg+xml,{svg}">\n'
        f'<img src="DATA:IMG/PNG;BASE64,{wrapped}">\n'
        f'<a href="data:,plain%20text">plain</a>\n'
    )
    head = (
        '<base href="https://example.com/">\n'
        f'<link rel="stylesheet" href="data:text/css;base64,{b64(css)}">\n'
        f"<style>.x {{ background: url(data:image/png;base64,{b64(red)}); }}</style>\n"
    )
    return freeze_dry_page(body, head).replace(b"\xc3\xbf", b"\xff\xfe")  # raw invalid UTF-8


def write_sample(root: Path, data: bytes, name: str = "1.html", set_name: str = "unused") -> Sample:
    sample = Sample(root, set_name, name)
    sample.path.parent.mkdir(parents=True, exist_ok=True)
    sample.path.write_bytes(data)
    return sample


def tree(root: Path) -> dict[str, bytes]:
    """Every file under samples/, for before/after comparisons."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "samples").rglob("*")) if p.is_file()}
