"""Pages that fight being collected (dialogs, popups, leaving, endless feeds, size, a redirect
to a local address), in real Chromium on the tests' local site: each is frozen as asked or
fails on one line naming its URL, and the rest of the list completes."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

from corpus.collect import run, safety
from corpus.collect.freezer import freeze_dry_script
from corpus.collect.sinks import FolderSink
from corpus.collect.targets import Target
from corpus.collect.visit import SCROLL_STEPS, CollectOptions
from corpus.tree.sample import Sample
from tests.collect.site import SECRET, serving

LIST = ("dialog", "popup", "refresh", "leave", "endless")


def _failures(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("failed ")]


def test_dialogs_popups_leaving_and_endless_scrolling_freeze_the_page_asked_for(tmp_path, corpus_cli):
    out = tmp_path / "out"
    with serving() as site:
        lines = [f"{name} {site.url(f'/{name}.html')}" for name in LIST]
        result = corpus_cli("collect", "--allow-local", "--scroll", "-j", "3", "--timeout", "10", "-o", str(out),
                            *lines, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert _failures(result.stderr) == []
        for name in LIST:
            text = (out / f"{name}.html").read_text()
            assert 'id="kept"' in text and "the second page" not in text, name  # the top frame stayed
            assert f'<link rel="original" href="{site.url(f"/{name}.html")}"' in text, name
    assert '<p id="answer">dismissed</p>' in (out / "dialog.html").read_text()  # confirm() answered "no"
    items = len(re.findall(r'class="item"', (out / "endless.html").read_text()))
    assert 1 < items <= SCROLL_STEPS + 2  # scrolled, and stopped while the feed still grew


def test_a_page_over_the_size_cap_fails_alone(tmp_path, corpus_cli):
    out = tmp_path / "out"
    with serving() as site:
        result = corpus_cli("collect", "--allow-local", "--max-size", "0.05", "-o", str(out),
                            f"big {site.url('/big.html')}", f"small {site.url('/second.html')}", cwd=tmp_path)
    assert result.returncode == 1
    assert _failures(result.stderr) == [
        f"failed {site.url('/big.html')}: the frozen page is 0.1 MB, over the cap of 0.05 MB"]
    assert sorted(p.name for p in out.iterdir()) == ["small.html"]


def test_a_redirect_to_a_local_address_is_refused_without_allow_local(tmp_path: Path, monkeypatch):
    """A name the machine cannot resolve (so the guard lets it pass, the browser would fail it)
    that Chromium maps to the site: its redirect lands on 127.0.0.1, which is refused. The
    documented limit: the browser follows redirects itself, so the local request was made."""
    with serving() as site:
        port = site.server.server_port
        monkeypatch.setattr(run, "COLLECT_ARGS", [*run.COLLECT_ARGS,
                                                  "--host-resolver-rules=MAP redirect.example 127.0.0.1"])
        targets = [Target(f"http://redirect.example:{port}/to-local", "away"),
                   Target(f"http://redirect.example:{port}/index.html", "shop")]
        outcomes = run.collect(targets, CollectOptions(timeout_s=10), FolderSink(tmp_path, targets),
                               freeze_dry_script())
        assert "/second.html" in site.requested  # the limit: the browser made the request
    assert [o.status for o in outcomes] == ["failed", "collected"]
    assert outcomes[0].reason.startswith("redirected: 127.0.0.1 is a local or private address")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.html"]


def test_a_script_cannot_reach_a_local_address_through_a_redirect_or_a_websocket(tmp_path: Path, monkeypatch):
    """The guard lets the site's own address pass and refuses `localhost`: the page's fetch
    of a URL that redirects to `localhost`, and its WebSocket there, are refused before
    any request is made, and nothing of the local answer is frozen."""
    async def only_localhost_is_local(host: str) -> str | None:
        return None if host == "127.0.0.1" else await refused_hosts(host)

    refused_hosts = safety._host_refusal
    monkeypatch.setattr(safety, "_host_refusal", only_localhost_is_local)
    with serving() as site:
        targets = [Target(site.url("/steal.html"), "steal")]
        outcomes = run.collect(targets, CollectOptions(timeout_s=10, wait_s=1), FolderSink(tmp_path, targets),
                               freeze_dry_script())
        requested = list(site.requested)
    assert [o.status for o in outcomes] == ["collected"], outcomes
    frozen = (tmp_path / "steal.html").read_text()
    assert "/to-secret" in requested and "/secret.txt" not in requested and "/socket" not in requested
    assert SECRET.decode() not in frozen.replace("&#39;", "'")
    assert '<p id="read">refused</p>' in frozen and '<p id="socket">closed</p>' in frozen


def test_a_bad_line_or_a_failed_landing_fails_that_url_alone(corpus_root: Path, corpus_cli):
    Sample(corpus_root, "unused", "1.html").resources_dir.mkdir(parents=True)  # a stray folder where 1.html lands
    with serving() as site:
        lines = f"http://[bad/x\n{site.url('/index.html')}\n{site.url('/second.html')}\n"
        result = corpus_cli("collect", "--allow-local", "--json", "-i", "-", cwd=corpus_root, input=lines)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    failed = {o["url"]: o["reason"] for o in report["failed"]}
    assert failed["http://[bad/x"].startswith("not a URL")
    assert "already exists; nothing was added" in failed[site.url("/index.html")]
    assert [o["url"] for o in report["collected"]] == [site.url("/second.html")]


def test_a_name_the_file_system_refuses_fails_that_url_alone(tmp_path: Path, corpus_cli):
    with serving() as site:
        result = corpus_cli("collect", "--allow-local", "-o", str(tmp_path / "out"),
                            f"{'n' * 300} {site.url('/index.html')}", f"ok {site.url('/second.html')}", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    [failure] = _failures(result.stderr)
    assert failure.startswith(f"failed {site.url('/index.html')}: ") and "File name too long" in failure
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ok.html"]


class _WatchedSink(FolderSink):
    """Notes where each page lands (which thread) and how many land at once."""

    def __init__(self, folder: Path, targets: list[Target]) -> None:
        super().__init__(folder, targets)
        self.threads: list[threading.Thread] = []
        self.landing, self.most_at_once = 0, 0

    def accept(self, target, frozen):
        self.threads.append(threading.current_thread())
        self.landing += 1
        self.most_at_once = max(self.most_at_once, self.landing)
        time.sleep(0.3)  # as slow as a real landing's fsyncs and `git add`
        self.landing -= 1
        return super().accept(target, frozen)


def test_pages_land_one_at_a_time_off_the_event_loop(tmp_path: Path):
    """Landing on the loop's thread stalled every page in flight (false timeouts)."""
    with serving() as site:
        targets = [Target(site.url(f"/page/{n}.html"), f"p{n}") for n in range(3)]
        sink = _WatchedSink(tmp_path, targets)
        outcomes = run.collect(targets, CollectOptions(jobs=3, allow_local=True), sink, freeze_dry_script())
    assert [o.status for o in outcomes] == ["collected"] * 3
    assert threading.main_thread() not in sink.threads and sink.most_at_once == 1
