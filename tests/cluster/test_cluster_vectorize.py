"""corpus vectorize --scheduler: pages render on a real 2-worker LocalCluster, shipped
with their resources; the file equals a local run's byte for byte, also when a worker
dies mid-run, and a page that fails on every try is reported once."""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

from corpus.cluster.vectorize import ClusterRunner
from corpus.vectors.vectorize import update_vectors
from corpus.vectors.workers import LocalRunner


def png(width: int, height: int) -> bytes:
    """A real PNG of the given size (the browser lays it out at that size)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\x80" * (3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def ruleset(marker: Path) -> str:
    # `wide` reads the rendered box: an <input type=image> is as wide as its
    # resource, so a page rendered without its resources folder gets other vectors.
    # `crash` kills the worker process the first time it meets #killme.
    return f'''
import os
from corpus.ruleset import Ruleset, linear_scale

ruleset = Ruleset()
pw = ruleset.trainee("new-password", dom="input", when=lambda n: n.attrs.get("type") != "hidden")

@pw.feature
def is_password(node):
    return node.attrs.get("type") == "password"

@pw.feature
def wide(node):
    return linear_scale(node.box.width, 0, 500)

@pw.feature
def crash(node):
    if node.id == "killme" and not os.path.exists({str(marker)!r}):
        open({str(marker)!r}, "w").close()
        os._exit(1)  # the worker process dies mid-task, as on an OOM kill
    if node.id == "boom":
        raise ValueError("this page always fails")
    return 0.0
'''


def messy_page(n: int, extra: str = "") -> bytes:
    """Real pages' mess: CRLF, invalid UTF-8, no <html>/<head>, a CSP from freeze-dry, resources."""
    return (
        b"<!DOCTYPE html>\r\n<meta charset=utf-8>\r\n"
        b"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data: 'self'; style-src data: 'unsafe-inline' 'self'\">\r\n"
        + f"<title>caf\xe9 {n}</title><form action=/login><input type=text name=user>".encode("latin-1")
        + f"<input type=image src=\"resources/{n}/b.png\"><input type=password data-fathom=new-password>".encode()
        + extra.encode() + b"\xff\xfe</form>\r\n"
    )


def make_corpus(root: Path, marker: Path, count: int = 6) -> Path:
    training = root / "samples" / "training"
    training.mkdir(parents=True)
    (root / "rulesets.py").write_text(ruleset(marker))
    for n in range(1, count + 1):
        extra = "<input id=killme>" if n == 3 else ""
        (training / f"{n}.html").write_bytes(messy_page(n, extra))
        (training / "resources" / str(n)).mkdir(parents=True)
        (training / "resources" / str(n) / "b.png").write_bytes(png(40 + 30 * n, 20))
    return root


def test_cluster_vectors_equal_local_ones_even_when_a_worker_dies(tmp_path: Path, cluster: str) -> None:
    marker = tmp_path / "killed-once"
    root = make_corpus(tmp_path / "corpus", marker)
    remote = update_vectors(root, "training", "new-password", out=root / "remote.json", runner=ClusterRunner(cluster))
    assert marker.exists(), [f.message for f in remote.failed]
    assert remote.failed == [] and len(remote.vectorized) == 6
    local = update_vectors(root, "training", "new-password", out=root / "local.json", runner=LocalRunner(1))
    assert local.failed == [] and len(local.vectorized) == 6
    assert (root / "remote.json").read_bytes() == (root / "local.json").read_bytes()
    widths = {p["filename"]: p["nodes"][1]["features"][1] for p in json.loads((root / "local.json").read_bytes())["pages"]}
    assert widths["1.html"] < widths["6.html"], "the pages' resources were not shipped with them"


def test_a_page_failing_every_time_is_reported_once_and_the_rest_completes(tmp_path: Path, cluster: str) -> None:
    marker = tmp_path / "killed-once"
    marker.touch()
    root = make_corpus(tmp_path / "corpus", marker, count=4)
    (root / "samples" / "training" / "2.html").write_bytes(messy_page(2, "<input id=boom>"))
    report = update_vectors(root, "training", "new-password", runner=ClusterRunner(cluster))
    assert [f.filename for f in report.failed] == ["2.html"], [f.message for f in report.failed]
    assert "this page always fails" in report.failed[0].message
    assert report.vectorized == ["1.html", "3.html", "4.html"]
    data = json.loads((root / "vectors" / "training_new-password.json").read_bytes())
    assert sorted(data["header"]["pageHashes"]) == ["1.html", "3.html", "4.html"]


def test_cli_scheduler_from_the_environment_and_json_report(tmp_path: Path, cluster: str, corpus_cli, monkeypatch) -> None:
    marker = tmp_path / "killed-once"
    marker.touch()
    root = tmp_path / "corpus"
    corpus_cli("init", str(root), cwd=tmp_path)
    shutil.rmtree(root / "samples" / "training")
    make_corpus(root, marker, count=3)
    monkeypatch.setenv("CORPUS_SCHEDULER", cluster)
    done = corpus_cli("vectorize", "training", "--trainee", "new-password", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "3 vectorized, 0 kept" in done.stdout
    # progress: pages done, failures and each worker's throughput; Dask's dashboard link
    assert f"on {cluster}: 3/3 (100%); 0 failed; 127.0.0.1:" in done.stderr and "/s" in done.stderr
    assert "dashboard: http://" in done.stderr
    again = corpus_cli("vectorize", "training", "--trainee", "new-password", "--scheduler", "local", "--json", cwd=root)
    assert json.loads(again.stdout)[0]["kept"] == 3


def cache_entries(root: Path) -> list[Path]:
    return sorted((root / ".corpus-cache" / "render").rglob("*.json.gz"))


def test_the_local_render_cache_serves_cluster_runs_and_gains_what_workers_render(tmp_path: Path, cluster: str) -> None:
    """Pages no worker has seen (a comment unique to this test in each): facts rendered
    locally are shipped, so the cluster renders nothing; facts rendered on the cluster
    come back, so a local run renders nothing; the vectors are the same bytes."""
    marker = tmp_path / "killed-once"
    marker.touch()
    root = make_corpus(tmp_path / "corpus", marker, count=4)
    training = root / "samples" / "training"
    for n in (1, 2):  # rendered locally first
        (training / f"{n}.html").write_bytes(messy_page(n, f"<!-- local first: {tmp_path} -->"))
    for n in (3, 4):  # rendered on the cluster first
        (training / f"{n}.html").write_bytes(messy_page(n, f"<!-- cluster first: {tmp_path} -->"))
    local_first = update_vectors(root, "training", "new-password", out=root / "l1.json", runner=LocalRunner(1), pages=["1.html", "2.html"])
    assert local_first.rendered == 2 and len(cache_entries(root)) == 2
    on_cluster = update_vectors(root, "training", "new-password", out=root / "c.json", runner=ClusterRunner(cluster))
    assert on_cluster.failed == [] and len(on_cluster.vectorized) == 4
    assert on_cluster.rendered == 2, "pages 1 and 2 should have come from the client's render cache"
    assert len(cache_entries(root)) == 4, "the facts of pages 3 and 4 should have come back from the workers"
    local = update_vectors(root, "training", "new-password", out=root / "l.json", runner=LocalRunner(1))
    assert local.rendered == 0
    assert (root / "c.json").read_bytes() == (root / "l.json").read_bytes()
