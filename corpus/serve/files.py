"""Files at their paths over HTTP, bound to loopback only: `fathom serve`'s behaviour."""

from __future__ import annotations

import os
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from corpus.errors import BadInput
from corpus.extract.mime import known_type

LOOPBACK = "127.0.0.1"  # samples are private pages: never reachable from another machine


class FileHandler(SimpleHTTPRequestHandler):
    """The standard library's file server with our types for what pages use: its own
    come from the system's mime.types, which may not know a font or a webp."""

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return known_type(os.fspath(path)) or super().guess_type(path)


def make_server(directory: Path, port: int) -> ThreadingHTTPServer:
    """A server of each file under `directory` at its path (folders as listings), on
    LOOPBACK:`port` (0: any free port; see server_port)."""
    try:
        return ThreadingHTTPServer((LOOPBACK, port), partial(FileHandler, directory=str(directory)))
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
