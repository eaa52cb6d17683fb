"""Refuse feed URLs that a chat user gives when they point into private networks (SSRF guard).

Resolve first, then check every address: a public-looking name may resolve to 127.0.0.1 or 169.254.169.254.
Operator feeds (FEEDS_FILE) never go through this; they may live anywhere, loopback included.

    guard = UrlGuard()                         # or UrlGuard(resolve=fake) in tests
    await fetcher.fetch(url, check=guard.check)  # vets the URL and every redirect target
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from news.fetch import BadURL, UnsafeURL

__all__ = ["IPAddress", "Resolver", "UrlGuard", "is_public", "system_resolve"]

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]  # (host, port) -> IP addresses as text
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast only: no private, loopback, link-local, multicast, reserved or unspecified."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


class UrlGuard:
    def __init__(self, resolve: Resolver = system_resolve) -> None:
        self._resolve = resolve

    async def check(self, url: str) -> None:
        """Raise BadURL (not http(s)) or UnsafeURL (resolves to a non-public address, or does not resolve)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadURL(f"not an http(s) URL: {url[:200]}")
        host = parts.hostname.rstrip(".").lower()
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise BadURL(f"bad port in {url[:200]}") from exc
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        addresses = [literal] if literal is not None else await self._addresses(host, port)
        for address in addresses:
            if not is_public(address):
                raise UnsafeURL(f"{host} resolves to {address}, which is not a public address")

    async def _addresses(self, host: str, port: int) -> list[IPAddress]:
        try:
            found = await self._resolve(host, port)
        except OSError as exc:
            raise UnsafeURL(f"cannot resolve {host}: {exc}") from exc
        if not found:
            raise UnsafeURL(f"{host} does not resolve")
        # getaddrinfo may give a scope id ("fe80::1%eth0"): strip it before parsing.
        return [ipaddress.ip_address(text.split("%", 1)[0]) for text in found]
