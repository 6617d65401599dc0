"""The viewer's HTTP server: the standard library's threading server around `ViewerApp`."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from corpus.errors import CorpusError
from corpus.viewer.app import Request, ViewerApp

MAX_BODY = 1 << 20  # a label change is a few bytes of JSON


def allowed_hosts(host: str, port: int) -> set[str]:
    """The `Host` header values that name this server (browsers omit port 80)."""
    names = {"[::1]" if host == "::1" else host, "127.0.0.1", "localhost"}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


def make_handler(app: ViewerApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "corpus-viewer"

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
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


def serve(root: Path, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve the viewer of the corpus at `root` until interrupted; `ready(url)` once listening."""
    app = ViewerApp(root, set())
    try:
        server = ThreadingHTTPServer((host, port), make_handler(app))
    except OSError as e:
        app.close()
        raise CorpusError(f"{host}:{port}: cannot listen: {e.strerror}") from None
    server.daemon_threads = True
    bound_port = server.server_address[1]
    app.hosts = allowed_hosts(host, bound_port)  # known only once bound (port 0 picks one)
    shown = f"[{host}]" if ":" in host else host
    ready(f"http://{shown}:{bound_port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.close()
