"""Fonts and images reach the browser with their types from both servers (the viewer and
`serve -d`), also on a Python that has no /etc/mime.types to read them from."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SERVED = {"f.woff2": "font/woff2", "f.webp": "image/webp", "f.ttf": "font/ttf"}

# `corpus` on a Python whose mimetypes read no system file (a bare container, Windows
# without the types in its registry): the standard library alone knows no .woff2 or .webp.
CORPUS_WITHOUT_SYSTEM_TYPES = """
import mimetypes
mimetypes.knownfiles[:] = []
mimetypes.init()
from corpus.cli.main import main
main(prog_name="corpus")
"""


@contextmanager
def serving(cwd: Path, *args: str) -> Iterator[str]:
    """`corpus serve --port 0 --json ARGS` run in `cwd`; yields its URL."""
    server = subprocess.Popen([sys.executable, "-c", CORPUS_WITHOUT_SYSTEM_TYPES, "serve", "--port", "0", "--json",
                               *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line, server.stderr.read() if server.poll() is not None else "no line from corpus serve"
        yield json.loads(line)["url"]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def served_types(url: str) -> dict[str, tuple[str, str | None]]:
    """Each file's Content-Type and X-Content-Type-Options, as served under `url`."""
    found = {}
    for name in SERVED:
        with urllib.request.urlopen(url + name, timeout=30) as response:
            assert response.read() == name.encode()
            found[name] = (response.headers["Content-Type"], response.headers["X-Content-Type-Options"])
    return found


def write_resources(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in SERVED:
        (folder / name).write_bytes(name.encode())


@pytest.mark.parametrize("route", ["samples/training/resources/1/", "frame/training/1/resources/1/"])
def test_the_viewer_serves_fonts_and_images_with_their_types(corpus_root: Path, route: str):
    write_resources(corpus_root / "samples/training/resources/1")
    with serving(corpus_root) as url:
        assert served_types(url + route) == {name: (mime, "nosniff") for name, mime in SERVED.items()}


def test_serve_d_serves_fonts_and_images_with_their_types(tmp_path: Path):
    write_resources(tmp_path / "site/resources/1")
    with serving(tmp_path, "-d", "site") as url:
        assert served_types(url + "resources/1/") == {name: (mime, None) for name, mime in SERVED.items()}
