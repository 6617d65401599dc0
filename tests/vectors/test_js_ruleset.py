"""JavaScript rulesets (rulesets.js) run in real headless Chromium as FathomFox ran them.

Every expected vector below is worked out by hand from the page the test writes and
the rules in tests/vectors/js/rulesets.js (see the comments there), never by
running the code under test. One corpus holds a set per concern, and each
trainee is vectorized once per module, so Chromium starts only a few times.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

import pytest

from corpus.errors import BadInput, CorpusError
from corpus.samples.init import init_corpus
from corpus.vectors.vectorfile import load_vectors
from corpus.vectors.vectorize import update_vectors

HERE = Path(__file__).parent / "js"
CSP = """<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; frame-src 'self' data:">"""
BOX = "position:absolute;margin:0;padding:0;border:0;box-sizing:border-box;width:100px;height:20px"
LONG_CLASS = "a" * 100

PAGES = {
    # training: the `password` trainee.
    "training/1.html": f"""<!DOCTYPE html><html><head>{CSP}
<script>document.documentElement.dataset.ran = "yes"</script></head><body>
<noscript><input type="password" name="ns" data-fathom="password"></noscript>
<form action="go"><input type="text" name="user"><input type="password" name="pw" data-fathom="password"></form>
<input type="password" style="visibility:hidden">
<input type="hidden" name="h" data-fathom="password">
<input type="text" name="long" class="{LONG_CLASS}">
</body></html>""",
    "training/2.html": f"""<!DOCTYPE html><html><head>{CSP}</head><body>
<input name="top">
<iframe srcdoc="<input type=password name=inner data-fathom=password>"></iframe>
<iframe src="resources/2/frame.html"></iframe>
<iframe src="data:text/html,<input name=opaque>"></iframe>
</body></html>""",
    "training/resources/2/frame.html": """<!DOCTYPE html><html><body><input name="f1">
<iframe srcdoc="<input name=deep>"></iframe></body></html>""",
    # validation: euclidean and clusters, a custom isTarget, vectorType, pruned targets.
    "validation/3.html": f"""<!DOCTYPE html><html><head>{CSP}</head><body>
<input id="a" style="{BOX};left:0;top:0" data-fathom="new">
<input id="b" style="{BOX};left:300px;top:400px" data-fathom="confirm">
<input id="c" style="{BOX};left:0;top:30px">
<input id="d" type="hidden" data-fathom="new">
<input id="e" type="hidden" data-fathom="confirm">
</body></html>""",
    # testing: what Firefox showed FathomFox where Chromium differs.
    "testing/4.html": f"""<!DOCTYPE html><html><head>{CSP}</head><body>
<div style="height:2000px">tall</div>
<form action="signin" name="login"><input type="hidden" name="action" value="x"><input name="name">
<input type="password" autofocus autocomplete="current-password" data-fathom="firefox"></form>
</body></html>""",
    "testing/8.html": """<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"
content="default-src 'none'; img-src 'self' data: https:"></head><body>
<img id="own" src="resources/8/logo.png"><img id="other" src="resources/9/logo.png">
<img id="up" src="../training/resources/2/logo.png"><img id="web" src="https://example.com/logo.png">
</body></html>""",
    "testing/9.html": """<html><head><meta http-equiv="refresh" content="0;url=https://example.com/"></head><body>
<form action="signin" name="login"><input type="password" data-fathom="firefox"></form></body></html>""",
    "testing/10.html": """<html><head><meta http-equiv="refresh" content="0;url=10.html?again"></head><body>
<form action="signin" name="login"><input type="password"></form></body></html>""",
    # unused: rules that throw, or return a non-number, on one page only.
    "unused/5.html": "<html><body><input id=boom></body></html>",
    "unused/6.html": "<html><body><input id=fine></body></html>",
    "unused/7.html": "<html><body><input id=str></body></html>",
}


def tiny_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def markup(tag: str) -> str:
    return tag[:80]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("jsrules") / "corpus"
    init_corpus(root)
    for rel, text in PAGES.items():
        path = root / "samples" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    png = tiny_png()
    for folder in ("testing/resources/8", "testing/resources/9", "training/resources/2"):
        (root / "samples" / folder).mkdir(parents=True, exist_ok=True)
        (root / "samples" / folder / "logo.png").write_bytes(png)
    shutil.copy(HERE / "rulesets.js", root / "rulesets.js")
    shutil.copytree(HERE / "helpers", root / "helpers")
    return root


_RUNS: dict[tuple, dict] = {}  # one Chromium run per (corpus, set, trainee, options) in this module


def vectors(root: Path, set_name: str, trainee: str, **options) -> dict:
    key = (root, set_name, trainee, tuple(sorted(options.items())))
    if key not in _RUNS:
        out = root / "vectors" / f"{set_name}_{trainee}_{len(_RUNS)}.json"
        report = update_vectors(root, set_name, trainee, root / "rulesets.js", out, full=True, **options)
        assert report.failed == []
        _RUNS[key] = json.loads(report.out.read_text())
    return _RUNS[key]


def nodes(data: dict, filename: str) -> list[dict]:
    (page,) = [p for p in data["pages"] if p["filename"] == filename]
    return page["nodes"]


def test_dom_note_score_out_visibility_viewport_csp_noscript_form_action_and_markup(root: Path) -> None:
    data = vectors(root, "training", "password", timings=True)
    assert data["header"]["featureNames"] == ["visible", "isPassword", "named", "viewport", "scriptRan", "formAction"]
    # `time`: whole milliseconds around the ruleset's run, summed over the frames.
    assert all(type(p["time"]) is int and p["time"] >= 0 for p in data["pages"])
    assert data["header"]["rulesetHash"] == hashlib.sha256((HERE / "rulesets.js").read_bytes()).hexdigest()
    assert [p["filename"] for p in data["pages"]] == ["1.html", "2.html"]
    # JavaScript is on, so <noscript> holds text, not an input; the page's CSP blocked its
    # script (scriptRan 0); `go` resolves against http://localhost:8000/1.html; the
    # hidden-type input is no candidate but labeled, so it is a pruned target.
    assert nodes(data, "1.html") == [
        {"isTarget": False, "features": [1, 0, 1, 1, 0, 1], "markup": '<input type="text" name="user">'},
        {"isTarget": True, "features": [1, 1, 1, 1, 0, 1],
         "markup": '<input type="password" name="pw" data-fathom="password">'},
        {"isTarget": False, "features": [0, 1, 0, 1, 0, 0], "markup": '<input type="password" style="visibility:hidden">'},
        {"isTarget": False, "features": [1, 0, 1, 1, 0, 0],
         "markup": markup(f'<input type="text" name="long" class="{LONG_CLASS}">')},
        {"isTarget": True, "pruned": True, "features": [], "markup": '<input type="hidden" name="h" data-fathom="password">'},
    ]


def test_same_origin_iframes_are_walked_recursively_and_opaque_ones_are_not(root: Path) -> None:
    data = vectors(root, "training", "password", timings=True)
    # The top document, its srcdoc frame, the frame served from the page's resources,
    # and that frame's own srcdoc frame; the data: frame is cross-origin.
    assert nodes(data, "2.html") == [
        {"isTarget": False, "features": [1, 0, 1, 1, 0, 0], "markup": '<input name="top">'},
        {"isTarget": True, "features": [1, 1, 1, 1, 0, 0],
         "markup": '<input type="password" name="inner" data-fathom="password">'},
        {"isTarget": False, "features": [1, 0, 1, 1, 0, 0], "markup": '<input name="f1">'},
        {"isTarget": False, "features": [1, 0, 1, 1, 0, 0], "markup": '<input name="deep">'},
    ]


def test_euclidean_and_clusters_on_rendered_boxes(root: Path) -> None:
    data = vectors(root, "validation", "spread")
    # Centers: a (50, 10), b (350, 410), c (50, 40). a-b 500, a-c 30, b-c hypot(300, 370).
    # Clusters closer than 100: {a, c} and {b}. No element is labeled "spread".
    got = nodes(data, "3.html")
    assert [n["markup"].split('"')[1] for n in got] == ["a", "b", "c"]
    assert [n["isTarget"] for n in got] == [False, False, False]
    expected = [[0.5, 0.2, 1.0], [0.5, 0.1, 0.0], [math.hypot(300, 370) / 1000, 0.2, 0.0]]
    for node, want in zip(got, expected):
        assert node["features"] == pytest.approx(want, abs=1e-9)


def test_custom_is_target_counts_two_labels_and_pruned_targets_are_only_its_type(root: Path) -> None:
    got = nodes(vectors(root, "validation", "new"), "3.html")
    assert [(n["isTarget"], n.get("pruned", False), n["features"]) for n in got] == [
        (True, False, [1.0]),  # a: data-fathom="new"
        (True, False, [0.0]),  # b: data-fathom="confirm" counts too
        (False, False, [0.0]),  # c
        (True, True, []),  # d: a hidden "new" no candidate picked; e ("confirm") is not pruned
    ]
    assert got[3]["markup"] == '<input id="d" type="hidden" data-fathom="new">'


def test_vector_type_differs_from_the_id(root: Path) -> None:
    data = vectors(root, "validation", "alias")
    # Candidates are the `new` fnodes; without isTarget, a target is labeled with the id
    # ("alias"), which nothing is; pruned targets are labeled with the vectorType.
    assert [(n["isTarget"], n.get("pruned", False)) for n in nodes(data, "3.html")] == [
        (False, False), (False, False), (False, False), (True, True)]


def test_firefox_emulation_and_its_opposite(root: Path) -> None:
    # The form's real action and name (not its controls named so), autocomplete as
    # Firefox reported it, and the autofocused field still below the 480 px fold.
    emulated = nodes(vectors(root, "testing", "firefox"), "4.html")
    assert [n["features"] for n in emulated] == [[1, 1, 1, 1]]
    # The start tag, cut at 80 characters.
    assert emulated[0]["markup"] == markup('<input type="password" autofocus="" autocomplete="current-password" data-fathom="firefox">')
    assert len(emulated[0]["markup"]) == 80
    # Chromium as it is: scrolled to [autofocus], "current-password", the controls shadow.
    chromium = nodes(vectors(root, "testing", "firefox", firefox=False), "4.html")
    assert [n["features"] for n in chromium] == [[0, 0, 0, 0]]


def test_only_the_page_and_its_own_resources_are_served(root: Path) -> None:
    # Its own resources folder loads; another page's folder, a path out of the set's
    # resources for this page, and the web are refused (the CSP would allow them all).
    got = nodes(vectors(root, "testing", "images"), "8.html")
    assert [(n["markup"].split('"')[1], n["features"]) for n in got] == [
        ("own", [1]), ("other", [0]), ("up", [0]), ("web", [0])]


def test_a_meta_refresh_neither_leaves_the_saved_page_nor_reloads_it(root: Path) -> None:
    # With a wait after load the refresh surely fires; the tab stays on the sample:
    # its field is found (top of the page, no autocomplete, the form's action and name).
    data = vectors(root, "testing", "firefox", delay=1.0)
    assert [(n["isTarget"], n["features"]) for n in nodes(data, "9.html")] == [(True, [0, 1, 1, 1])]
    assert [(n["isTarget"], n["features"]) for n in nodes(data, "10.html")] == [(False, [0, 1, 1, 1])]


def test_a_rule_that_throws_or_returns_a_non_number_fails_its_page_only(root: Path, corpus_cli) -> None:
    result = corpus_cli("vectorize", "unused", "--trainee", "fragile", "--ruleset", "rulesets.js", "--full", cwd=root)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("corpus: ")]
    assert errors == [
        "corpus: error: samples/unused/5.html: rule `risky` of trainee `fragile` failed: kaboom on purpose",
        'corpus: error: samples/unused/7.html: rule `risky` of trainee `fragile` failed: returned "high" (string), '
        'not a number, for <input id="str">',
        "corpus: 2 page(s) could not be vectorized; the others were written",
    ]
    written = load_vectors(root / "vectors" / "unused_fragile.json")
    assert [(p.filename, [n.features for n in p.nodes]) for p in written.pages] == [("6.html", [[1.0]])]
    assert list(written.page_hashes) == ["6.html"]


def test_a_rule_scoring_infinity_fails_its_page_only(root: Path) -> None:
    report = update_vectors(root, "unused", "infinite", root / "rulesets.js", full=True)
    assert [f.filename for f in report.failed] == ["5.html"]
    assert "rule `huge` of trainee `infinite` failed: returned Infinity, not a finite number," in report.failed[0].message
    written = load_vectors(root / "vectors" / "unused_infinite.json")
    assert sorted(written.page_hashes) == ["6.html", "7.html"]


def test_element_lhs_fails_as_in_fathomfox_which_runs_against_the_document(root: Path) -> None:
    # fathom-web's element() calls `ruleset.doc.matches`, and a document has no matches().
    report = update_vectors(root, "unused", "page", root / "rulesets.js", full=True)
    assert [f.filename for f in report.failed] == ["5.html", "6.html", "7.html"]
    assert all("rule `pageRule` of trainee `page` failed: TypeError:" in f.message for f in report.failed)
    assert all("matches is not a function" in f.message for f in report.failed)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # Columns count from 1: the `;` is the 26th character, the string the 15th.
        ("syntax_error.js", "syntax_error.js:2:26: Unexpected \";\""),
        ("bad_import.js", 'bad_import.js:2:15: import "lodash" is not allowed'),
    ],
)
def test_a_ruleset_that_cannot_be_bundled_is_one_line_naming_file_and_line(root: Path, name: str, message: str) -> None:
    shutil.copy(HERE / name, root / name)
    with pytest.raises(CorpusError) as caught:
        update_vectors(root, "unused", "fragile", root / name)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unknown_trainee_is_bad_input(root: Path) -> None:
    with pytest.raises(BadInput, match=r"no trainee 'nope' \(its default export defines: alias, firefox, fragile"):
        update_vectors(root, "unused", "nope", root / "rulesets.js")
