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
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(out, "PNG")
    return out.getvalue()


FILES = {
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
}


class Site:
    """The server; `url(path)` names a page on it. `/page/N.html` are bench pages."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
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
        if path == "/moved":
            handler.send_response(302)
            handler.send_header("Location", "/second.html")
            handler.end_headers()
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
