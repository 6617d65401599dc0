"""Rendered facts: right geometry and styles, robust pairing, and a sealed-off browser."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from corpus.render.browser import Viewport
from corpus.render.facts import MARK, Renderer, mark_elements
from corpus.ruleset import Box
from corpus.vectors.document import PageDocument
from corpus.vectors.vectorize import update_vectors

KNOWN = """<!doctype html><html><head><title>a <b> title</title><style>
body { margin: 0; font-size: 12px; }
#box { position: absolute; left: 10px; top: 20px; width: 300px; height: 40px; box-sizing: border-box;
       font-size: 18px; color: rgb(255, 0, 0); background-color: rgba(0, 0, 255, 0.5);
       border: 2px solid rgb(0, 128, 0); display: block; }
#gone { display: none } #hidden { visibility: hidden } #clear { opacity: 0 }
.fade { animation: fade 100s linear infinite; }
@keyframes fade { from { opacity: 0 } to { opacity: 1 } }
</style></head><body>
<!-- <input id=commented> -->
<div id=box>x</div>
<div id=gone>g</div><div id=hidden>h</div><div id=clear>c</div>
<div id=fade class=fade style="position:absolute; top:100px; left:0; width:50px; height:50px">f</div>
<table style="position:absolute; top:200px; left:0; border-collapse:collapse"><tr><td style="padding:0">
<span id=cell style="display:inline-block; width:70px; height:30px"></span></td></tr>
<div id=fostered style="position:absolute; top:300px; left:5px; width:20px; height:20px"></div></table>
<textarea id=ta><input id=in-textarea></textarea>
<p id=after style="position:absolute; top:400px; left:30px; margin:0; width:40px; height:10px"></p>
<div id=wide style="position:absolute; top:500px; left:0; right:0; height:10px"></div>
</body></html>"""


@pytest.fixture(scope="module")
def known_page(tmp_path_factory: pytest.TempPathFactory) -> PageDocument:
    folder = tmp_path_factory.mktemp("render")
    path = folder / "1.html"
    path.write_text(KNOWN)
    html = path.read_bytes()
    with Renderer(Viewport(800, 600), folder) as renderer:
        doc = PageDocument(html, (800, 600),
                           lambda marked: renderer.facts(path, hashlib.sha256(html).hexdigest(), marked), "1.html")
        doc.facts()  # every fact of the page is fetched here, in one round trip
    return doc


def by_id(doc: PageDocument, element_id: str):
    found = [e for e in doc.elements if e.get("id") == element_id]
    assert len(found) == 1, element_id
    return doc.node(found[0])


def test_geometry_and_computed_style_of_a_known_element(known_page: PageDocument) -> None:
    box = by_id(known_page, "box")
    assert box.box == Box(10, 20, 300, 40)
    assert box.visible
    assert box.font_size == 18
    assert box.color == (255, 0, 0, 1)
    assert box.background_color == (0, 0, 255, 0.5)
    assert box.border_width == 2
    assert box.display == "block"
    assert box.style["border-top-color"] == "rgb(0, 128, 0)"
    assert known_page.page_size() == (800, 600)
    assert by_id(known_page, "wide").box.width == 800  # the rubric's viewport, no scrollbar


def test_visibility_follows_display_visibility_and_opacity(known_page: PageDocument) -> None:
    assert not by_id(known_page, "gone").visible
    assert by_id(known_page, "gone").display == "none"
    assert not by_id(known_page, "hidden").visible
    assert not by_id(known_page, "clear").visible
    fade = by_id(known_page, "fade")  # animations are cancelled: the resting style, not a frame
    assert fade.style["opacity"] == "1" and fade.visible


def test_elements_pair_up_across_parser_repairs(known_page: PageDocument) -> None:
    # Chromium adds a <tbody> and moves the stray <div> out of the table; lxml does
    # neither. The elements still get their own facts.
    cell = by_id(known_page, "cell").box
    assert (cell.x, cell.width, cell.height) == (0, 70, 30)
    assert by_id(known_page, "fostered").box == Box(5, 300, 20, 20)
    assert by_id(known_page, "after").box == Box(30, 400, 40, 10)


def test_marking_changes_no_text_and_leaves_no_trace(known_page: PageDocument) -> None:
    assert known_page.root.find(".//title").text == "a <b> title"
    assert known_page.root.find(".//textarea").text == "<input id=in-textarea>"
    ids = {e.get("id") for e in known_page.elements}
    assert "commented" not in ids and "in-textarea" not in ids
    assert not any(MARK in e.attrib for e in known_page.elements)
    assert mark_elements(b"<p>1 < 2 <!--> <b>x</b>").count(MARK.encode()) == 2


class RecordingServer(http.server.ThreadingHTTPServer):
    hits: list[str]


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *args: object) -> None:
        pass


def test_no_request_leaves_the_sandbox(tmp_path: Path) -> None:
    server = RecordingServer(("127.0.0.1", 0), Recorder)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        set_dir = tmp_path / "samples" / "training"
        (set_dir / "resources" / "1").mkdir(parents=True)
        Image.new("RGB", (40, 30), "blue").save(set_dir / "resources" / "1" / "a.png")
        (set_dir / "1.html").write_text(f"""<!doctype html><html><head>
<meta http-equiv="refresh" content="0; url={base}/refresh">
<link rel=stylesheet href="{base}/style.css"><link rel=prefetch href="{base}/prefetch">
<link rel=icon href="{base}/favicon.ico">
<style>@import url("{base}/import.css"); body {{ background: url({base}/bg.png) }}</style>
<script src="{base}/script.js"></script></head><body>
<img id=remote src="{base}/img.png"><img id=local src="resources/1/a.png">
<iframe src="{base}/frame"></iframe><video poster="{base}/poster.png"></video>
<object data="{base}/object"></object><form action="{base}/form"><input type=password></form>
</body></html>""")
        (tmp_path / "rulesets.py").write_text('''
from corpus.ruleset import Ruleset
ruleset = Ruleset()
image = ruleset.trainee("image", dom="img")

@image.feature
def wide(node):
    return node.box.width / 100
''')
        report = update_vectors(tmp_path, "training", "image")
        assert report.rendered == 1
        data = json.loads(report.out.read_bytes())
        # Its own resource was served (40 px wide); the remote one never loaded.
        assert [n["features"][0] for n in data["pages"][0]["nodes"]][1] == 0.4
        assert server.hits == []
        # The server did work and would have recorded a hit.
        urllib.request.urlopen(f"{base}/sanity", timeout=5).read()
        assert server.hits == ["/sanity"]
    finally:
        server.shutdown()
