"""`corpus serve`: the viewer driven in real headless Chromium, and its safety as a local server."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from playwright.sync_api import expect

from corpus.vectors.vectorize import update_vectors
from tests.serve.support import SIGNUP, make_corpus, request, viewer

JS_RULESET = """
import {dom, out, rule, ruleset, score, type} from 'fathom-web';

const trainees = new Map();
trainees.set('new-password', {
    coeffs: new Map([['is_password', 4], ['says_new', 2]]),
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('new-password')),
        rule(type('new-password'), score(f => f.element.getAttribute('type') === 'password' ? 1 : 0), {name: 'is_password'}),
        rule(type('new-password'), score(f => f.element.id.includes('new') ? 1 : 0), {name: 'says_new'}),
        rule(type('new-password'), out('new-password')),
    ]),
});
export default trainees;
"""


def test_index_sample_overlay_labeling_and_undo_in_a_real_browser(served, browser, git):
    root, url = served
    page = browser.new_page(viewport={"width": 1300, "height": 700})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # The index: every sample with its results, a summary line, worst first.
    page.goto(url)
    rows = page.locator("section.set tbody tr")
    assert rows.count() == 2
    assert "MCC" in page.locator("p.summary").first.inner_text()
    n2 = page.locator("tr", has=page.locator("a", has_text="n2.html"))
    assert n2.locator("td.FP").inner_text() == "1" and n2.locator("td").nth(1).inner_text() == "negative"

    # The sample view: the labeled target outlined, the known false positive coloured.
    page.locator("a", has_text="1.html").first.click()
    page.wait_for_selector("body[data-ready=yes]")
    frame = page.frame_locator("#page")
    assert frame.locator(".corpus-box[data-outcome=label]").count() == 1
    assert frame.locator(".corpus-box[data-outcome=TP]").count() == 1
    false_positive = frame.locator(".corpus-box[data-outcome=FP]")
    assert false_positive.count() == 1 and "FP 0.731" in false_positive.inner_text()
    outline, field = false_positive.bounding_box(), frame.locator("#login").bounding_box()
    assert abs(outline["x"] - field["x"]) < 1 and abs(outline["width"] - field["width"]) < 1

    # Hovering shows the start tag and each rule's share of the score.
    frame.locator("#login").hover()
    expect(page.locator("#hover")).to_contain_text('id="login"')
    details = page.locator("#hover").inner_text()
    assert "is_password" in details and "+4.000" in details

    # Label the false positive with a click: the file changes by exactly that attribute, staged.
    frame.locator("#login").click()
    expect(page.locator("#apply-label")).to_be_enabled()
    page.select_option("#label-type", "new-password")
    page.click("#apply-label")
    expect(page.locator("#message")).to_have_text("label (none) → new-password")
    page.wait_for_selector("body[data-ready=yes]")
    labeled = SIGNUP.replace(b"<input type='password' id=login", b"<input data-fathom=\"new-password\" type='password' id=login")
    assert (root / "samples/training/1.html").read_bytes() == labeled
    assert git(root, "diff", "--cached", "--numstat").split() == ["1", "1", "samples/training/1.html"]
    assert frame.locator(".corpus-box[data-outcome=label]").count() == 2

    # Undo takes it back, byte for byte.
    page.click("#undo")
    expect(page.locator("#message")).to_have_text("undid the change to training/1.html")
    page.wait_for_selector("body[data-ready=yes]")
    assert (root / "samples/training/1.html").read_bytes() == SIGNUP
    assert git(root, "diff", "--cached", "--name-only") == ""
    assert errors == []


def test_the_gallery_shows_a_crop_of_each_mistake(served, browser):
    _, url = served
    page = browser.new_page()
    page.goto(url + "gallery?set=training&trainee=new-password")
    figures = page.locator("figure.FP")
    assert figures.count() == 2  # the login fields of 1.html and n2.html
    for i in range(2):
        image = figures.nth(i).locator("img")
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    figures.first.locator("a").first.click()
    page.wait_for_selector("body[data-ready=yes]")
    assert "/sample/training/" in page.url


def test_writes_need_the_token_and_requests_must_name_this_server(served):
    root, url = served
    port = url.rsplit(":", 1)[1].strip("/")
    token = re.search(rb'name="corpus-token" content="([^"]+)"', request(url)[1]).group(1).decode()
    label = json.dumps({"set": "training", "name": "n2.html", "element": 5, "label": "new-password"}).encode()
    before = (root / "samples/training/n2.html").read_bytes()

    status, _ = request(url + "api/label", "POST", label, {"content-type": "application/json"})
    assert status == 403  # no token: what a cross-site form or fetch would send
    status, _ = request(url + "api/label", "POST", label, {"x-corpus-token": token, "Host": f"attacker.example:{port}"})
    assert status == 403  # DNS rebinding: right token or not, a foreign Host is refused
    assert request(url, headers={"Host": "attacker.example"})[0] == 403
    assert (root / "samples/training/n2.html").read_bytes() == before

    status, body = request(url + "api/label", "POST", label, {"x-corpus-token": token})
    assert status == 200 and json.loads(body)["changed"] is True
    assert b'<input data-fathom="new-password" type=password id=pw>' in (root / "samples/training/n2.html").read_bytes()


def test_only_files_inside_the_corpus_are_served(served, tmp_path: Path):
    root, url = served
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    resources = root / "samples/training/resources"
    resources.mkdir()
    os.symlink(tmp_path, resources / "1")  # a resources folder that points out of the corpus
    assert request(url + "samples/training/n2.html")[0] == 200  # files at their paths, as fathom serve does
    for path in ("samples/training/resources/1/secret.txt", "frame/training/1/resources/1/secret.txt",
                 ".git/config", "samples/../../secret.txt", "%2e%2e/secret.txt"):
        status, body = request(url + path)
        assert status == 404 and b"not yours" not in body, path


def test_the_same_rules_in_javascript_give_the_same_view(corpus_root: Path, commit):
    make_corpus(corpus_root, commit)
    sample = "api/sample/training/1.html?trainee=new-password"
    with viewer(corpus_root) as url:
        python = json.loads(request(url + sample)[1])
    (corpus_root / "rulesets.py").unlink()
    (corpus_root / "rulesets.js").write_text(JS_RULESET)
    with viewer(corpus_root) as url:
        javascript = json.loads(request(url + sample)[1])
    assert javascript["nodesError"] is None
    shown = lambda data: [(n["element"], n["outcome"], round(n["score"], 6)) for n in data["nodes"]]  # noqa: E731
    assert shown(javascript) == shown(python)
    assert [n["outcome"] for n in python["nodes"]] == ["TN", "TP", "FP"]
    assert all('data-corpus-i' not in n["markup"] for n in javascript["nodes"])


def test_the_gallery_crops_work_with_a_javascript_ruleset(corpus_root: Path, commit):
    # The scores come from the ruleset's own browser, the crops from the renderer's: both
    # on the viewer's one browser thread, which Playwright allows only one at a time.
    make_corpus(corpus_root, commit)
    (corpus_root / "rulesets.py").unlink()
    (corpus_root / "rulesets.js").write_text(JS_RULESET)
    with viewer(corpus_root) as url:
        status, gallery = request(url + "gallery?set=training&trainee=new-password")
        crops = re.findall(rb'<img src="(/crop/[^"]+)"', gallery)
        assert status == 200 and len(crops) == 2  # the login fields of 1.html and n2.html
        for crop in crops:
            status, png = request(url + crop.decode().lstrip("/"))
            assert status == 200 and png.startswith(b"\x89PNG"), png[:200]
        status, again = request(url + "gallery?set=training&trainee=new-password")  # and back to the ruleset
        assert status == 200 and re.findall(rb'<img src="(/crop/[^"]+)"', again) == crops


def test_the_index_says_when_a_set_has_no_mcc(corpus_root: Path, commit):
    from corpus.serve.app import Request, ViewerApp

    make_corpus(corpus_root, commit)
    (corpus_root / "samples/testing/3.html").write_bytes(  # its only candidate is a target
        b'<html><body><input type=password id=new3 data-fathom="new-password"></body></html>')
    update_vectors(corpus_root, "testing", "new-password")
    app = ViewerApp(corpus_root, {"127.0.0.1:8000"})
    try:
        answer = app.handle(Request("GET", "/", {"host": "127.0.0.1:8000"}))
    finally:
        app.close()
    assert answer.status == 200
    assert "MCC undefined (no non-targets)" in answer.body.decode()
