"""Element crops from labeled pages, rendered in the real headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from corpus.render.crops import MANIFEST, CropOptions, make_crops
from corpus.tree.sample import Sample, set_samples

RED, BLUE, MAGENTA, WHITE = (255, 0, 0), (0, 0, 255), (255, 0, 255), (255, 255, 255)

# Solid boxes at known places on a white page, and one of each thing to skip.
PAGE = """<!doctype html>
<html><head><style>body { margin: 0; background: #fff } div { position: absolute }</style></head><body>
<div data-fathom="box" style="left:50px; top:40px; width:120px; height:30px; background:#f00"></div>
<div data-fathom="box" style="left:0; top:200px; width:60px; height:20px; background:#00f"></div>
<div data-fathom="box" style="left:300px; top:40px; width:50px; height:50px; background:#0f0; visibility:hidden"></div>
<div data-fathom="box" style="left:400px; top:40px; width:0; height:50px; background:#0f0"></div>
<div data-fathom="box" style="left:500px; top:40px; width:50px; height:50px; background:#0f0"></div>
<div style="left:490px; top:30px; width:80px; height:80px; background:#000"></div>
<div data-fathom="BAD box" style="left:600px; top:40px; width:50px; height:50px; background:#0f0"></div>
<div data-fathom="box" style="left:700px; top:1500px; width:40px; height:40px; background:#f0f"></div>
<p style="position:absolute; left:50px; top:300px; margin:0"><a href="#">plain link</a></p>
<p style="position:absolute; left:50px; top:400px; width:120px; margin:0">Words and <a href="#">a link wrapped over lines</a></p>
</body></html>
"""


def add_page(root: Path, name: str, html: str, set_name: str = "training") -> Sample:
    path = root / "samples" / set_name / name
    path.write_text(html)
    return Sample(root, set_name, name)


def pixels(path: Path) -> Image.Image:
    image = Image.open(path)
    return image.convert("RGB")


def test_crops_have_the_right_sizes_and_contents(corpus_root: Path, tmp_path: Path) -> None:
    add_page(corpus_root, "1.html", PAGE)
    out = tmp_path / "crops"
    report = make_crops(set_samples(corpus_root, "training"), out,
                        CropOptions(candidates="a", other="link", pad=10))

    red = pixels(out / "box" / "training__1__0.png")
    assert red.size == (140, 50)  # 120x30 and 10 pixels on each side
    assert red.getpixel((10, 10)) == red.getpixel((129, 39)) == red.getpixel((70, 25)) == RED
    assert red.getpixel((9, 10)) == red.getpixel((130, 39)) == red.getpixel((0, 0)) == WHITE

    blue = pixels(out / "box" / "training__1__1.png")
    assert blue.size == (70, 40)  # clipped at the page's left edge
    assert blue.getpixel((0, 10)) == blue.getpixel((59, 29)) == BLUE
    assert blue.getpixel((60, 10)) == WHITE

    far = pixels(out / "box" / "training__1__5.png")  # below the first screen, cut at the page's end
    assert far.size == (60, 50)
    assert far.getpixel((10, 10)) == far.getpixel((49, 49)) == MAGENTA

    link = pixels(out / "link" / "training__1__6.png")
    colors = {color for _count, color in link.getcolors(maxcolors=1 << 16)}
    assert WHITE in colors and any(b > 150 and r < 100 for r, _g, b in colors)  # blue link text on white

    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png")) == [
        "box/training__1__0.png", "box/training__1__1.png", "box/training__1__5.png",
        "link/training__1__6.png", "link/training__1__7.png"]  # a wrapped link is not "covered"
    assert report.skipped == {"invisible": 1, "zero-size": 1, "covered": 1}
    assert report.written == {"box": 3, "link": 2}
    assert report.rendered == 1


def test_crops_are_incremental(corpus_root: Path, tmp_path: Path) -> None:
    add_page(corpus_root, "1.html", PAGE)
    add_page(corpus_root, "2.html", PAGE.replace("#f00", "#f0f"))
    out = tmp_path / "crops"
    options = CropOptions(types=("box",))
    first = make_crops(set_samples(corpus_root, "training"), out, options)
    assert (first.rendered, first.unchanged) == (2, 0)
    (out / "box" / "training__1__0.png").unlink()  # not looked at again: the page did not change

    again = make_crops(set_samples(corpus_root, "training"), out, options)
    assert (again.rendered, again.unchanged) == (0, 2)
    assert not (out / "box" / "training__1__0.png").exists()

    # Page 2 loses its first box: it is rendered again and its stale crop goes away.
    add_page(corpus_root, "2.html", PAGE.replace('data-fathom="box" style="left:50px', 'style="left:50px'))
    changed = make_crops(set_samples(corpus_root, "training"), out, options)
    assert (changed.rendered, changed.unchanged) == (1, 1)
    assert sorted(p.name for p in (out / "box").glob("training__2__*.png")) == [
        "training__2__0.png", "training__2__4.png"]

    # Other settings invalidate everything; a page gone from the corpus loses its crops.
    (corpus_root / "samples" / "training" / "1.html").unlink()
    wider = make_crops(set_samples(corpus_root, "training"), out, CropOptions(types=("box",), pad=0))
    assert (wider.rendered, wider.unchanged) == (1, 0)
    assert sorted(p.name for p in (out / "box").glob("*.png")) == ["training__2__0.png", "training__2__4.png"]
    assert Image.open(out / "box" / "training__2__0.png").size == (60, 20)
    manifest = json.loads((out / MANIFEST).read_text())
    assert list(manifest["pages"]) == ["training/2.html"]


def test_crops_command(corpus_root: Path, tmp_path: Path, corpus_cli) -> None:
    add_page(corpus_root, "1.html", PAGE)
    add_page(corpus_root, "n2.html", PAGE.replace('data-fathom="box"', ""), set_name="validation")
    out = tmp_path / "crops"
    result = corpus_cli("-C", str(corpus_root), "crops", "training", "validation", "-o", str(out),
                        "--candidates", "div", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The unlabeled page's boxes and the cover and the "BAD" leftover are all `other`.
    assert report["written"] == {"box": 3, "other": 7}
    assert report["skipped"] == {"covered": 2, "invisible": 2, "zero-size": 2}
    assert (out / "other" / "validation__n2__0.png").exists()

    text = corpus_cli("-C", str(corpus_root), "crops", "-o", str(out), "--candidates", "div", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "pages: 0 rendered, 2 unchanged" in text.stdout

    bad = corpus_cli("-C", str(corpus_root), "crops", "-o", str(out), "--types", "a/b", cwd=tmp_path)
    assert bad.returncode == 2
    assert "a/b" in bad.stderr
    bad = corpus_cli("-C", str(corpus_root), "crops", "-o", str(tmp_path / "new"), "--candidates", "a[", cwd=tmp_path)
    assert bad.returncode == 2
    assert "--candidates a[: not a valid CSS selector" in bad.stderr
