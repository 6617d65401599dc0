"""The renderer on real saved-page shapes: odd URLs, symlinked resources, navigation, broken pages."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

from PIL import Image

from corpus.extract.extract import extract_sample
from corpus.render.browser import SAMPLE_ORIGIN, Viewport, _served_file, chromium_path
from corpus.render.facts import Renderer, mark_elements
from tests.extract.pages import LONG_SEGMENT, b64, freeze_dry_page, png, write_sample
from tests.hooks.test_hooks import write_resource

BLUE = (30, 30, 200)


def page_with(set_dir: Path, name: str, body: str, head: str = "") -> Path:
    set_dir.mkdir(parents=True, exist_ok=True)
    path = set_dir / name
    path.write_bytes(freeze_dry_page(body, head, csp="default-src 'self'; style-src 'self' 'unsafe-inline'"))
    return path


def test_the_sandbox_serves_only_regular_files_of_the_own_folder_and_never_raises(tmp_path: Path):
    set_dir = tmp_path / "samples" / "training"
    page = page_with(set_dir, "1.html", "")
    write_resource(tmp_path, "training/resources/1/a.png", png(BLUE))
    write_resource(tmp_path, "training/resources/2/b.png", png(BLUE))
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0")
    os.symlink(secret / "passwd", set_dir / "resources" / "1" / "linked.txt")
    os.symlink(secret, set_dir / "resources" / "1" / "sub")
    os.mkfifo(set_dir / "resources" / "1" / "fifo")

    def served(path: str) -> Path | None:
        return _served_file(page.resolve(), f"{SAMPLE_ORIGIN}/{path}")

    assert served("1.html") == page.resolve()
    assert served("resources/1/a.png") == (set_dir / "resources/1/a.png").resolve()
    for refused in ("resources/2/b.png", "resources/1/../2/b.png", "resources/1/linked.txt",
                    "resources/1/sub/passwd", "resources/1/fifo", "resources/1", f"resources/1/{LONG_SEGMENT}.png",
                    f"resources/1/{LONG_SEGMENT}/{LONG_SEGMENT}", "resources/1/a%00.png", "resources/1/%2e%2e/2/b.png",
                    "../../../etc/passwd", f"{'a/' * 3000}x"):
        assert served(refused) is None, refused
    assert _served_file(page.resolve(), "http://elsewhere.invalid/resources/1/a.png") is None

    # A linked resources folder is refused as a whole, whatever it points at.
    (set_dir / "resources" / "3").symlink_to(set_dir / "resources" / "1", target_is_directory=True)
    linked_page = page_with(set_dir, "3.html", "")
    assert _served_file(linked_page.resolve(), f"{SAMPLE_ORIGIN}/resources/3/a.png") is None


def test_rendering_survives_refresh_long_names_and_symlinked_folders(tmp_path: Path):
    set_dir = tmp_path / "samples" / "training"
    secret = tmp_path / "secret"
    secret.mkdir()
    Image.new("RGB", (40, 30), "blue").save(secret / "a.png")
    body = ('<img id=long src="resources/{stem}/' + LONG_SEGMENT + '.png">'
            '<img id=linked src="resources/{stem}/a.png" style="display:block">'
            '<form action="https://example.com/login"><input name=u autofocus></form>')
    pages = {}
    for stem, head in (("1", '<meta http-equiv="refresh" content="0">'),
                       ("2", '<meta content="0; url=https://example.com/" http-equiv=Refresh>'), ("3", "")):
        pages[stem] = page_with(set_dir, f"{stem}.html", body.format(stem=stem), head)
    (set_dir / "resources").mkdir()
    (set_dir / "resources" / "3").symlink_to(secret, target_is_directory=True)

    with Renderer(Viewport(400, 300), None) as renderer:
        for stem, path in pages.items():
            html = path.read_bytes()
            marked = mark_elements(html)
            facts = renderer.facts(path, hashlib.sha256(html).hexdigest(), marked)
            assert facts.elements, stem  # the page stayed put long enough to be measured
        refused = renderer.refused
    assert f"{SAMPLE_ORIGIN}/resources/1/{LONG_SEGMENT}.png" in refused
    assert f"{SAMPLE_ORIGIN}/resources/3/a.png" in refused  # the link to `secret` was not followed
    assert not any("example.com" in url for url in refused)  # no navigation was even tried


def test_crops_go_on_past_a_page_that_fails(corpus_root: Path, tmp_path: Path, corpus_cli):
    set_dir = corpus_root / "samples" / "training"
    box = '<div data-fathom="box" style="position:absolute; left:10px; top:10px; width:30px; height:20px; ' \
          'background:#00f"></div>'
    page_with(set_dir, "1.html", box, '<meta http-equiv="refresh" content="0">')  # reloads itself forever
    page_with(set_dir, "2.html", box)
    (set_dir / "resources").mkdir()
    (set_dir / "resources" / "2").symlink_to(tmp_path, target_is_directory=True)
    page_with(set_dir, "3.html", box, f'<meta http-equiv="refresh" content="0; url=resources/3/{LONG_SEGMENT}">')
    out = tmp_path / "crops"

    result = corpus_cli("crops", "training", "-o", str(out), "--json", cwd=corpus_root)

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("cropping:")]
    assert errors == [f"{set_dir / 'resources' / '2'}: is a symbolic link; samples and their resources must be "
                      "real files and folders inside the set", "1 page(s) could not be cropped"]
    report = json.loads(result.stdout)
    assert report["written"] == {"box": 2} and len(report["failed"]) == 1
    assert sorted(p.name for p in (out / "box").iterdir()) == ["training__1__0.png", "training__3__0.png"]


def test_an_extracted_page_with_crossorigin_css_renders_styled_from_disk(tmp_path: Path):
    css = f".b {{ width: 60px; height: 40px; background: url(data:image/png;base64,{b64(png(BLUE))}) }}"
    head = f'<link rel="stylesheet" crossorigin="anonymous" href="data:text/css;base64,{b64(css.encode())}">'
    sample = write_sample(tmp_path, freeze_dry_page('<div class="b"></div>', head).replace(b"body>", b"body style='margin:0'>", 1))
    assert extract_sample(sample).changed
    extracted = sample.path.read_bytes()

    from playwright.sync_api import sync_playwright

    def pixel_from_disk() -> tuple[int, int, int]:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 100, "height": 60})
            page.goto(sample.path.as_uri())
            shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
            browser.close()
        return shot.getpixel((10, 5))

    assert pixel_from_disk() == BLUE
    # The test can fail: with crossorigin put back, Chromium refuses the file:// stylesheet.
    sample.path.write_bytes(extracted.replace(b'<link rel="stylesheet"', b'<link rel="stylesheet" crossorigin', 1))
    assert pixel_from_disk() != BLUE
