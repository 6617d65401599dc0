"""`corpus collect --scheduler`: pages frozen on a real Dask LocalCluster's workers (one
Chromium each), streamed back and landed in the corpus by the client."""

from __future__ import annotations

import json

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
