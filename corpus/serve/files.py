"""A folder's files at their paths over HTTP, bound to loopback only: `fathom serve`'s
behaviour, under the rules of safety.py (this server's `Host` only, nothing outside the
folder's real path, nothing in `.git`)."""

from __future__ import annotations

import os
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from corpus.errors import BadInput
from corpus.extract.mime import known_type
from corpus.serve.safety import (
    LOOPBACK,
    allowed_hosts,
    real_path_inside,
    request_path,
    split_target,
)

INDEX_FILES = ("index.html", "index.htm")  # what SimpleHTTPRequestHandler serves for a folder


class FolderServer(ThreadingHTTPServer):
    hosts: set[str]  # `Host` header values this server answers to, known once bound


class FolderHandler(SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler that checks the request before it opens anything, and
    opens the very path it checked."""

    server: FolderServer
    _checked: Path | None = None  # the real path of this request, once checked

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        # Our table first: the system's mime.types may not know a font or a webp.
        return known_type(os.fspath(path)) or super().guess_type(path)

    def send_head(self):  # type: ignore[no-untyped-def] (http.server's signature)
        if self.headers.get("host", "").lower() not in self.server.hosts:
            self.send_error(403, "refused: the Host header does not name this server")
            return None
        self._checked = self._real_path()
        if self._checked is None:
            self.send_error(404, "not served")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return str(self._checked) if self._checked is not None else ""

    def _real_path(self) -> Path | None:
        """The real path this request names, or None when it is not served. A folder is
        refused when the index page it would show leads out of the folder."""
        resolved = request_path(split_target(self.path)[0])
        if resolved is None:
            return None
        base = Path(self.directory).resolve()
        real = real_path_inside(base, resolved.lstrip("/"))
        if real is None or not real.is_dir():
            return real
        for index in INDEX_FILES:
            page = real / index
            if page.is_file() and real_path_inside(base, page.relative_to(base).as_posix()) is None:
                return None
        return real


def make_server(directory: Path, port: int) -> FolderServer:
    """A server of each file under `directory` at its path (folders as listings), on
    LOOPBACK:`port` (0: any free port; see server_port)."""
    try:
        server = FolderServer((LOOPBACK, port), partial(FolderHandler, directory=str(directory)))
    except OSError as e:
        raise BadInput(f"cannot serve on {LOOPBACK}:{port}: {e.strerror} (give another port with -p)") from None
    server.hosts = allowed_hosts(server.server_address[1])
    return server


def serve_until_interrupted(server: ThreadingHTTPServer) -> None:
    """Answer requests until Ctrl+C, then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
