"""The HTTP server behind `corpus serve`: files at their paths, bound to loopback only."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from corpus.errors import BadInput

LOOPBACK = "127.0.0.1"  # samples are private pages: never reachable from another machine

Route = Callable[["SampleHandler"], None]


class SampleHandler(SimpleHTTPRequestHandler):
    """Each file under the served folder at its path (and folder listings), as fathom serve.

    `routes` maps a URL path to a function answering it: the seam where a viewer
    adds its own pages (a subclass with more routes) without touching file serving.
    """

    routes: ClassVar[dict[str, Route]] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        route = self.routes.get(urlsplit(self.path).path)
        if route is not None:
            route(self)
        else:
            super().do_GET()


def make_server(directory: Path, port: int, handler: type[SampleHandler] = SampleHandler) -> ThreadingHTTPServer:
    """A server for `directory` on LOOPBACK:`port` (0: any free port; see server_port)."""
    try:
        return ThreadingHTTPServer((LOOPBACK, port), partial(handler, directory=str(directory)))
    except OSError as e:
        raise BadInput(f"cannot serve on {LOOPBACK}:{port}: {e.strerror} (give another port with -p)") from None
