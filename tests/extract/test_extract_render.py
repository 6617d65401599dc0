"""A page renders the same in headless Chromium before and after extraction, pixel for pixel."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops

from corpus.extract.extract import extract_sample
from corpus.render.browser import Viewport, launch
from corpus.tree.sample import Sample
from tests.extract.pages import (
    FREEZE_DRY_CSP,
    b64,
    font_bytes,
    freeze_dry_page,
    png,
    stylesheet,
    write_sample,
)

RED, BLUE = (220, 20, 20), (20, 20, 220)


def fixture_page() -> bytes:
    css = stylesheet(font_bytes(), png(BLUE))
    # The live site's <base>: the extracted files load only because extraction takes its href.
    head = f'<base href="https://example.com/shop/">\n<link rel="stylesheet" href="data:text/css;base64,{b64(css)}">\n'
    body = (
        '<div style="position:absolute; left:0; top:0">'
        f'<img src="data:image/png;base64,{b64(png(RED, (120, 90)))}" width="120" height="90"></div>\n'
        '<div class="banner" style="position:absolute; left:150px; top:0"></div>\n'
        '<p class="face" style="position:absolute; left:0; top:120px">Hamburgefonstiv</p>\n'
    )
    return freeze_dry_page(body, head)


def shot(browser, sample: Sample) -> Image.Image:
    with browser.open(sample.path) as page:
        return Image.open(io.BytesIO(page.screenshot())).convert("RGB")


def same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a, b).getbbox() is None


def test_extracted_page_renders_like_the_original(tmp_path: Path):
    sample = write_sample(tmp_path, fixture_page())
    with launch(Viewport(420, 200)) as browser:
        before = shot(browser, sample)
        assert extract_sample(sample).changed
        after = shot(browser, sample)
        assert browser.refused == []

        # Identical, and not because both are blank: the image, the stylesheet's
        # background image and the web font are all on the screen.
        assert same(before, after)
        assert after.getpixel((10, 5)) == RED and after.getpixel((10, 45)) == (0, 0, 0)
        assert after.getpixel((160, 5)) == BLUE

        # The font really comes from the extracted file: without it the text changes.
        extracted = sample.path.read_bytes()
        (font,) = sample.resources_dir.glob("*.ttf")
        saved = font.read_bytes()
        font.unlink()
        assert not same(shot(browser, sample), after)
        font.write_bytes(saved)

        # And the files load only because 'self' was added to freeze-dry's CSP.
        closed = extracted.replace(extracted[extracted.index(b"default-src"):extracted.index(b'">')],
                                   FREEZE_DRY_CSP.encode())
        sample.path.write_bytes(closed)
        blocked = shot(browser, sample)
        assert blocked.getpixel((10, 5)) != RED and blocked.getpixel((160, 5)) != BLUE
