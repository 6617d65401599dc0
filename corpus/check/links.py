"""Symbolic links in the samples tree: the renderer refuses them, so `check` reports them.

A page or resources folder that is a link (`resources/7 -> /etc`) would let the
browser read files from anywhere on the machine; the sandbox refuses to serve
through links, so a linked sample renders without its resources. Links are
found with lstat, never followed.
"""

from __future__ import annotations

import os
from pathlib import Path

from corpus.findings import Finding
from corpus.tree.sample import SAMPLES_DIR, Sample


def _links_under(folder: Path) -> list[Path]:
    """Links at or below `folder`, not following any (a linked folder is reported, not entered)."""
    if folder.is_symlink():
        return [folder]
    found = []
    for directory, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(directory, name)
            if path.is_symlink():
                found.append(path)
    return found


def page_link_findings(sample: Sample) -> list[Finding]:
    if not sample.path.is_symlink():
        return []
    return [Finding(Path(sample.relpath), 1, f"page is a symbolic link (to {os.readlink(sample.path)}): "
                                             "copy the page in instead", "symlink")]


def resource_link_findings(root: Path, samples: list[Sample]) -> list[Finding]:
    findings = []
    for sample in samples:
        for link in _links_under(sample.resources_dir.parent) if sample.resources_dir.parent.is_symlink() \
                else _links_under(sample.resources_dir):
            rel = link.relative_to(root)
            findings.append(Finding(rel, 1, f"symbolic link (to {os.readlink(link)}) in the resources: the "
                                            "renderer refuses to serve through links; replace it with the files",
                                    "symlink"))
    return sorted(set(findings))


def set_link_findings(root: Path, set_name: str) -> list[Finding]:
    """A set folder that is a link: every command refuses the corpus until it is a real folder."""
    folder = root / SAMPLES_DIR / set_name
    if not folder.is_symlink():
        return []
    return [Finding(folder.relative_to(root), 1, f"set folder is a symbolic link (to {os.readlink(folder)}): "
                                                 "commands refuse it; move the folder itself here", "symlink")]
