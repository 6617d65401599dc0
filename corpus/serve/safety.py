"""The rules both servers here (the viewer and `serve -d`) apply to a request before
they touch the disk: it came to loopback, it names this server in its `Host` header,
and its path names something inside the served folder and outside any `.git` folder.

A path is decided on once it is resolved: percent-decoded once, then normalised
(`.`, `..`, repeated slashes), so `/./.git/config` and `/samples%2f..%2f.git%2fconfig`
are the `.git/config` they name. On disk, the real path (every symlink followed)
must lie inside the served folder's real path.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

LOOPBACK = "127.0.0.1"  # samples are private pages: never reachable from another machine
GIT_DIR = ".git"


def allowed_hosts(port: int) -> set[str]:
    """The `Host` header values that name a server on LOOPBACK:`port` (browsers omit port 80).
    A page on another site that rebinds its DNS name to 127.0.0.1 still sends its own name."""
    names = {LOOPBACK, "localhost"}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


def split_target(target: str) -> tuple[str, str]:
    """A request target's path (as sent) and its query."""
    path, _, query = target.partition("?")
    return path.partition("#")[0], query


def request_path(raw_path: str) -> str | None:
    """The resolved path of a request: percent-decoded once, normalised, one leading `/`
    (a trailing one kept: it asks for a folder). None when it names nothing that is served:
    a path that is not absolute, holds a NUL or a backslash, climbs above the root with
    `..`, or passes through a `.git` folder at any depth."""
    # A byte that is not UTF-8 (%FF) becomes the surrogate os.fsdecode makes of it in a
    # file name, not U+FFFD: a page whose name is not UTF-8 is reachable.
    path = unquote(raw_path, errors="surrogateescape")
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return None
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not segments:
                return None
            segments.pop()
        elif segment.lower() == GIT_DIR:  # any case: a case-insensitive disk has the same folder
            return None
        else:
            segments.append(segment)
    trailing = "/" if segments and path.endswith(("/", "/.", "/..")) else ""
    return "/" + "/".join(segments) + trailing


def real_path_inside(base: Path, rel: str) -> Path | None:
    """The real path of `rel` (a resolved request path, without its leading `/`) under
    `base`, when it exists and lies inside `base`'s real path and outside its `.git`
    folders (a symlink inside may point to another place inside); None otherwise."""
    real_base = base.resolve()
    try:
        real = (real_base / rel).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a name too long, a symlink loop
        return None
    if not real.is_relative_to(real_base):
        return None
    if any(part.lower() == GIT_DIR for part in real.relative_to(real_base).parts):
        return None
    return real
