"""The index's collect field: `corpus serve` freezes one URL into `unused` with `corpus collect`'s
code and answers where its sample view is; the real server, a real POST, real Chromium."""

from __future__ import annotations

import json
from pathlib import Path

from tests.collect.site import serving as site_serving
from tests.serve.support import request, serving, viewer_token


def _collect(url: str, line: str, token: str | None) -> tuple[int, dict]:
    headers = {"content-type": "application/json", **({"x-corpus-token": token} if token else {})}
    status, body = request(url + "api/collect", "POST", json.dumps({"url": line}).encode(), headers)
    return status, json.loads(body) if body.startswith(b"{") else {"text": body.decode()}


def test_the_collect_field_lands_a_page_in_unused_and_opens_it(corpus_root: Path, git, browser):
    with site_serving() as site, serving(corpus_root, "--allow-local") as url:
        token = viewer_token(url)
        status, answer = _collect(url, site.url("/index.html"), token)
        assert status == 200, answer
        assert answer["set"] == "unused" and answer["path"] == f"samples/unused/{answer['name']}"
        page = corpus_root / answer["path"]
        assert f'<link rel="original" href="{site.url("/index.html")}"' in page.read_text()
        assert answer["path"] in git(corpus_root, "diff", "--cached", "--name-only")
        assert request(url + answer["view"].lstrip("/"))[0] == 200

        again = _collect(url, site.url("/index.html"), token)  # collected before: that sample opens
        assert again == (200, answer)
        assert _collect(url, site.url("/second.html"), None)[0] == 403  # a write needs the token
        status, failed = _collect(url, site.url("/missing"), token)
        assert status == 409 and failed["error"] == f"{site.url('/missing')}: HTTP 404 Not Found"

        tab = browser.new_page()  # the field itself: type a line, land on the new sample's view
        tab.goto(url)
        tab.fill("#collect-url", site.url("/second.html"))
        tab.click("#collect button")
        tab.wait_for_url("**/sample/unused/*", timeout=60_000)
        opened = tab.url.rsplit("/", 1)[-1]
        assert "the second page" in (corpus_root / "samples/unused" / opened).read_text()
    assert sorted(p.name for p in (corpus_root / "samples/unused").glob("*.html")) == sorted([answer["name"], opened])


def test_local_addresses_are_refused_unless_the_viewer_allows_them(corpus_root: Path):
    with site_serving() as site, serving(corpus_root) as url:
        status, answer = _collect(url, site.url("/index.html"), viewer_token(url))
    assert status == 409 and "127.0.0.1 is a local or private address" in answer["error"]
    assert list((corpus_root / "samples/unused").glob("*.html")) == []


def test_a_page_already_there_under_another_url_opens_its_sample(corpus_root: Path):
    """`/moved` was never collected, but it redirects to a page that was: that sample opens."""
    with site_serving() as site, serving(corpus_root, "--allow-local") as url:
        token = viewer_token(url)
        status, answer = _collect(url, site.url("/second.html"), token)
        assert status == 200, answer
        assert _collect(url, site.url("/moved"), token) == (200, answer)
    assert [p.name for p in (corpus_root / "samples/unused").glob("*.html")] == [answer["name"]]
