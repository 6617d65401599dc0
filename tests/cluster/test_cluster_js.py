"""JavaScript rulesets on the cluster: the same bytes as a local run, and a client
SIGKILLed mid-run keeps the pages finished so far (the next run does only the rest)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.vectors.test_js_kill import RULESET


def js_corpus(root: Path, mark: str, pages: int) -> None:
    (root / "rulesets.py").unlink()
    (root / "rulesets.js").write_text(RULESET.replace("MARK", mark))
    for i in range(1, pages + 1):
        (root / "samples" / "training" / f"{i}.html").write_text(
            f'<html><body><form><input type="password" data-fathom="new-password"><input name="u{i}"></form>'
            f'<img src="resources/{i}/x.svg"></body></html>')
        (root / "samples" / "training" / "resources" / str(i)).mkdir(parents=True)
        (root / "samples" / "training" / "resources" / str(i) / "x.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{10 * i}" height="5"/>')


def test_js_ruleset_on_the_cluster_equals_local(corpus_root: Path, cluster: str, corpus_cli) -> None:
    js_corpus(corpus_root, "1", 4)
    remote = corpus_cli("vectorize", "training", "-o", "remote.json", "--scheduler", cluster, cwd=corpus_root)
    assert remote.returncode == 0, remote.stderr
    local = corpus_cli("vectorize", "training", "-o", "local.json", cwd=corpus_root)
    assert local.returncode == 0, local.stderr
    assert (corpus_root / "remote.json").read_bytes() == (corpus_root / "local.json").read_bytes()


def test_a_killed_client_keeps_what_the_cluster_finished(corpus_root: Path, cluster: str, corpus_cli) -> None:
    js_corpus(corpus_root, "1", 6)
    exe = Path(sys.executable).parent / "corpus"
    run = subprocess.Popen([str(exe), "vectorize", "training", "--delay", "1", "--scheduler", cluster],
                           cwd=corpus_root, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert run.stderr is not None
    for line in run.stderr:  # progress off a terminal: a line per finished page here
        if "vectorizing training for new-password on" in line and ": 2/6" in line:
            break
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    run.stderr.close()
    out = corpus_root / "vectors" / "training_new-password.json"
    kept = json.loads(out.read_text())["header"]["pageHashes"]
    assert 2 <= len(kept) < 6  # written as pages finished, before the end

    result = corpus_cli("vectorize", "training", "--scheduler", cluster, "--json", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)[0]
    assert report["kept"] == len(kept) and len(report["vectorized"]) == 6 - len(kept)
    whole = corpus_cli("vectorize", "training", "-o", "local.json", "--full", cwd=corpus_root)
    assert whole.returncode == 0, whole.stderr
    assert out.read_bytes() == (corpus_root / "local.json").read_bytes()
