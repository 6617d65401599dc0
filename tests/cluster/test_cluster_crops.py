"""corpus crops --scheduler: crops cut on a real 2-worker LocalCluster equal local ones,
file for file and byte for byte, with each page's resources shipped to the worker."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from corpus.cluster.crops import cluster_renderer
from corpus.render.crops import MANIFEST, CropOptions, make_crops
from corpus.tree.sample import set_samples
from tests.cluster.test_cluster_vectorize import png

PAGE = """<!doctype html>
<html><head><style>body {{ margin: 0 }} div {{ position: absolute }}</style></head><body>
<div data-fathom="box" style="left:{x}px; top:40px; width:120px; height:30px; background:#f00"></div>
<img data-fathom="box" src="resources/{stem}/i.png" style="position:absolute; left:10px; top:100px">
<div data-fathom="box" style="left:300px; top:40px; width:50px; height:50px; visibility:hidden"></div>
<p style="position:absolute; left:50px; top:300px; margin:0"><a href="#">link {stem}</a></p>
</body></html>
"""


def make_pages(root: Path, count: int) -> None:
    training = root / "samples" / "training"
    for n in range(1, count + 1):
        (training / f"{n}.html").write_text(PAGE.format(x=20 * n, stem=n))
        (training / "resources" / str(n)).mkdir(parents=True)
        (training / "resources" / str(n) / "i.png").write_bytes(png(30 + 10 * n, 25))


def test_cluster_crops_equal_local_crops(corpus_root: Path, tmp_path: Path, cluster: str) -> None:
    make_pages(corpus_root, 5)
    samples = set_samples(corpus_root, "training")
    options = CropOptions(candidates="a", other="link", pad=4)
    remote = make_crops(samples, tmp_path / "remote", options, render=cluster_renderer(cluster))
    local = make_crops(samples, tmp_path / "local", options)
    assert remote.to_dict() == local.to_dict()
    assert remote.written == {"box": 10, "link": 5} and remote.skipped == {"invisible": 5}

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.png")}

    assert files(tmp_path / "remote") == files(tmp_path / "local")
    widths = sorted(Image.open(io.BytesIO(data)).width for name, data in files(tmp_path / "remote").items()
                    if name.endswith("__1.png"))
    assert widths == [30 + 10 * n + 8 for n in range(1, 6)], "each page's own image should have been shipped"
    manifest = json.loads((tmp_path / "remote" / MANIFEST).read_text())
    assert sorted(manifest["pages"]) == [f"training/{n}.html" for n in range(1, 6)]

    again = make_crops(samples, tmp_path / "remote", options, render=cluster_renderer(cluster))
    assert again.rendered == 0 and again.unchanged == 5


def test_crops_command_with_scheduler(corpus_root: Path, tmp_path: Path, cluster: str, corpus_cli) -> None:
    make_pages(corpus_root, 2)
    done = corpus_cli("crops", "training", "-o", str(tmp_path / "out"), "--scheduler", cluster, "--json",
                      cwd=corpus_root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["written"] == {"box": 4}
    assert f"cropping on {cluster}" in done.stderr
