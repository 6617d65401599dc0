"""The lines `corpus collect` reads: `URL` or `NAME URL`, `#` comments, as FathomFox's form took them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from corpus.errors import BadInput


@dataclass(frozen=True)
class Target:
    """One page to collect: its URL and the name its file gets (without `.html`)."""

    url: str
    name: str | None = None  # given on the line; None: the host's name, as FathomFox did

    @property
    def file_stem(self) -> str:
        try:
            host = urlsplit(self.url).hostname
        except ValueError:  # not a URL: it fails when visited, its name is never used
            host = None
        return self.name or host or "page"


def with_scheme(url: str) -> str:
    """`http://` in front of a URL that names no scheme (FathomFox did the same)."""
    return url if "://" in url or url.lower().startswith("file:") else f"http://{url}"


def normal_url(url: str) -> str:
    """`url` as collecting compares URLs: scheme and host in lower case, an empty path as `/`
    (`example.com` is asked for as `http://example.com` and recorded as `http://example.com/`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    user, at, host = parts.netloc.rpartition("@")
    return parts._replace(scheme=parts.scheme.lower(), netloc=f"{user}{at}{host.lower()}",
                          path=parts.path or ("/" if parts.netloc else "")).geturl()


def parse_line(line: str) -> Target | None:
    """A target from one line; None for a blank line or a `#` comment."""
    words = line.split()
    if not words or words[0].startswith("#"):
        return None
    if len(words) > 2:
        raise BadInput(f"{line.strip()!r}: expected `URL` or `NAME URL`")
    name, url = (None, words[0]) if len(words) == 1 else words
    if name is not None and ("/" in name or name.startswith(".")):
        raise BadInput(f"{name!r}: a NAME is a plain file name (without .html)")
    return Target(with_scheme(url), name)


def parse_lines(lines: Iterable[str]) -> list[Target]:
    return [target for line in lines if (target := parse_line(line)) is not None]


def file_names(targets: list[Target]) -> dict[Target, str]:
    """`NAME.html` per target, a second page of one host as `host-2.html` (FathomFox's downloads
    got `(1)`); the same list always gives the same names, so a second run finds its files."""
    names: dict[Target, str] = {}
    used: set[str] = set()
    for target in targets:
        stem, n = target.file_stem, 1
        name = f"{stem}.html"
        while name in used:
            n += 1
            name = f"{stem}-{n}.html"
        used.add(name)
        names[target] = name
    return names
