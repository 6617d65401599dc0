"""`alias fathom=corpus`: the documented examples of each fathom command (the Fathom
training guide in shared/seeds and fathom-web 3.7's --help texts), run through
`corpus`, with their effects checked."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from corpus.vectors.vectorfile import dump_vectors
from tests.extract.pages import freeze_dry_page, png, rich_page
from trainer.synthetic import make_vectors

CORPUS = str(Path(sys.executable).parent / "corpus")


def saved_page(number: int) -> bytes:
    return rich_page().replace(b"<head>", f'<head><link rel="original" href="https://example.com/{number}">'.encode(), 1)


def test_fathom_extract_samples_unused_in_a_corpus(corpus_root: Path, corpus_cli):
    # Guide: `fathom-extract samples/unused` turns samples/unused/{3,10,14}.html into
    # pages that refer to samples/unused/resources/<page>/<files>.
    for number in (3, 10, 14):
        (corpus_root / f"samples/unused/{number}.html").write_bytes(saved_page(number))
    result = corpus_cli("extract", "samples/unused", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    for number in (3, 10, 14):
        page = (corpus_root / f"samples/unused/{number}.html").read_bytes()
        assert b"data:image/png;base64" not in page
        refs = set(re.findall(rb'resources/%d/[0-9a-f]+\.\w+' % number, page))
        assert refs and all((corpus_root / "samples/unused" / ref.decode()).is_file() for ref in refs)
    assert not (corpus_root / "samples/unused/originals").exists()  # in a corpus, git keeps originals
    refused = corpus_cli("extract", "unused", "--preserve-originals", cwd=corpus_root)
    assert refused.returncode == 2 and "--preserve-originals is for folders outside a corpus" in refused.stderr


def test_fathom_extract_on_a_folder_outside_a_corpus(tmp_path: Path, corpus_cli):
    # fathom extract --help: resources in IN_DIRECTORY/resources/, originals saved in a
    # new IN_DIRECTORY/originals (default), refused when that folder already exists.
    folder = tmp_path / "downloads"
    folder.mkdir()
    pages = {"3.html": saved_page(3), "111 2.html": freeze_dry_page(f'<img src="data:image/png;base64,'
                                                                    f'{__import__("base64").b64encode(png((9, 9, 9))).decode()}">'),
             "n4.html": b"<html><body>no data</body></html>"}
    for name, data in pages.items():
        (folder / name).write_bytes(data)
    (folder / "notes.txt").write_text("not a page")
    (folder / "sub").mkdir()
    (folder / "sub/deep.html").write_bytes(saved_page(5))

    done = corpus_cli("extract", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {p.name: p.read_bytes() for p in (folder / "originals").iterdir()} == pages
    assert b"data:image/png;base64" not in (folder / "3.html").read_bytes()
    assert b'src="resources/111%202/' in (folder / "111 2.html").read_bytes()
    assert (folder / "sub/deep.html").read_bytes() == saved_page(5)  # fathom does not recurse

    again = corpus_cli("extract", str(folder), cwd=tmp_path)
    assert again.returncode == 2 and "originals: already exists" in again.stderr
    assert corpus_cli("extract", "--no-preserve-originals", str(folder), cwd=tmp_path).returncode == 0

    restored = corpus_cli("inline", str(folder), cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert {name: (folder / name).read_bytes() for name in pages} == pages
    assert not (folder / "resources").exists()


def test_fathom_list_and_label_and_serve(tmp_path: Path, corpus_cli):
    samples = tmp_path / "samples"
    (samples / "training/resources/3").mkdir(parents=True)
    (samples / "training/3.html").write_bytes(saved_page(3))
    (samples / "training/resources/3/inner.html").write_text("<html></html>")
    (samples / "validation").mkdir()
    (samples / "validation/n4.html").write_text("<!DOCTYPE html>\n<!-- <html> -->\n<HTML\n lang=en><body></body></HTML>")

    # fathom list IN_DIRECTORY [-b BASE] [-u] [-o FILE]
    listed = corpus_cli("list", "samples", "-u", "-o", "list.txt", cwd=tmp_path)
    assert listed.stdout == "training/3.html https://example.com/3\nvalidation/n4.html \n"
    assert (tmp_path / "list.txt").read_text() == "training/3.html\nvalidation/n4.html\n"
    based = corpus_cli("list", "samples/training", "-b", ".", cwd=tmp_path)
    assert based.stdout == "samples/training/3.html\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    none = corpus_cli("list", "empty", "-o", "none.txt", cwd=tmp_path)
    assert none.stdout == "No .html files found in empty. Did not create none.txt.\n"
    assert not (tmp_path / "none.txt").exists()

    # fathom label IN_DIRECTORY IN_TYPE: data-fathom on <html>, originals kept.
    labeled = corpus_cli("label", "samples/validation", "article", "--number-of-workers", "2", cwd=tmp_path)
    assert labeled.returncode == 0, labeled.stderr
    assert (samples / "validation/n4.html").read_text() == (
        '<!DOCTYPE html>\n<!-- <html> -->\n<HTML data-fathom="article"\n lang=en><body></body></HTML>')
    assert (samples / "validation/originals/n4.html").read_text().startswith("<!DOCTYPE html>\n<!-- <html> -->")

    # fathom serve -p PORT -d DIR: each file at its path.
    server = subprocess.Popen([CORPUS, "serve", "-p", "0", "-d", "samples", "--json"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = json.loads(server.stdout.readline())["url"]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "training/3.html", timeout=30) as response:
            assert response.read() == saved_page(3)
            assert response.headers["Content-Type"] == "text/html"
        with urllib.request.urlopen(url + "training/resources/3/inner.html", timeout=30) as response:
            assert response.read() == b"<html></html>"
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl+C
        assert server.wait(timeout=30) == 0


def test_fathom_train_test_histogram_examples(tmp_path: Path, corpus_cli):
    # Guide: `fathom-train initialTrainingVectors.json`, then with `--learning-rate 0.1
    # -c tryingToRemoveOscillations`, then `-a initialValidationVectors.json --stop-early
    # -c tryingEarlyStopping`; fathom test --help: `fathom test TESTING_SET_FOLDER WEIGHTS`.
    dump_vectors(make_vectors(pages=12, features=4, seed=1, separable=True), tmp_path / "initialTrainingVectors.json")
    dump_vectors(make_vectors(pages=6, features=4, seed=2, separable=True), tmp_path / "initialValidationVectors.json")
    for args in ([], ["--learning-rate", "0.1", "-c", "tryingToRemoveOscillations"],
                 ["-a", "initialValidationVectors.json", "--stop-early", "-c", "tryingEarlyStopping"]):
        trained = corpus_cli("train", "initialTrainingVectors.json", "-i", "50", *args, cwd=tmp_path)
        assert trained.returncode == 0, trained.stderr
        assert "{\"coeffs\": [" in trained.stdout and "Training: " in trained.stdout and "Accuracy: " in trained.stdout
    weights = json.dumps({"coeffs": [[f"rule{i}", w] for i, w in enumerate([9.0, 0.0, 0.0, 0.0])], "bias": -5.0})
    tested = corpus_cli("test", "initialValidationVectors.json", weights, cwd=tmp_path)
    assert tested.returncode == 0, tested.stderr
    assert "Testing: 306 tags, 4 targets" in tested.stdout and "Accuracy: 1.0000" in tested.stdout
    shown = corpus_cli("histogram", "initialTrainingVectors.json", cwd=tmp_path)
    assert shown.returncode == 0 and "rule0" in shown.stdout


def test_fathom_fox_says_what_replaces_it(tmp_path: Path, corpus_cli):
    ruleset = tmp_path / "rulesets.js"
    ruleset.write_text("export default new Map();\n")
    shown = corpus_cli("fox", "-r", str(ruleset), cwd=tmp_path)
    assert shown.returncode == 0
    assert "corpus vectorize" in shown.stdout and f"--ruleset {ruleset}" in shown.stdout


def test_fathom_pick_moves_n_samples_between_sets(corpus_root: Path, corpus_cli):
    # Guide: samples start in unused and are divided among the other sets with pick,
    # "which randomly moves a given number of files from one directory to another".
    for number in range(1, 7):
        (corpus_root / f"samples/unused/{number}.html").write_text(
            '<html><body><input type="password" data-fathom="new-password"></body></html>')
    moved = corpus_cli("pick", "unused", "training", "4", cwd=corpus_root)
    assert moved.returncode == 0, moved.stderr
    assert len(list((corpus_root / "samples/training").glob("*.html"))) == 4
    assert len(list((corpus_root / "samples/unused").glob("*.html"))) == 2
