"""A Fathom team's whole workflow on a corpus shaped like theirs, through the real commands.

Issue 23's team could not switch: each step of their day broke on their real corpus
(fathom-extracted pages whose LFS resources are absent, a folder that is not a set, a
site group across sets, a srcset data URL with a space in it) with their own
`rulesets.js`. This runs that day end to end, as they would, and fails on the first
step that needs a workaround: import, check, commit through the hooks, vectorize every
set with the JavaScript ruleset, train, test, ship the weights into the ruleset, the
viewer and its gallery, pick.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.conftest import run_corpus, run_git
from tests.realshape import write_corpus
from tests.serve.support import request, serving

TRAINEE = "new-password"
# What the team's clone lacks (LFS objects) and what it knows and lives with for now.
WARNINGS = {"missing-resource": "warning", "leakage": "warning", "data-url-left": "warning"}


def corpus(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_corpus(*args, cwd=cwd)
    assert "Traceback" not in result.stderr, f"corpus {' '.join(args)}:\n{result.stderr}"
    return result


def succeeds(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = corpus(cwd, *args)
    assert result.returncode == 0, f"corpus {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def rubric(checks: dict[str, str]) -> str:
    from tests.realshape import rubric_text

    return rubric_text(checks)


def test_a_teams_real_shaped_corpus_runs_end_to_end_without_a_workaround(tmp_path: Path) -> None:
    source = write_corpus(tmp_path / "theirs" / "samples", size=24)
    root = tmp_path / "team"
    succeeds(tmp_path, "init", str(root), "--js")
    (root / "samples" / "rubric.md").write_text(rubric({}))

    # import: what it passes over and what is missing is said, not swallowed.
    imported = corpus(root, "import", str(source.src), "--json")
    assert imported.returncode in (0, 1), imported.stderr  # 1: the name off the naming rule
    report = json.loads(imported.stdout)
    assert any("type=text" in json.dumps(item) for item in report["passed_over"])
    assert report["missing_resources"]

    # check: one line per page at most, plus one per group spanning sets.
    checked = corpus(root, "check")
    assert checked.returncode == 1
    pages = len(source.placed)
    assert len(checked.stdout.splitlines()) <= pages + len(source.spanning) + 1
    assert any(group in checked.stdout for group in source.spanning)

    # The team fixes what it can (the <label> label, the name off the rule, the name in two
    # sets) and marks the rest as warnings, then commits through every hook.
    for page in {source.label_on_label, source.off_rule, source.same_name[0]}:
        set_name, name = page.split("/")
        resources = root / "samples" / set_name / "resources" / name.removesuffix(".html")
        run_git(root, "rm", "-rqf", "--ignore-unmatch", f"samples/{page}", str(resources.relative_to(root)))
    (root / "samples" / "rubric.md").write_text(rubric(WARNINGS))
    run_git(root, "add", "-A")
    committed = subprocess.run(["git", "commit", "-qm", "their corpus"], cwd=root, capture_output=True, text=True)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "Traceback" not in committed.stderr

    # vectorize every set with their rulesets.js: the srcset page does not stop the run.
    succeeds(root, "vectorize", "training", "validation", "testing", "--trainee", TRAINEE, "-j", "2")
    for set_name in ("training", "validation", "testing"):
        vectors = json.loads((root / "vectors" / f"{set_name}_{TRAINEE}.json").read_text())
        assert len(vectors["pages"]) == len([p for p in source.pages(set_name) if (root / "samples" / p).exists()])

    # train, test, and ship the weights into rulesets.js, checked in the browser.
    succeeds(root, "train", f"vectors/training_{TRAINEE}.json", "-a", f"vectors/validation_{TRAINEE}.json",
             "--trainee", TRAINEE)
    succeeds(root, "test", f"vectors/testing_{TRAINEE}.json", f"models/{TRAINEE}.json")
    before = (root / "rulesets.js").read_text()
    shipped = json.loads(succeeds(root, "ship", "--trainee", TRAINEE, "--json").stdout)
    assert shipped["max_score_difference"] <= 1e-4
    after = (root / "rulesets.js").read_text()
    assert after != before
    # Only numbers (and the ship's marker line) changed: the rules and comments are as they were.
    assert re.sub(r"-?\d[\d.eE+-]*", "N", before) == re.sub(r"-?\d[\d.eE+-]*", "N", _without_marker(after))
    status = json.loads(succeeds(root, "status", "--json").stdout)
    assert "stale" not in json.dumps(status.get("staleness", {})).replace('"stale": false', ""), status.get("staleness")

    # The viewer, its sample view and its gallery with crops, on the JS ruleset.
    with serving(root) as url:
        code, index = request(url)
        assert code == 200
        page = next(p for p in source.pages("validation") if (root / "samples" / p).exists())
        code, body = request(f"{url}sample/{page}")
        assert code == 200, body[:500]
        code, gallery = request(f"{url}gallery?set=validation")
        assert code == 200
        crops = [c.decode() for c in re.findall(rb'src="(/crop/[^"]+)"', gallery)[:2]]
        crops.append(_crop_of_a_target(root, page))  # one there is, mistakes in the gallery or not
        for crop in crops:
            code, png = request(url.rstrip("/") + crop)
            assert code == 200 and png.startswith(b"\x89PNG"), (crop, code, png[:200])

    # pick moves a whole group, and never one that already has pages in another set.
    leaks = _leaking_groups(root)
    picked = corpus(root, "pick", "unused", "validation", "1", "--json")
    assert picked.returncode == 0, picked.stdout + picked.stderr
    assert _leaking_groups(root) == leaks


def _leaking_groups(root: Path) -> list[str]:
    findings = json.loads(corpus(root, "check", "--json").stdout)
    return sorted(f["message"] for f in findings if f.get("kind") == "leakage")


def _crop_of_a_target(root: Path, page: str) -> str:
    """The viewer's crop URL of the first labeled element of a positive page of `page`'s set."""
    from corpus.starttags import start_tags

    set_name = page.split("/")[0]
    for path in sorted((root / "samples" / set_name).glob("*.html")):
        html = path.read_bytes()
        for number, tag in enumerate(start_tags(html)):
            if b"data-fathom" in html[tag.start:tag.end]:
                return f"/crop/{set_name}/{path.name}/{number}.png"
    raise AssertionError(f"no labeled element in {set_name}")


def _without_marker(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("// corpus ship:"))
