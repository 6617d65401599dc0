"""Pages that trouble the renderer or the ruleset never cost the others their vectors.

The shapes of a real Fathom corpus: a data URL with a space in its parameters inside a
`srcset` (left in place, so the browser asks for it as a 1,000-character relative URL),
a relative URL with a 300-byte path segment, a page the ruleset throws on, a page that
kills its worker. Both kinds of ruleset, in real Chromium, through the real CLI.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

from corpus.render.browser import LOCAL_ORIGIN, SAMPLE_ORIGIN, _served_from_set, launch

GOOD = ["1.html", "2.html", "3.html"]
DATA_URL = "data:text/html; charset=utf-8;base64," + base64.b64encode(b"<p>" + b"x" * 800 + b"</p>").decode()
LONG_SEGMENT = "a" * 300

JS_RULESET = '''
import {dom, out, rule, ruleset, score, type} from 'fathom-web';
const trainees = new Map();
trainees.set('new-password', {
    coeffs: new Map([['isPassword', 1], ['wide', 1]]),
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('new-password')),
        rule(type('new-password'), score(f => {
            if (f.element.id === 'boom') throw new Error('this page always fails');
            return f.element.type === 'password' ? 1 : 0;
        }), {name: 'isPassword'}),
        rule(type('new-password'), score(f => f.element.getBoundingClientRect().width / 1000), {name: 'wide'}),
        rule(type('new-password'), out('new-password')),
    ]),
});
export default trainees;
'''

PY_RULESET = '''
import os, signal
from corpus.ruleset import Ruleset, linear_scale
ruleset = Ruleset()
pw = ruleset.trainee("new-password", dom="input")

@pw.feature
def is_password(node):
    if node.id == "boom":
        raise ValueError("this page always fails")
    if node.id == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    return node.attrs.get("type") == "password"

@pw.feature
def wide(node):
    return linear_scale(node.box.width, 0, 1000)
'''


def form(extra: str = "", password_id: str = "pw") -> str:
    return (f'<html><body>{extra}<form><input name="user">'
            f'<input type="password" id="{password_id}" data-fathom="new-password"></form></body></html>')


def troubled_set(root: Path, ruleset_name: str, ruleset: str) -> dict[str, str]:
    """Good pages and each troubling shape in samples/training; what each page is."""
    (root / "rulesets.py").unlink()
    (root / ruleset_name).write_text(ruleset)
    training = root / "samples" / "training"
    pages = {name: form() for name in GOOD}
    pages["srcset.html"] = form(f'<img srcset="{DATA_URL} 1x, resources/srcset/b.png 2x">')
    pages["long.html"] = form(f'<img src="resources/long/{LONG_SEGMENT}.png"><link rel=stylesheet '
                              f'href="resources/long/{LONG_SEGMENT}/x.css">')
    pages["boom.html"] = form(password_id="boom")
    for name, text in pages.items():
        (training / name).write_text(text)
    return pages


def vectorize(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["corpus", "vectorize", "training", "--json", *args], cwd=root,
                          capture_output=True, text=True, timeout=600)


def assert_written_and_named(root: Path, result: subprocess.CompletedProcess[str], failed: list[str]) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)[0]
    assert [f["page"] for f in report["failed"]] == failed
    for name in failed:  # one line per failed page, naming it
        assert sum(f"samples/training/{name}" in line for line in result.stderr.splitlines()) == 1, result.stderr
    assert "this page always fails" in result.stderr
    written = json.loads((root / "vectors" / "training_new-password.json").read_bytes())
    done = sorted([*GOOD, "long.html", "srcset.html"])
    assert report["vectorized"] == done
    assert sorted(written["header"]["pageHashes"]) == done == [p["filename"] for p in written["pages"]]
    for page in written["pages"]:  # the password field (1, its width) was measured in every page
        assert page["nodes"][1]["features"][0] == 1 and 0 < page["nodes"][1]["features"][1] < 1


def test_a_js_ruleset_writes_the_good_pages_and_names_the_bad(corpus_root: Path) -> None:
    troubled_set(corpus_root, "rulesets.js", JS_RULESET)
    result = vectorize(corpus_root)
    assert_written_and_named(corpus_root, result, ["boom.html"])

    # The next run tries only the failed page again.
    again = vectorize(corpus_root)
    assert json.loads(again.stdout)[0]["vectorized"] == [] and again.returncode == 1


def test_a_python_ruleset_writes_the_good_pages_and_names_the_bad_and_the_crashed(corpus_root: Path) -> None:
    troubled_set(corpus_root, "rulesets.py", PY_RULESET)
    (corpus_root / "samples" / "training" / "crash.html").write_text(form(password_id="crash"))
    result = vectorize(corpus_root, "-j", "2")
    assert_written_and_named(corpus_root, result, ["boom.html", "crash.html"])
    assert "killed by SIGKILL" in result.stderr


@pytest.mark.parametrize("path", [
    DATA_URL.split(" ")[1],  # how Chromium reads the srcset: a relative URL into the set folder
    f"resources/1/{LONG_SEGMENT}.png",
    f"resources/1/{LONG_SEGMENT}/x.css",
    "resources/1/a%00b.png",
])
def test_a_url_the_os_cannot_look_up_is_refused_not_raised(tmp_path: Path, path: str) -> None:
    (tmp_path / "1.html").write_text("<p>")
    (tmp_path / "resources" / "1").mkdir(parents=True)  # so the OS reaches the long name
    assert _served_from_set(tmp_path, tmp_path / "1.html", f"{LOCAL_ORIGIN}/{path}") is None


def test_a_route_answer_that_raises_answers_404_and_is_named_once_per_page(capfd) -> None:
    html = b'<html><body><img src="a.png"><img src="b.png"><p>shown</p></body></html>'

    def answer(route) -> None:
        if route.request.url.endswith(".png"):
            raise OSError(36, "File name too long")
        route.fulfill(status=200, body=html, headers={"content-type": "text/html"})

    with launch() as browser, browser._context(False, None, 30_000) as context:
        browser.route(context, answer, lambda: Path("samples/training/1.html"))
        page = context.new_page()
        assert page.goto(f"{SAMPLE_ORIGIN}/1.html").status == 200
        assert page.inner_text("p") == "shown"
        assert sorted(u.rsplit("/", 1)[1] for u in browser.refused) == ["a.png", "b.png"]
    warnings = [line for line in capfd.readouterr().err.splitlines() if "answered 404" in line]
    assert len(warnings) == 1 and "samples/training/1.html" in warnings[0] and "File name too long" in warnings[0]
