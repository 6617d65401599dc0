"""Pages shaped like freeze-dry saves, for the extract tests (this module holds no tests)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

from corpus.tree.sample import Sample

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


# --- shapes real saved pages have (FACTS.md) ---------------------------------------------

LONG_SEGMENT = "x" * 300  # over the 255 bytes a file name may have: ENAMETOOLONG


def spaced_data_urls() -> dict[str, bytes]:
    """Data URLs browsers read (the fetch standard's data: URL processor) that a strict parser
    misses, keyed by how they are written in the page, with the bytes they hold."""
    red, blue = png((200, 30, 30)), png((30, 30, 200), (8, 8))
    html_doc = b"<!doctype html><p>framed</p>"
    unpadded = b64(blue).rstrip("=")
    assert unpadded != b64(blue)  # the case must really lack padding
    return {
        f"data:text/html; charset=utf-8;base64,{b64(html_doc)}": html_doc,
        f"data:text/html; charset=iso-8859-1;base64,{b64(b'<p>caf' + bytes([0xe9]) + b'</p>')}":
            b"<p>caf\xe9</p>",
        f"data:image/png ; base64,{b64(red)}": red,
        f"Data:Image/PNG;BASE64,{b64(red)}": red,
        f"data:image/png;base64,{unpadded}": blue,
        f"data:img/png;base64,{b64(blue)}": blue,  # odd MIME types from FACTS.md
        f"data:image/xicon;base64,{b64(red)}": red,
        f"data:application/octet-stream;base64,{b64(blue)}": blue,
    }


def real_page() -> bytes:
    """A freeze-dry save with the mess FACTS.md lists: spaced and odd data URL headers, empty
    data URLs, crossorigin/integrity on inlined stylesheets and images, escaped URLs in CSS,
    a meta refresh, a 300-byte path segment, and invalid UTF-8."""
    red = png((200, 30, 30))
    css = f".banner {{ width: 50px; height: 20px; background: url(data\\:image/png;base64,{b64(red)}); }}\n"
    imgs = "".join(f'<img alt="{i}" src="{url}">\n' for i, url in enumerate(spaced_data_urls()))
    wrapped = b64(png((10, 120, 10)))
    wrapped = "&#10;".join(wrapped[i:i + 60] for i in range(0, len(wrapped), 60))
    head = (
        '<meta http-equiv="refresh" content="0; url=https://example.com/next">\n'
        f'<link rel="stylesheet" crossorigin="anonymous" integrity="sha384-abc" '
        f'href="data:text/css;base64,{b64(css.encode())}">\n'
        '<link rel="stylesheet" href="data:text/css,">\n'
        "<style>.green { width: 10px; height: 10px; background: url(&#10;data:image/png;base64,"
        f"{b64(png((10, 120, 10)))}) }}</style>\n"
    )
    body = (
        f"{imgs}"
        '<img src="data:;base64,"><a href="data:">empty</a><iframe src="data:text/html,"></iframe>\n'
        f'<img crossOrigin src="data:image/png;base64,{b64(red)}" srcset="data:image/png;base64,{b64(red)} 1x, '
        f'data:image/png;base64,{b64(red)} 2x">\n'
        f'<div class="green" style="background-image: url(&quot;data:image/png;base64,{wrapped}&quot;)"></div>\n'
        f'<div class="banner">\xff</div><img src="images/{LONG_SEGMENT}.png">\n'
    )
    return freeze_dry_page(body, head).replace(b"\xc3\xbf", b"\xff\xfe")
