"""corpus vectorize: the Fathom vector format, incremental runs, what triggers re-work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.ruleset import ruleset_hash
from corpus.store.digest import sha256_file
from corpus.vectors.vectorfile import load_vectors
from corpus.vectors.vectorize import update_vectors, vectorize_set
from corpus.vectors.workers import LocalRunner

DOM_RULESET = '''
from corpus.ruleset import Ruleset, contains_any, linear_scale

ruleset = Ruleset()
pw = ruleset.trainee("new-password", dom="input", when=lambda n: n.attrs.get("type") != "hidden")

@pw.feature
def is_password(node):
    return node.attrs.get("type") == "password"

@pw.feature
def says_new(node):
    return contains_any(node.id + " ".join(node.classes), ["new", "signup"])

@pw.feature
def form_depth(node):
    return linear_scale(len(node.ancestors), 0, 10)
'''

RENDERED_RULESET = DOM_RULESET + '''
@pw.feature
def wide(node):
    return linear_scale(node.box.width, 0, 500)
'''


def page(n: int, target: bool = True, extra: str = "") -> str:
    label = ' data-fathom="new-password"' if target else ""
    return (
        f"<!doctype html><html><head><title>page {n}</title></head><body>"
        f"<form id='signup{n}'><input type=text name=user>"
        f"<input type=password id='new{n}'{label} style='box-sizing:border-box;width:{100 + n}px'>"
        f"<input type=hidden name=t value={n}></form>{extra}</body></html>"
    )


def make_corpus(root: Path, pages: dict[str, str], ruleset: str = DOM_RULESET) -> Path:
    (root / "samples" / "training").mkdir(parents=True, exist_ok=True)
    (root / "rulesets.py").write_text(ruleset)
    for name, text in pages.items():
        (root / "samples" / "training" / name).write_text(text)
    return root


def test_vector_file_has_the_fields_the_old_trainer_reads(tmp_path: Path) -> None:
    root = make_corpus(tmp_path, {"1.html": page(1), "n2.html": page(2, target=False)})
    out = vectorize_set(root, "training", "new-password")
    assert out == root / "vectors" / "training_new-password.json"
    data = json.loads(out.read_bytes())
    assert set(data) == {"header", "pages"}
    header = data["header"]
    assert set(header) == {"version", "featureNames", "pageHashes", "rulesetHash"}
    assert header["version"] == 2
    assert header["featureNames"] == ["is_password", "says_new", "form_depth"]
    assert header["rulesetHash"] == ruleset_hash(root / "rulesets.py")
    assert header["pageHashes"] == {
        name: sha256_file(root / "samples" / "training" / name) for name in ("1.html", "n2.html")
    }
    assert [p["filename"] for p in data["pages"]] == ["1.html", "n2.html"]
    for p in data["pages"]:
        assert set(p) == {"filename", "time", "nodes"}
        assert isinstance(p["time"], int)
        assert len(p["nodes"]) == 2  # the hidden input is pruned by when()
        for node in p["nodes"]:
            assert set(node) == {"isTarget", "features", "markup"}
            assert isinstance(node["isTarget"], bool)
            assert len(node["features"]) == 3
            assert all(isinstance(x, float) and 0 <= x <= 1 for x in node["features"])
            assert node["markup"].startswith("<input") and len(node["markup"]) <= 80
    positive, negative = data["pages"]
    assert [n["isTarget"] for n in positive["nodes"]] == [False, True]
    assert positive["nodes"][1]["features"][:2] == [1.0, 1.0]
    assert [n["isTarget"] for n in negative["nodes"]] == [False, False]
    assert load_vectors(out).pages[0].filename == "1.html"


def test_targets_no_candidate_picks_are_written_as_pruned(tmp_path: Path) -> None:
    hidden_target = page(1).replace("<input type=hidden", '<input type=hidden data-fathom="new-password"')
    root = make_corpus(tmp_path, {"1.html": hidden_target})
    data = json.loads(vectorize_set(root, "training", "new-password").read_bytes())
    nodes = data["pages"][0]["nodes"]
    assert nodes[-1] == {"isTarget": True, "pruned": True, "features": [],
                         "markup": '<input type="hidden" name="t" value="1">'}
    assert [n["isTarget"] for n in nodes[:-1]] == [False, True]


OPS = st.lists(
    st.tuples(st.sampled_from(["add", "edit", "delete", "rename"]), st.integers(0, 50)),
    min_size=1, max_size=5,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_incremental_runs_equal_a_full_run_byte_for_byte(tmp_path_factory, ops: list[tuple[str, int]]) -> None:
    root = make_corpus(tmp_path_factory.mktemp("c"), {f"{i}.html": page(i) for i in range(3)} | {"n9.html": page(9, False)})
    set_dir = root / "samples" / "training"
    incremental = root / "vectors" / "inc.json"
    update_vectors(root, "training", "new-password", out=incremental)
    for op, n in ops:
        names = sorted(p.name for p in set_dir.glob("*.html"))
        before = {name: sha256_file(set_dir / name) for name in names}
        if op == "add" or not names:
            (set_dir / f"{100 + n}.html").write_text(page(100 + n, target=n % 2 == 0))
        elif op == "edit":
            (set_dir / names[n % len(names)]).write_text(page(n, extra=f"<p>edit {n}</p>"))
        elif op == "delete":
            (set_dir / names[n % len(names)]).unlink()
        else:
            old = names[n % len(names)]
            (set_dir / old).rename(set_dir / f"r{n}_{old}")
        report = update_vectors(root, "training", "new-password", out=incremental)
        full = root / "vectors" / "full.json"
        update_vectors(root, "training", "new-password", out=full, full=True)
        assert incremental.read_bytes() == full.read_bytes()
        # Only pages whose content is new were vectorized again; renames reuse vectors.
        after = {p.name: sha256_file(p) for p in set_dir.glob("*.html")}
        known = set(before.values())
        assert sorted(report.vectorized) == sorted(n for n, h in after.items() if h not in known)


def test_only_a_ruleset_edit_redoes_every_page_and_it_does_not_render_again(tmp_path: Path) -> None:
    pages = {f"{i}.html": page(i) for i in range(3)}
    root = make_corpus(tmp_path, pages, RENDERED_RULESET)
    first = update_vectors(root, "training", "new-password")
    assert first.vectorized == sorted(pages) and first.rendered == 3

    # Things that are not the ruleset or a page change nothing.
    (root / "samples" / "rubric.md").write_text("---\nversion: 2\n---\n# Rubric\n")
    (root / "notes.txt").write_text("unrelated\n")
    shutil.copytree(root / "samples" / "training", root / "samples" / "validation")
    again = update_vectors(root, "training", "new-password")
    assert (again.vectorized, again.rendered, again.changed) == ([], 0, False)

    # A ruleset edit, even a comment, redoes all pages, from the render cache.
    (root / "rulesets.py").write_text(RENDERED_RULESET + "\n# tweak\n")
    edited = update_vectors(root, "training", "new-password")
    assert edited.vectorized == sorted(pages) and edited.rendered == 0
    assert edited.changed  # the header's rulesetHash moved
    data = json.loads(edited.out.read_bytes())
    assert data["header"]["rulesetHash"] == ruleset_hash(root / "rulesets.py")
    assert data["pages"][0]["nodes"][1]["features"][3] == 100 / 500


def test_parallel_jobs_write_the_same_file(tmp_path: Path) -> None:
    pages = {f"{i}.html": page(i) for i in range(4)}
    root = make_corpus(tmp_path, pages, RENDERED_RULESET)
    one = update_vectors(root, "training", "new-password", out=root / "one.json")
    shutil.rmtree(root / ".corpus-cache")  # make the workers render too
    two = update_vectors(root, "training", "new-password", out=root / "two.json", runner=LocalRunner(2))
    assert two.rendered == 4
    assert one.out.read_bytes() == two.out.read_bytes()


def test_a_version_1_file_is_read_and_rebuilt(tmp_path: Path) -> None:
    root = make_corpus(tmp_path, {"1.html": page(1)})
    out = root / "vectors" / "training_new-password.json"
    out.parent.mkdir()
    out.write_text(json.dumps({"header": {"version": 1, "featureNames": ["a"]},
                               "pages": [{"filename": "1.html", "nodes": [{"isTarget": True, "features": [1]}]}]}))
    report = update_vectors(root, "training", "new-password")
    assert report.vectorized == ["1.html"]
    assert load_vectors(out).version == 2


def test_cli_vectorizes_and_reports_a_failing_rule_and_writes_the_other_pages(tmp_path: Path, git, corpus_cli) -> None:
    root = make_corpus(tmp_path / "c", {"1.html": page(1), "n2.html": "<html><body><p>no inputs</p></body></html>"})
    git(root, "init", "-q")
    result = corpus_cli("vectorize", "samples/training", "--trainee", "new-password", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "2 vectorized, 0 kept" in result.stdout
    out = root / "vectors" / "training_new-password.json"

    (root / "rulesets.py").write_text(DOM_RULESET + '''
@pw.feature
def broken(node):
    return {"text": "yes"}.get(node.attrs.get("type"), "maybe")
''')
    result = corpus_cli("vectorize", "training", "-t", "new-password", cwd=root)
    assert result.returncode == 1
    *progress_lines, line, summary = result.stderr.strip().splitlines()  # one line per failed page, then a count
    assert all(p.startswith("vectorizing training for new-password: ") for p in progress_lines)
    assert "rule `broken`" in line and "samples/training/1.html" in line and "'yes'" in line
    assert '<input type="text" name="user">' in line
    assert summary == "corpus: 1 page(s) could not be vectorized; the others were written"
    assert "1 vectorized, 0 kept, 1 failed" in result.stdout
    written = load_vectors(out)
    assert [p.filename for p in written.pages] == ["n2.html"] and "broken" in written.feature_names
    assert not any(p.name.endswith(".tmp") for p in out.parent.iterdir())

    result = corpus_cli("vectorize", "training", "-t", "no-such-type", cwd=root)
    assert result.returncode == 2 and "no trainee 'no-such-type'" in result.stderr
