"""The viewer's HTTP server: the standard library's threading server around `ViewerApp`, on loopback."""

from __future__ import annotations

import re
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from corpus.errors import BadInput
from corpus.serve.app import Request, ViewerApp
from corpus.serve.files import serve_until_interrupted
from corpus.serve.safety import LOOPBACK, allowed_hosts

MAX_BODY = 1 << 20  # a label change or a URL to collect is a few bytes of JSON
_LENGTH = re.compile(r"[0-9]{1,12}")  # what int() would also take (" 5", "+5", "1_0") is refused


def make_handler(app: ViewerApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "corpus-viewer"

        def _answer(self, method: str) -> None:
            given = self.headers.get("content-length") or "0"
            if not _LENGTH.fullmatch(given):
                self.send_error(400, "bad Content-Length")  # the body's end is unknown: the connection closes
                return
            length = int(given)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = app.handle(Request(method, self.path, headers, body))
            self.send_response(response.status)
            self.send_header("content-type", response.content_type)
            self.send_header("content-length", str(len(response.body)))
            self.send_header("cache-control", "no-store")
            self.send_header("x-content-type-options", "nosniff")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(response.body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's names)
            self._answer("GET")

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer("HEAD")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the terminal shows the URL, not a line per request

    return Handler


def serve_viewer(root: Path, port: int, ready: Callable[[str, int], None], ruleset: Path | None = None,
                 allow_local: bool = False) -> None:
    """Serve the viewer of the corpus at `root` on loopback until interrupted;
    `ready(url, port)` once listening (port 0 picks a free one). `ruleset`: the file
    every trainee runs (None: each trainee's own, see rulesetchoice.py). `allow_local`:
    the collect field may fetch loopback and private addresses."""
    app = ViewerApp(root, set(), ruleset=ruleset, allow_local=allow_local)
    try:
        server = ThreadingHTTPServer((LOOPBACK, port), make_handler(app))
    except OSError as e:
        app.close()
        raise BadInput(f"cannot serve on {LOOPBACK}:{port}: {e.strerror} (give another port with -p)") from None
    server.daemon_threads = True
    bound = server.server_address[1]
    app.hosts = allowed_hosts(bound)  # known only once bound
    ready(f"http://{LOOPBACK}:{bound}/", bound)
    try:
        serve_until_interrupted(server)
    finally:
        app.close()
