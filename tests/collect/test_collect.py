"""`corpus collect` on a local site in real Chromium: what is frozen, what fails, what lands."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageChops

from corpus.collect.targets import Target, file_names, parse_lines
from corpus.render.browser import chromium_path, launch
from corpus.tree.sample import Sample
from tests.collect.site import serving

MAX_DIFFERENT_PIXELS = 0.01  # share of the screenshot that may differ between live and frozen


def test_lines_name_pages_as_fathomfox_did():
    targets = parse_lines(["# a comment", "", "shop https://a.example/x", "www.b.example/y", "www.b.example/z"])
    assert targets == [Target("https://a.example/x", "shop"), Target("http://www.b.example/y"),
                       Target("http://www.b.example/z")]
    assert list(file_names(targets).values()) == ["shop.html", "www.b.example.html", "www.b.example-2.html"]


def test_a_list_that_is_not_utf8_is_one_line_naming_it(tmp_path, corpus_cli):
    listed = tmp_path / "urls.txt"
    listed.write_bytes(b"http://caf\xe9.example/\n")
    result = corpus_cli("collect", "-o", str(tmp_path / "out"), "-i", str(listed), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines() == [f"corpus: error: {listed}: not UTF-8 text (invalid continuation byte)"]


def test_collect_into_a_corpus(corpus_root, corpus_cli, git):
    with serving() as site:
        good = f"shop {site.url('/index.html')}\n{site.url('/moved')}\n"
        bad = f"{site.url('/missing')}\n{site.url('/never.html')}\n{site.url('/doc.pdf')}\n"
        result = corpus_cli("collect", "--allow-local", "-j", "2", "--timeout", "3", "--json", "-i", "-",
                            cwd=corpus_root, input="# the list\n" + good + bad)
        assert result.returncode == 1, result.stderr
        report = json.loads(result.stdout)
        failed = {o["url"]: o["reason"] for o in report["failed"]}
        assert failed[site.url("/missing")].startswith("HTTP 404")
        assert "did not arrive within 3s" in failed[site.url("/never.html")]
        assert failed[site.url("/doc.pdf")] == "not an HTML page (application/pdf)"
        pages = {o["url"]: o["page"] for o in report["collected"]}
        assert set(pages) == {site.url("/index.html"), site.url("/moved")}

        shop = corpus_root / pages[site.url("/index.html")]
        text = shop.read_text()
        assert "<script" not in text and 'id="built"' in text
        assert f'<link rel="original" href="{site.url("/index.html")}"' in text
        resources = Sample(corpus_root, "unused", shop.name).resources_dir
        assert len([p for p in resources.iterdir() if p.name != "manifest.json"]) >= 6  # css x3, pngs, font
        moved = (corpus_root / pages[site.url("/moved")]).read_text()
        assert f'data-corpus-requested="{site.url("/moved")}" href="{site.url("/second.html")}"' in moved
        assert shop.relative_to(corpus_root).as_posix() in git(corpus_root, "diff", "--cached", "--name-only")

        again = corpus_cli("collect", "--allow-local", "--json", "-i", "-", cwd=corpus_root, input=good)
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["collected"] == []
        assert len(json.loads(again.stdout)["skipped"]) == 2
    with launch() as browser, browser.open(shop) as page:  # the sandbox serves its resources only
        assert page.locator("#built").inner_text() == "built by a script"
    assert browser.refused == []


def test_a_host_without_a_path_is_found_again_without_a_visit(corpus_root, corpus_cli):
    """`127.0.0.1:PORT` is asked for as `http://127.0.0.1:PORT` and recorded as `.../`: the
    same page for the second run, which visits nothing."""
    with serving() as site:
        bare = site.url("").removeprefix("http://")
        first = corpus_cli("collect", "--allow-local", "--json", bare, cwd=corpus_root)
        assert first.returncode == 0, first.stderr
        assert len(json.loads(first.stdout)["collected"]) == 1
        site.requested.clear()
        again = corpus_cli("collect", "--allow-local", "--json", bare, f"HTTP://{bare.upper()}", cwd=corpus_root)
        assert again.returncode == 0, again.stderr
        skipped = json.loads(again.stdout)["skipped"]
        assert [o["reason"].split(" as ")[0] for o in skipped] == ["already in the corpus", "listed twice"]
        assert site.requested == []


def _screenshot(url: str, out: Path, requests: list[str] | None = None) -> Image.Image:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 800, "height": 400})
        if requests is not None:
            page.on("request", lambda r: r.url.startswith(("http", "ws")) and requests.append(r.url))
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => 1)")
        page.screenshot(path=str(out))
        browser.close()
    return Image.open(out).convert("RGB")


def test_a_frozen_page_renders_offline_like_the_live_page(tmp_path, corpus_cli):
    with serving() as site:
        result = corpus_cli("collect", "--allow-local", "--viewport", "800x400", "-o", str(tmp_path / "out"),
                            f"shop {site.url('/index.html')}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        live = _screenshot(site.url("/index.html"), tmp_path / "live.png")
    requests: list[str] = []
    frozen = _screenshot((tmp_path / "out" / "shop.html").as_uri(), tmp_path / "frozen.png", requests)
    assert requests == []
    diff = ImageChops.difference(live, frozen).convert("L").point(lambda v: 255 if v > 16 else 0)
    different = diff.histogram()[255] / (live.width * live.height)
    assert different < MAX_DIFFERENT_PIXELS, different


def test_local_addresses_and_files_are_refused_without_allow_local(tmp_path, corpus_cli):
    result = corpus_cli("collect", "-o", str(tmp_path), "file:///etc/passwd", "127.0.0.1:9/", "localhost/", cwd=tmp_path)
    assert result.returncode == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert len(failures) == 3
    assert "a local file" in failures[0] and "local or private address" in failures[1]
    assert list(tmp_path.iterdir()) == []
