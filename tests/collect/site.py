"""A small web site for collecting tests and the bench, served on 127.0.0.1 by http.server in a thread."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

INDEX = """<!DOCTYPE html>
<html><head><title>Shop</title><link rel="stylesheet" href="/css/main.css"></head>
<body>
<h1 class="fancy">A shop</h1>
<img id="plain" src="/img/red.png" srcset="/img/red.png 1x, /img/green.png 2x" width="40" height="40">
<picture><source srcset="/img/blue.png" type="image/png"><img id="pic" src="/img/red.png" width="40" height="40"></picture>
<iframe src="/frame.html" width="200" height="60"></iframe>
<div id="host"></div>
<script>
  const built = document.createElement('p');
  built.id = 'built';
  built.textContent = 'built by a script';
  document.getElementById('host').appendChild(built);
</script>
</body></html>
"""
MAIN_CSS = """@import url("/css/more.css");
@font-face { font-family: "Shop"; src: url("/fonts/shop.ttf"); }
body { margin: 8px; background: url("/img/green.png") repeat-x; }
.fancy { font-family: "Shop"; color: rgb(0, 90, 0); }
"""
MORE_CSS = "#built { color: rgb(200, 0, 0); font-size: 20px; }\n"
FRAME = '<html><head><link rel="stylesheet" href="/css/frame.css"></head><body><p class="in">in a frame</p></body></html>'
FRAME_CSS = ".in { color: rgb(0, 0, 200); background: rgb(255, 255, 0); }\n"
SECOND = "<!DOCTYPE html><html><head><title>Second</title></head><body><p>the second page</p></body></html>"
# Pages that try to leave, ask, open windows or never end: what is frozen is the page asked for.
DIALOG = """<!DOCTYPE html><html><head><title>asks</title></head><body><p id="kept">a page that asks</p>
<p id="answer"></p>
<script>
  alert('hello');
  document.getElementById('answer').textContent = confirm('sure?') ? 'confirmed' : 'dismissed';
  setTimeout(() => alert('later'), 50);
</script></body></html>"""
POPUP = """<!DOCTYPE html><html><head><title>opens</title></head><body><p id="kept">a page that opens a window</p>
<script>window.open('/second.html'); addEventListener('load', () => window.open('/second.html', 'other'));</script>
</body></html>"""
REFRESH = """<!DOCTYPE html><html><head><title>refreshes</title><meta http-equiv="refresh" content="0; url=/second.html">
</head><body><p id="kept">a page that refreshes away</p></body></html>"""
LEAVE = """<!DOCTYPE html><html><head><title>leaves</title></head><body><p id="kept">a page that leaves</p>
<script>addEventListener('load', () => { location.href = '/second.html'; });</script></body></html>"""
# Each scroll to the bottom adds another screen, forever (an infinite feed).
ENDLESS = """<!DOCTYPE html><html><head><title>endless</title></head><body><p id="kept">an endless feed</p>
<div id="feed"><div class="item" style="height:2000px">item</div></div>
<script>
  addEventListener('scroll', () => {
    const item = document.createElement('div');
    item.className = 'item';
    item.style.height = '2000px';
    item.textContent = 'item';
    document.getElementById('feed').appendChild(item);
  });
</script></body></html>"""
BIG = "<!DOCTYPE html><html><head><title>big</title></head><body>" + "<p>words words words</p>" * 5000 + "</body></html>"
# Reads what a redirect on this server leads to, and opens a WebSocket, from a script:
# with the page's host allowed and `localhost` refused, neither may reach the machine.
STEAL = """<!DOCTYPE html><html><head><title>steals</title></head><body><p id="kept">a page that reads</p>
<p id="read">pending</p><p id="socket">pending</p>
<script>
  const show = (id, text) => { document.getElementById(id).textContent = text; };
  fetch('/to-secret').then(r => r.text()).then(t => show('read', t), () => show('read', 'refused'));
  const ws = new WebSocket(location.href.replace('http://127.0.0.1', 'ws://localhost').replace('/steal.html', '/socket'));
  ws.onclose = () => show('socket', 'closed');
</script></body></html>"""
SECRET = b"the machine's own secret"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(out, "PNG")
    return out.getvalue()


FILES = {
    "/": ("text/html", SECOND.encode()),
    "/index.html": ("text/html", INDEX.encode()),
    "/second.html": ("text/html", SECOND.encode()),
    "/frame.html": ("text/html", FRAME.encode()),
    "/css/main.css": ("text/css", MAIN_CSS.encode()),
    "/css/more.css": ("text/css", MORE_CSS.encode()),
    "/css/frame.css": ("text/css", FRAME_CSS.encode()),
    "/img/red.png": ("image/png", png((220, 0, 0))),
    "/img/green.png": ("image/png", png((0, 200, 0))),
    "/img/blue.png": ("image/png", png((0, 0, 220))),
    "/fonts/shop.ttf": ("font/ttf", FONT.read_bytes()),
    "/doc.pdf": ("application/pdf", PDF),
    "/dialog.html": ("text/html", DIALOG.encode()),
    "/popup.html": ("text/html", POPUP.encode()),
    "/refresh.html": ("text/html", REFRESH.encode()),
    "/leave.html": ("text/html", LEAVE.encode()),
    "/endless.html": ("text/html", ENDLESS.encode()),
    "/big.html": ("text/html", BIG.encode()),
    "/steal.html": ("text/html", STEAL.encode()),
    "/secret.txt": ("text/plain", SECRET),
}


class Site:
    """The server; `url(path)` names a page on it. `/page/N.html` are bench pages.
    `requested` lists every path asked for, in order."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.requested: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        self.requested.append(path)
        if path == "/moved":
            self._redirect(handler, "/second.html")
        elif path == "/to-local":  # ends on this server's loopback address, whatever name it was asked by
            self._redirect(handler, self.url("/second.html"))
        elif path == "/to-secret":  # the same server under the name `localhost`
            self._redirect(handler, f"http://localhost:{self.server.server_port}/secret.txt")
        elif path == "/never.html":  # the document starts and never ends
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            handler.wfile.write(b"<!DOCTYPE html><html><head><title>never</title></head><body><p>forever")
            handler.wfile.flush()
            self.stopping.wait(120)
        elif path.startswith("/page/"):
            n = path.removeprefix("/page/").removesuffix(".html")
            body = INDEX.replace("A shop", f"Shop number {n}")
            self._send(handler, "text/html", body.encode())
        elif path in FILES:
            self._send(handler, *FILES[path])
        else:
            handler.send_error(404, "Not Found")

    @staticmethod
    def _redirect(handler: BaseHTTPRequestHandler, location: str) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.end_headers()

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, media: str, body: bytes) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", media)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@contextmanager
def serving() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        site.server.shutdown()
        site.server.server_close()
