"""Screenshots of the viewer for the README: a sample view and a gallery of mistakes.

    python demo/screenshots.py URL OUT_DIR

URL is a running `corpus serve`; headless Chromium (Debian's) takes the pictures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

from corpus.render.browser import chromium_path


def main(url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        # The set with the most mistakes; its worst sample comes first in its table.
        sets = json.loads(page.request.get(urljoin(url, "/api/index")).text())
        worst = max(sets, key=lambda s: (sum(r["errors"] for r in s["samples"]), len(s["samples"])))
        page.goto(url)
        first = page.locator("section.set", has=page.locator("h2", has_text=worst["set"])).locator("tbody a").first
        page.goto(urljoin(url, first.get_attribute("href")))
        page.wait_for_selector("body[data-ready=yes]")
        boxes = page.frame_locator("#page").locator(".corpus-box")
        mistakes = boxes.locator("xpath=self::*[@data-outcome='FP' or @data-outcome='FN' or @data-outcome='pruned']")
        candidate = mistakes.first if mistakes.count() else boxes.first
        if candidate.count():
            box = candidate.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(200)  # let the hover details draw
        page.screenshot(path=str(out / "viewer-sample.png"))
        page.goto(urljoin(url, f"/gallery?set={worst['set']}"))
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / "viewer-gallery.png"), full_page=False)
        browser.close()
    print(f"screenshots in {out}: viewer-sample.png, viewer-gallery.png")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
