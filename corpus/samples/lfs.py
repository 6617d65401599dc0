"""Whether resources are, and will stay, Git LFS pointers in the repository.

What matters is the blob git stores, not the working file: LFS's smudge filter
puts the real bytes in the working tree either way. So staged resources are judged
by their staged blob, and resources not staged yet by whether `.gitattributes`
routes them through the LFS filter and this clone has that filter set up.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from corpus.findings import Finding
from corpus.store.gitcli import run_bytes, try_run

# git-lfs never writes a pointer of 1024 bytes or more; bigger blobs are content.
POINTER_MAX_BYTES = 1024
_POINTER = re.compile(
    rb"version https://git-lfs\.github\.com/spec/v1\n"
    rb"(?:[a-z0-9.-]+ [^\n]*\n)*?"  # extension lines sort between version and oid
    rb"oid sha256:[0-9a-f]{64}\n"
    rb"size (0|[1-9][0-9]*)\n"
)
RENORMALIZE_HINT = "fix .gitattributes if needed, then `git add --renormalize {path}`"
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's id of the empty file
# git-lfs leaves an empty file as it is, so renormalizing cannot help: the page must lose it.
EMPTY_HINT = ("an empty resource, which git-lfs never turns into a pointer (an older extract wrote it): "
              "run `corpus inline` then `corpus extract` on its page; empty data: URLs now stay in the page")


def _content_message(path: str, oid: str, what: str) -> str:
    if oid == EMPTY_BLOB:
        return EMPTY_HINT
    return f"{what} as file content, not as a Git LFS pointer: " + RENORMALIZE_HINT.format(path=path)


def is_pointer(blob: bytes) -> bool:
    """Whether a blob is a Git LFS pointer file (spec v1)."""
    return len(blob) < POINTER_MAX_BYTES and _POINTER.fullmatch(blob) is not None


PATHS_ON_COMMAND_LINE = 1000


def staged_blobs(root: Path, paths: Iterable[str]) -> dict[str, str]:
    """Index entries at or under `paths`: path -> blob id."""
    paths = list(paths)
    if not paths:
        return {}
    # A whole-corpus check names ~100,000 paths, past the OS's argument limit (and
    # ls-files takes no --pathspec-from-file): then list the index once and filter here.
    many = len(paths) > PATHS_ON_COMMAND_LINE
    out = run_bytes(root, "ls-files", "-s", "-z", *([] if many else ["--", *paths]))
    wanted = {p.rstrip("/") for p in paths}
    entries = {}
    for record in out.split(b"\0"):
        if record:
            meta, _, raw = record.partition(b"\t")
            path = os.fsdecode(raw)
            if not many or _at_or_under(path, wanted):
                entries[path] = meta.split()[1].decode()
    return entries


def _at_or_under(path: str, wanted: set[str]) -> bool:
    while path:
        if path in wanted:
            return True
        path = path.rpartition("/")[0]
    return False


def content_blobs(root: Path, blobs: dict[str, str]) -> list[str]:
    """The paths whose blob is not an LFS pointer (sizes first, so big blobs are never read)."""
    if not blobs:
        return []
    unique = sorted(set(blobs.values()))
    sizes = {}
    for line in run_bytes(root, "cat-file", "--batch-check", stdin="\n".join(unique).encode() + b"\n").splitlines():
        oid, _, size = line.decode().split()
        sizes[oid] = int(size)
    small = [oid for oid in unique if sizes[oid] < POINTER_MAX_BYTES]
    pointers = set()
    if small:
        out = run_bytes(root, "cat-file", "--batch", stdin="\n".join(small).encode() + b"\n")
        pos = 0
        for _ in small:
            header_end = out.index(b"\n", pos)
            oid, _, size = out[pos:header_end].decode().split()
            body = out[header_end + 1 : header_end + 1 + int(size)]
            pos = header_end + 1 + int(size) + 1
            if is_pointer(body):
                pointers.add(oid)
    return sorted(path for path, oid in blobs.items() if oid not in pointers)


def lfs_filtered(root: Path, paths: Iterable[str], cached: bool = False) -> dict[str, bool]:
    """Whether `.gitattributes` puts each path through the LFS filter.

    `cached` reads the attributes from the index: what the commit being made holds.
    """
    paths = list(paths)
    if not paths:
        return {}
    args = ["check-attr", "--stdin", "-z", *(["--cached"] if cached else []), "filter"]
    out = run_bytes(root, *args, stdin=b"".join(os.fsencode(p) + b"\0" for p in paths))
    fields = out.split(b"\0")
    return {os.fsdecode(fields[i]): fields[i + 2] == b"lfs" for i in range(0, len(fields) - 2, 3)}


def lfs_filter_configured(root: Path) -> bool:
    """Whether this clone runs the LFS clean filter (`git lfs install` was run)."""
    return b"git-lfs" in (try_run(root, "config", "--get", "filter.lfs.clean") or b"")


def check_staged_resources(root: Path, paths: list[str]) -> list[Finding]:
    """What the commit being made would store: each staged resource must be an LFS pointer."""
    findings = []
    blobs = staged_blobs(root, paths)
    filtered = lfs_filtered(root, sorted(blobs), cached=True)
    for path in content_blobs(root, blobs):
        findings.append(Finding(Path(path), 1, _content_message(path, blobs[path], "staged"), "resource-content"))
    for path, covered in sorted(filtered.items()):
        if not covered:
            findings.append(Finding(Path(path), 1, "resource not covered by the Git LFS rule in .gitattributes "
                                    "(`samples/**/resources/** filter=lfs diff=lfs merge=lfs -text`)", "resource-not-lfs"))
    return findings


def working_files(root: Path, pathspecs: Iterable[str]) -> list[str]:
    """Files in the working tree at or under `pathspecs` (root-relative, forward slashes)."""
    found = set()
    for spec in pathspecs:
        path = root / spec
        if path.is_file():
            found.add(spec)
        elif path.is_dir():
            found.update(p.relative_to(root).as_posix() for p in path.rglob("*") if p.is_file())
    return sorted(found)


def check_resources(root: Path, pathspecs: list[str]) -> list[Finding]:
    """Resources at or under `pathspecs`, in the working tree or the index: stored as
    pointers now, and would be when added."""
    if not pathspecs:
        return []
    blobs = staged_blobs(root, pathspecs)
    findings = [
        Finding(Path(path), 1, _content_message(path, blobs[path], "committed or staged"),
                "resource-content")
        for path in content_blobs(root, blobs)
    ]
    files = sorted(set(working_files(root, pathspecs)) | set(blobs))
    uncovered = [path for path, covered in lfs_filtered(root, files).items() if not covered]
    findings += [
        Finding(Path(path), 1, "resource not covered by the Git LFS rule in .gitattributes: it would be "
                "committed as content (`samples/**/resources/** filter=lfs diff=lfs merge=lfs -text`)", "resource-not-lfs")
        for path in uncovered
    ]
    if not lfs_filter_configured(root):
        pending = [path for path in files if path not in blobs and path not in uncovered]
        if pending:
            more = f" (and {len(pending) - 1} more)" if len(pending) > 1 else ""
            findings.append(Finding(Path(pending[0]), 1, f"Git LFS is not set up in this clone, so this resource{more} "
                                    "would be committed as content: run `corpus hooks install`",
                                    "lfs-not-set-up"))
    return findings
