"""SIGKILL in the middle of a JavaScript-ruleset run loses nothing: the vector file stays
whole (a checkpoint of the pages finished so far), no temporary file is left, and the next
run renders only the pages the checkpoint lacks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from corpus.vectors.vectorfile import load_vectors

RULESET = '''
import {dom, out, rule, ruleset, score, type} from 'fathom-web';
const trainees = new Map();
trainees.set('new-password', {
    coeffs: new Map([['isPassword', 1]]),
    rulesetMaker: () => ruleset([
        rule(dom('input'), type('new-password')),
        rule(type('new-password'), score(f => f.element.type === 'password' ? MARK : 0), {name: 'isPassword'}),
        rule(type('new-password'), out('new-password')),
    ]),
});
export default trainees;
'''


def test_sigkill_mid_run_keeps_a_whole_checkpoint_and_a_rerun_does_only_the_rest(corpus_root: Path,
                                                                                    corpus_cli) -> None:
    root = corpus_root
    (root / "rulesets.py").unlink()
    (root / "rulesets.js").write_text(RULESET.replace("MARK", "1"))
    for i in range(1, 7):
        (root / "samples" / "training" / f"{i}.html").write_text(
            f'<html><body><form><input type="password" data-fathom="new-password"><input name="u{i}"></form></body></html>')
    assert corpus_cli("vectorize", "training", cwd=root).returncode == 0
    out = root / "vectors" / "training_new-password.json"
    before = out.read_bytes()

    # A ruleset change redoes every page; the delay makes the run long enough to stop.
    (root / "rulesets.js").write_text(RULESET.replace("MARK", "0.5"))
    exe = Path(sys.executable).parent / "corpus"
    run = subprocess.Popen([str(exe), "vectorize", "training", "--delay", "1"], cwd=root,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert run.stderr is not None
    for line in run.stderr:  # progress off a terminal: a line per finished page here
        if "vectorizing training for new-password: 3/6" in line:
            break
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    run.stderr.close()
    assert out.read_bytes() != before  # a checkpoint replaced the old file...
    checkpoint = load_vectors(out)  # ...whole, written atomically
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    finished = set(checkpoint.page_hashes)
    assert 3 <= len(finished) < 6 and {p.filename for p in checkpoint.pages} == finished
    assert all(p.nodes[0].features == [0.5] for p in checkpoint.pages)

    result = corpus_cli("vectorize", "training", "--json", cwd=root)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)[0]
    rest = sorted({f"{i}.html" for i in range(1, 7)} - finished)
    assert (report["vectorized"], report["kept"], report["rendered"]) == (rest, len(finished), len(rest))
    pages = load_vectors(out).pages
    assert len(pages) == 6 and all(p.nodes[0].features == [0.5] for p in pages)
    assert json.loads(out.read_text())["header"]["pageHashes"].keys() == {f"{i}.html" for i in range(1, 7)}
