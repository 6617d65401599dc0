"""Which URLs collecting may visit: the public web only, unless `--allow-local`.

`file:` URLs, the loopback range and private, link-local or otherwise
non-global addresses are refused: a list of URLs (or a page's subresources,
or a redirect) must not turn the collector into a reader of the machine's own
files or of the local network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")


class AddressGuard:
    """Answers "may this URL be fetched?", resolving each host once."""

    def __init__(self, allow_local: bool) -> None:
        self.allow_local = allow_local
        self._hosts: dict[str, str | None] = {}

    async def refusal(self, url: str) -> str | None:
        """Why `url` may not be fetched, or None."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError as e:  # `http://[bad/x`: one line's mistake, not the run's
            return f"not a URL ({e})"
        scheme = parts.scheme.lower()
        if scheme == "file":
            return None if self.allow_local else "a local file (give --allow-local to collect it)"
        if scheme not in WEB_SCHEMES:
            return f"scheme {scheme!r} is not collected (http and https are)"
        if not host:
            return "no host in the URL"
        if self.allow_local:
            return None
        if host not in self._hosts:
            self._hosts[host] = await _host_refusal(host)
        return self._hosts[host]


async def _host_refusal(host: str) -> str | None:
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return None  # the browser says why it cannot reach it (a DNS error, a failed URL)
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    local = [str(a) for a in addresses if not a.is_global]
    if local:
        return f"{host} is a local or private address ({local[0]}; give --allow-local to collect it)"
    return None
