"""`corpus collect --scheduler`: pages frozen on a real Dask LocalCluster's workers (one
Chromium each), streamed back and landed in the corpus by the client."""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress

from corpus.cluster.collect import LoopBrowser
from corpus.collect.freezer import freeze_dry_script
from corpus.collect.safety import AddressGuard
from corpus.collect.visit import CollectOptions, Frozen
from tests.cluster.conftest import cluster  # noqa: F401 (the LocalCluster fixture)
from tests.collect.site import serving


def test_collect_on_a_cluster_lands_pages_here(corpus_root, corpus_cli, git, cluster):  # noqa: F811
    with serving() as site:
        good = f"{site.url('/index.html')}\n{site.url('/moved')}\n"
        listed = good + f"{site.url('/missing')}\n{site.url('/dialog.html')}\n"
        result = corpus_cli("collect", "--scheduler", cluster, "--allow-local", "--json", "-i", "-",
                            cwd=corpus_root, input=listed)
        assert result.returncode == 1, result.stderr
        assert f"collecting on {cluster} (2 workers)" in result.stderr
        report = json.loads(result.stdout)
        assert [(o["url"], o["reason"]) for o in report["failed"]] == [(site.url("/missing"), "HTTP 404 Not Found")]
        pages = {o["url"]: o["page"] for o in report["collected"]}
        assert set(pages) == {site.url("/index.html"), site.url("/moved"), site.url("/dialog.html")}
        shop = (corpus_root / pages[site.url("/index.html")]).read_text()
        assert "<script" not in shop and 'id="built"' in shop
        assert f'data-corpus-requested="{site.url("/moved")}"' in (corpus_root / pages[site.url("/moved")]).read_text()
        staged = git(corpus_root, "diff", "--cached", "--name-only")
        assert all(page in staged for page in pages.values())

        again = corpus_cli("collect", "--scheduler", cluster, "--allow-local", "--json", "-i", "-",
                           cwd=corpus_root, input=good)
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["collected"] == [] and len(json.loads(again.stdout)["skipped"]) == 2


def test_a_dead_browser_is_started_again_and_closes_quietly():
    """A worker's Chromium that crashed is replaced for the next page; teardown with a dead
    one does not raise."""
    browser = LoopBrowser()

    async def crash() -> None:
        from playwright.async_api import Error

        dying = browser.kept.browser
        session = await dying.new_browser_cdp_session()
        with suppress(Error):
            await session.send("Browser.crash")
        while dying.is_connected():
            await asyncio.sleep(0.05)

    try:
        browser.call(crash())
        with serving() as site:
            frozen = browser.call(browser.visit(site.url("/second.html"), CollectOptions(allow_local=True),
                                                freeze_dry_script(), AddressGuard(allow_local=True)))
        assert isinstance(frozen, Frozen) and "the second page" in frozen.html
        browser.call(crash())
    finally:
        browser.close()
