"""`corpus serve` and `corpus serve -d` as local servers under attack: paths that climb
into `.git` or out of the folder, a page of the corpus that tries to write through the
viewer, a foreign Host, symlinks out; driven with real requests and real Chromium."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.serve.support import LOGIN, raw, request, serving, viewer, viewer_token

GIT_PATHS = ("/./.git/config", "/samples%2f..%2f.git%2fconfig", "/samples/../.git/index",
             "/samples/training/../../.git/HEAD", "/.GIT/config", "/%2e%2e/.git/config", "//.git/config",
             "/samples/training/.git/config", "/frame/training/1/resources/1/../../../../../.git/config")


def test_git_is_refused_however_the_path_reaches_it(served):
    root, url = served
    (root / "samples/training/.git").mkdir()  # a nested repository's folder is refused too
    (root / "samples/training/.git/config").write_text("[core]\n")
    for target in GIT_PATHS:
        assert raw(url, target).status in (403, 404), target
    # Paths that resolve to a corpus file are still served.
    for target in ("/samples/training/./n2.html", "/samples/training/../training/n2.html", "/samples%2ftraining%2fn2.html"):
        answer = raw(url, target)
        assert answer.status == 200 and answer.body == LOGIN, target


ATTACK = """
fetch('/').then(r => r.text()).then(page => {
  const token = page.match(/name="corpus-token" content="([^"]+)"/)[1];
  return fetch('/api/label', {method: 'POST', headers: {'content-type': 'application/json', 'x-corpus-token': token},
                              body: JSON.stringify({set: 'training', name: 'n2.html', element: 5, label: 'new-password'})});
}).then(() => { document.title = 'written'; });
"""


def test_a_corpus_file_cannot_act_as_the_user(served, browser, git, commit):
    root, url = served
    (root / "samples/training/9903.html").write_text(f"<html><body><p>hi</p><script>{ATTACK}</script></body></html>")
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><script><![CDATA[{ATTACK}]]></script></svg>'
    (root / "samples/training/resources/9903").mkdir(parents=True)
    (root / "samples/training/resources/9903/a.svg").write_text(svg)
    commit(root, "a page and an SVG that try to relabel n2.html")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}

    opened = ["samples/training/9903.html", "samples/training/resources/9903/a.svg",
              "frame/training/9903/resources/9903/a.svg", "frame/training/9903/9903.html", "sample/training/9903.html"]
    pages = []
    for path in opened:
        page = browser.new_page()
        page.goto(url + path)
        pages.append(page)
    pages[-1].wait_for_timeout(3000)  # the attack takes a few milliseconds where it runs

    assert [page.title() for page in pages if page.title() == "written"] == []
    assert git(root, "status", "--porcelain") == ""
    assert {p: p.read_bytes() for p in before} == before
    for path in opened[:3]:  # every corpus file comes in a sandbox of its own origin
        assert raw(url, "/" + path).headers["content-security-policy"] == "sandbox", path


def test_serve_d_answers_only_its_host_and_only_inside_the_folder(tmp_path: Path):
    folder, outside = tmp_path / "served", tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("not yours")
    (folder / "page.html").write_text("<p>page</p>")
    (folder / ".git").mkdir()
    (folder / ".git/config").write_text("[core]\n")
    os.symlink("/etc/passwd", folder / "passwd")
    os.symlink(outside, folder / "away")
    os.symlink(outside / "secret.txt", folder / "sub/index.html")  # the folder's index page leads out
    os.symlink(folder / "page.html", folder / "again.html")  # inside to inside: served
    with serving(tmp_path, "-d", str(folder)) as url:
        assert raw(url, "/page.html").body == b"<p>page</p>"
        assert raw(url, "/again.html").body == b"<p>page</p>"
        assert raw(url, "/").status == 200  # folders as listings
        assert raw(url, "/page.html", headers={"Host": "attacker.example"}).status == 403  # DNS rebinding
        assert raw(url, "/", headers={"Host": "attacker.example:80"}).status == 403
        for target in ("/passwd", "/away/secret.txt", "/away/", "/sub/", "/.git/config", "/./.git/config",
                       "/sub/../.git/config", "/%2e%2e/outside/secret.txt", "/sub%2f..%2f..%2foutside%2fsecret.txt"):
            answer = raw(url, target)
            assert answer.status == 404 and b"not yours" not in answer.body and b"root:" not in answer.body, target


# --- any path at all ---------------------------------------------------------------------

SEGMENTS = ("", ".", "..", ".git", ".GIT", ".Git", "%2e", "%2E%2e", ".%2e", "%2e%2e", "%252e%252e", "%c0%ae%c0%ae",
            "%00", "a%00b", "%", "~", "samples", "training", "resources", "1", "2", "1.html", "a.css", "outside.txt",
            "config", "canary", "HEAD", "index", "frame", "static", "sample", "api", "viewer.js", "x" * 300,
            "x" * 300 + ".html", ".git%2fconfig", "..%2f..", "..%5c..", "%2e%2e%5c")
SEPARATORS = ("/", "//", "%2f", "%2F", "\\", "%5c", "%5C")
CANARIES = (b"GIT-CANARY", b"OUTSIDE-CANARY")
PATHS = st.one_of(
    st.lists(st.tuples(st.sampled_from(SEPARATORS), st.sampled_from(SEGMENTS)), max_size=9)
    .map(lambda parts: "/" + "".join(sep + segment for sep, segment in parts)),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), max_size=60).map(lambda text: "/" + text),
)


def _corpus_with_canaries(root: Path, outside: Path, commit) -> None:
    """A page and its resources; secrets in `.git` and beside the corpus, a symlink to them."""
    (root / "samples/training/1.html").write_text("<html><body><p>one</p></body></html>")
    (root / "samples/training/resources/1").mkdir(parents=True)
    (root / "samples/training/resources/1/a.css").write_text("p { color: red }")
    commit(root, "one page")
    with (root / ".git/config").open("a") as config:
        config.write("[canary]\n\tvalue = GIT-CANARY\n")
    (root / ".git/canary").write_text("GIT-CANARY")
    outside.mkdir()
    (outside / "outside.txt").write_text("OUTSIDE-CANARY")
    os.symlink(outside, root / "samples/training/resources/2")


def _never_leaks(url: str) -> None:
    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(PATHS)
    def check(target: str) -> None:
        answer = raw(url, target)
        if answer.status == 200:
            assert not any(canary in answer.body for canary in CANARIES), target
            assert not answer.body.startswith((b"DIRC", b"ref: refs/", b"[core]")), target  # .git/index, HEAD, config

    check()


def test_no_request_path_reaches_git_or_leaves_the_corpus(corpus_root: Path, tmp_path: Path, commit):
    _corpus_with_canaries(corpus_root, tmp_path / "outside", commit)
    with viewer(corpus_root) as url:
        assert raw(url, "/samples/training/1.html").status == 200  # what the property keeps apart
        _never_leaks(url)
    with serving(corpus_root, "-d", str(corpus_root)) as url:
        assert raw(url, "/samples/training/1.html").status == 200
        _never_leaks(url)


def test_the_token_is_only_in_the_viewers_own_pages(served):
    _, url = served
    token = viewer_token(url).encode()
    for path in ("samples/training/n2.html", "frame/training/n2/n2.html", "api/sample/training/n2.html"):
        status, body = request(url + path)
        assert status == 200 and token not in body, path
    assert json.loads(request(url + "api/index")[1]) and token not in request(url + "api/index")[1]
