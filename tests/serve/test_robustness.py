"""The viewer under odd requests and a corpus in an odd state: each answered at once, with
the status it deserves, and the rest of the viewer still working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

from corpus.samples.journal import journal_path
from corpus.serve.pages import index_page
from corpus.serve.results import SampleRow, SetSummary
from corpus.serve.safety import request_path
from corpus.store.lock import CorpusBusy, writer_lock
from corpus.vectors.vectorize import default_vectors_path
from tests.serve.support import make_corpus, raw, request, viewer, viewer_token

LONG_NAME = "a" * 300 + ".html"


def test_a_crop_of_no_element_is_404_at_once(served):
    _, url = served
    for target in ("/crop/training/n2.html/999.png", "/crop/training/n2.html/%C2%B2.png",
                   "/crop/training/n2.html/" + "9" * 5000 + ".png"):
        started = time.monotonic()
        assert raw(url, target).status == 404, target[:60]
        assert time.monotonic() - started < 5, target[:60]


def test_a_crop_of_an_element_the_browser_dropped_is_404_at_once(served):
    root, url = served
    # Start tags: html 0, body 1, p 2, body 3 (the parser merges it into the first: no element 3), p 4.
    (root / "samples/training/b2.html").write_text('<html><body><p>a</p><body class="x"><p>b</p></body></html>')
    started = time.monotonic()
    answer = raw(url, "/crop/training/b2.html/3.png", timeout=60)
    assert answer.status == 404 and b"no such element" in answer.body, answer
    assert time.monotonic() - started < 10
    assert raw(url, "/crop/training/b2.html/4.png", timeout=60).status == 200


def test_a_name_too_long_for_the_disk_is_not_a_sample(served):
    _, url = served
    for path in (f"/sample/training/{LONG_NAME}", f"/api/sample/training/{LONG_NAME}",
                 f"/frame/training/{'a' * 300}/{LONG_NAME}", f"/crop/training/{LONG_NAME}/1.png",
                 f"/samples/training/{LONG_NAME}"):
        assert raw(url, path).status in (400, 404), path[:40]
    token = viewer_token(url)
    label = json.dumps({"set": "training", "name": LONG_NAME, "element": 1, "label": None}).encode()
    assert raw(url, "/api/label", "POST", {"x-corpus-token": token, "Content-Length": str(len(label))}, label).status == 400


def test_a_bad_content_length_is_400_and_the_server_goes_on(served):
    _, url = served
    token = viewer_token(url)
    for length in ("abc", "-5", "1_0", "+3", "5 5", "²"):
        answer = raw(url, "/api/label", "POST", {"x-corpus-token": token, "Content-Length": length}, timeout=10)
        assert answer.status == 400, length
    assert request(url)[0] == 200


def test_a_label_racing_a_split_is_told_to_reload(served, git):
    root, url = served
    token = viewer_token(url)
    label = json.dumps({"set": "training", "name": "n2.html", "element": 5, "label": "new-password"}).encode()
    answers = []
    with writer_lock(root):  # a `split` is moving pages: the viewer's write waits for it
        post = threading.Thread(target=lambda: answers.append(
            raw(url, "/api/label", "POST", {"x-corpus-token": token, "Content-Length": str(len(label))}, label)))
        post.start()
        time.sleep(2)  # the request has read the page and waits for the lock
        git(root, "mv", "samples/training/n2.html", "samples/testing/n2.html")
    post.join()
    assert answers[0].status == 409 and b"reload" in answers[0].body, answers[0]
    assert not (root / "samples/training/n2.html").exists()
    assert b"data-fathom" not in (root / "samples/testing/n2.html").read_bytes()


def test_a_sample_named_with_an_ampersand_opens(served, browser, commit):
    root, url = served
    (root / "samples/training/a&b.html").write_bytes(b"<html><body><p>x</p><input id=x></body></html>")
    (root / "samples/training/x<!--<script>.html").write_bytes(b"<html><body><p>y</p></body></html>")
    commit(root, "pages whose names HTML would escape")
    page = browser.new_page()
    for name in ("a%26b.html", "x%3C%21--%3Cscript%3E.html"):
        page.goto(f"{url}sample/training/{name}")
        page.wait_for_selector("body[data-ready=yes]", timeout=20000)
        assert "no such sample" not in page.locator("#message").inner_text()


def test_a_broken_model_or_vector_file_costs_only_its_results(served):
    root, url = served
    vectors = default_vectors_path(root, "training", "new-password")
    data = json.loads(vectors.read_text())
    data["pages"][0]["nodes"][0]["features"][0] = float("nan")
    vectors.write_text(json.dumps(data))  # NaN, as Python's json writes it
    status, body = request(url)
    assert status == 200 and b"n2.html" in body and b"1.html" in body
    assert b"training_new-password.json" in body and b"not a finite number" in body

    model = root / "models/new-password.json"
    model.write_bytes(model.read_bytes()[:40])  # truncated mid-write
    for path in ("", "?trainee=new-password", "api/index", "gallery?set=training"):
        status, body = request(url + path)
        assert status == 200 and b"new-password.json" in body, (path, status, body[:200])
    status, body = request(url + "api/sample/training/1.html")
    sample = json.loads(body)
    assert status == 200 and "new-password.json" in sample["nodesError"] and sample["labels"]
    subprocess.run(["git", "checkout", "--", "."], cwd=root, check=True)
    assert request(url + "api/sample/training/1.html")[0] == 200


def test_the_writer_lock_keeps_out_another_thread_of_the_same_process(tmp_path):
    # The viewer lands a collected page on one thread while a label arrives on another.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    taken, release, entered = threading.Event(), threading.Event(), []

    def hold() -> None:
        with writer_lock(tmp_path):
            with writer_lock(tmp_path):  # the holding thread enters again (a hook under a command)
                taken.set()
                release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(30)
    started = time.monotonic()
    try:
        with writer_lock(tmp_path, wait_seconds=0.5):
            entered.append("at once")
    except CorpusBusy:
        pass
    assert entered == [] and time.monotonic() - started >= 0.5
    waiter = threading.Thread(target=lambda: writer_lock_then(entered, tmp_path))
    waiter.start()
    time.sleep(0.3)
    assert entered == []  # still waiting on the holder
    release.set()
    holder.join()
    waiter.join()
    assert entered == ["after the holder"]


def writer_lock_then(entered: list[str], root) -> None:
    with writer_lock(root, wait_seconds=30):
        entered.append("after the holder")


# `corpus add` that dies (kill -9) once its first page has landed: the journal holds its plan.
DYING_ADD = """
import os, sys
from corpus.samples import landing
real, calls = landing._bring_in, []
def dying(*args):
    calls.append(1)
    if len(calls) == 2:
        os._exit(9)
    return real(*args)
landing._bring_in = dying
from corpus.cli.main import main
sys.argv = ["corpus", "add", sys.argv[1]]
main()
"""


def test_the_viewer_finishes_a_killed_add_before_it_serves(corpus_root, commit, tmp_path):
    make_corpus(corpus_root, commit)
    pages = tmp_path / "new"
    pages.mkdir()
    for name in ("3.html", "4.html", "5.html"):
        (pages / name).write_bytes(f"<html><body><p>{name}</p></body></html>".encode())
    died = subprocess.run([sys.executable, "-c", DYING_ADD, str(pages)], cwd=corpus_root, capture_output=True)
    assert died.returncode == 9, died.stderr
    assert journal_path(corpus_root).exists()
    assert not (corpus_root / "samples/unused/n5.html").exists()  # no password field: named negative
    with viewer(corpus_root):  # serving now: no label written yet
        assert not journal_path(corpus_root).exists()
        for name in ("n3.html", "n4.html", "n5.html"):
            assert (corpus_root / "samples/unused" / name).is_file(), name
        staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=corpus_root,
                                capture_output=True, text=True, check=True).stdout
        assert "samples/unused/n5.html" in staged


def test_a_page_whose_name_is_not_utf8_opens(served, commit):
    root, url = served
    name = os.fsdecode(b"bad\xff.html")  # a byte no UTF-8 name has; Python holds it as a surrogate
    (root / "samples/training" / name).write_bytes(b"<html><body><p>x</p><input type=password></body></html>")
    commit(root, "a page named in Latin-1")
    for target in ("/sample/training/bad%FF.html", "/frame/training/bad%FF/bad%FF.html",
                   "/samples/training/bad%FF.html"):
        answer = raw(url, target)
        assert answer.status == 200, (target, answer.body[-300:])
    assert b'src="/frame/training/bad%FF/bad%FF.html"' in raw(url, "/sample/training/bad%FF.html").body
    index = raw(url, "/")  # the index checks every page, through the name index too
    assert index.status == 200 and b"/sample/training/bad%FF.html" in index.body, index.body[-300:]


def test_the_index_links_a_name_that_is_not_utf8_by_its_bytes():
    name = os.fsdecode(b"bad\xff.html")
    summary = SetSummary("training", [SampleRow("training", name, False, {}, ["1: a finding"])], None)
    html = index_page([summary], "new-password", ["new-password"], "token")
    assert 'href="/sample/training/bad%FF.html?trainee=new-password"' in html
    assert request_path("/sample/training/bad%FF.html") == f"/sample/training/{name}"
