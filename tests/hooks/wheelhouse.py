"""An offline wheelhouse repacked from the test venv, so pre-commit can install our
published hooks (`language: python`) without the network.

pre-commit makes a virtualenv and runs `pip install .` in a clone of the hook repo;
with PIP_NO_INDEX and PIP_FIND_LINKS pointing here, pip finds every dependency (and
setuptools, for the isolated build) as a wheel made from what this venv has installed.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _needed(lines: list[str]) -> list[str]:
    """Names of the requirements that apply without extras, here."""
    found = []
    for line in lines:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(requirement.name)
    return found


def runtime_closure(pyproject: Path) -> list[metadata.Distribution]:
    """The installed distributions a project needs to build and run (no extras), with theirs.

    Read from the project's pyproject.toml, not from its installed metadata, which
    is as old as the last `pip install -e`.
    """
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    todo = _needed(project["project"]["dependencies"]) + _needed(project["build-system"]["requires"])
    seen: dict[str, metadata.Distribution] = {}
    while todo:
        name = _normalize(todo.pop())
        if name not in seen:
            try:
                seen[name] = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                raise RuntimeError(f"{name} is not installed in the test venv: run ./setup.sh") from None
            todo += _needed(seen[name].requires or [])
    return list(seen.values())


SKIPPED_METADATA = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")  # written at install time


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def repack(dist: metadata.Distribution, out_dir: Path) -> Path:
    """A wheel of an installed distribution: its files under site-packages, a fresh RECORD."""
    wheel_meta = dist.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip().split("-") for line in wheel_meta.splitlines() if line.startswith("Tag:")]
    # Several tags (py2-none-any, py3-none-any) make one compressed tag: py2.py3-none-any.
    tag = "-".join(".".join(dict.fromkeys(part[i] for part in tags)) for i in range(3))
    site = Path(str(dist.locate_file("")))
    files = [f.as_posix() for f in dist.files or []]
    info_dir = next(path.split("/", 1)[0] for path in files if path.split("/", 1)[0].endswith(".dist-info"))
    out = out_dir / f"{re.sub(r'[-_.]+', '_', dist.metadata['Name'])}-{dist.version}-{tag}.whl"
    rows = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as whl:
        for path in files:
            if path.startswith("..") or "__pycache__/" in path:
                continue  # console scripts (pip writes them anew) and bytecode
            if path.startswith(info_dir + "/") and path.rsplit("/", 1)[-1] in SKIPPED_METADATA:
                continue
            source = site / path
            if not source.is_file():
                continue
            data = source.read_bytes()
            whl.writestr(path, data)
            rows.append((path, _record_hash(data), str(len(data))))
        record = io.StringIO()
        csv.writer(record, lineterminator="\n").writerows([*rows, (f"{info_dir}/RECORD", "", "")])
        whl.writestr(f"{info_dir}/RECORD", record.getvalue())
    return out


def build_wheelhouse(out_dir: Path, pyproject: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    for dist in runtime_closure(pyproject):
        repack(dist, out_dir)
    return out_dir
