"""What the viewer's tests share: a small corpus with a model, the real `corpus serve`
in a subprocess, and HTTP requests to it (urllib, or http.client for a raw path)."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from corpus.vectors.vectorize import update_vectors
from tests import rulesets
from trainer.model import linear_network
from trainer.modelfile import ModelFile, save_model

RULESET = rulesets.PASSWORD_AND_NEW

# A signup form (its new-password field labeled) beside a login form: with the model
# below, the login field scores sigmoid(4 - 3) = 0.73, a false positive at cutoff 0.5;
# the labeled field sigmoid(4 + 2 - 3) = 0.95, a true positive; the text field 0.05.
SIGNUP = (
    "<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>signup</title></head><body>\n"
    "<form action=/signup><input type=text name=user>\n"
    "<input type=password id=new-pass data-fathom=\"new-password\" style=\"width:200px\">\n"
    "<a href=\"https://example.com/\">elsewhere</a></form>\n"
    "<form action=/login><input type='password' id=login style=\"width:150px\"></form>\n"
    "<p>caf\xe9</p></body></html>\n"
).encode("latin-1")  # invalid UTF-8 on purpose: edits work on bytes
LOGIN = b"<!DOCTYPE html><html><head><title>login</title></head><body><form><input type=password id=pw></form></body></html>"


@contextmanager
def serving(root: Path, *args: str) -> Iterator[str]:
    """`corpus serve --port 0 ARGS` running in `root`; yields its URL."""
    exe = Path(sys.executable).parent / "corpus"
    server = subprocess.Popen([str(exe), "serve", "--port", "0", *args], cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"no URL from corpus serve: {line!r} {server.stderr.read() if server.poll() is not None else ''}"
        yield found.group()
    finally:
        server.terminate()
        server.wait(timeout=30)


def viewer(root: Path) -> Iterator[str]:
    """The viewer of the corpus at `root` (`corpus serve` inside it); yields its URL."""
    return serving(root)


def make_corpus(root: Path, commit) -> None:
    """Two pages, vectors and a model with a known false positive (see SIGNUP)."""
    (root / "rulesets.py").write_text(RULESET)
    (root / "samples/training/1.html").write_bytes(SIGNUP)
    (root / "samples/training/n2.html").write_bytes(LOGIN)
    network = linear_network([("is_password", 4.0), ("says_new", 2.0)], -3.0)
    save_model(ModelFile(network, trainee="new-password"), root / "models/new-password.json")
    update_vectors(root, "training", "new-password")
    commit(root, "a small corpus")


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers or {}, method=method), timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lowercase names
    body: bytes


def raw(url: str, target: str, method: str = "GET", headers: dict[str, str] | None = None,
        body: bytes = b"", timeout: float = 60) -> Answer:
    """Send `target` exactly as written (urllib would normalise it) to the server at `url`.
    `headers` replace the defaults (Host naming the server, no Content-Length)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": parts.netloc, **(headers or {})}.items():
            connection.putheader(name, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def viewer_token(url: str) -> str:
    """The write token the viewer's own pages hold."""
    return re.search(rb'name="corpus-token" content="([^"]+)"', request(url)[1]).group(1).decode()
