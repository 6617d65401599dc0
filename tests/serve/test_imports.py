"""The viewer and `serve -d` start without the trainer: numpy and orjson are the `train`
extra, needed only once a page reads or scores with a model."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

TRAINER_ONLY = ["numpy", "orjson", "trainer"]


@pytest.mark.parametrize("module", ["corpus.serve.pages", "corpus.serve.viewer", "corpus.serve.files"])
def test_importing_the_viewer_loads_no_trainer(module: str):
    code = f"import sys, json, {module}; print(json.dumps(sorted(set(sys.modules) & set({TRAINER_ONLY!r}))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
