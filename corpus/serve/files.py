"""Files at their paths over HTTP, bound to loopback only: `fathom serve`'s behaviour."""

from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from corpus.errors import BadInput

LOOPBACK = "127.0.0.1"  # samples are private pages: never reachable from another machine


def make_server(directory: Path, port: int) -> ThreadingHTTPServer:
    """A server of each file under `directory` at its path (folders as listings), on
    LOOPBACK:`port` (0: any free port; see server_port)."""
    try:
        return ThreadingHTTPServer((LOOPBACK, port), partial(SimpleHTTPRequestHandler, directory=str(directory)))
    except OSError as e:
        raise BadInput(f"cannot serve on {LOOPBACK}:{port}: {e.strerror} (give another port with -p)") from None


def serve_until_interrupted(server: ThreadingHTTPServer) -> None:
    """Answer requests until Ctrl+C, then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
