"""Small helpers tests share: real git and the real `corpus` script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def git(root: Path, *args: str) -> str:
    """Run git in `root` for a test; fail the test with git's stderr on error."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)} failed: {result.stderr}"
    return result.stdout


def corpus_cli(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `corpus` console script as a user would."""
    exe = Path(sys.executable).parent / "corpus"
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, input=input)
