"""Where a redirect may lead: a feed the operator configured may live anywhere; where it sends us may not.

The operator chooses feed URLs, so a feed on localhost or a private network is allowed (RSS bridges run there).
A redirect is the feed server's choice, not the operator's: from a feed on a public address it may only lead to
public addresses (no private, loopback, link-local, metadata or reserved ones); from a feed on the operator's own
network it may stay there, but never reach link-local or cloud-metadata addresses.

"Public" is checked on the address actually connected to: `PinnedBackend` (an httpcore network backend) resolves
the name once, refuses unless every address passes, and connects to a checked address by IP, with the name kept
for Host and TLS SNI. A name that answers "public" to the check and "10.0.0.1" to the connect (DNS rebinding)
therefore reaches nothing. Tests inject `resolve` (a stub DNS), `public` (e.g. to count 127.0.0.1 as public) and
`dial` (e.g. to refuse any connect off 127.0.0.1), through `AddressGuard`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpcore
import httpx

__all__ = ["METADATA", "AddressGuard", "AddressRefused", "Dial", "IPAddress", "PinnedBackend", "Resolver", "is_public",
           "never_redirect_to", "system_resolve"]

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]  # (host, port) -> IP addresses as text
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Dial = Callable[[str, int, "float | None"], Awaitable[httpcore.AsyncNetworkStream]]  # (ip, port, timeout)
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200"))  # AWS, ECS, AWS IPv6, Alibaba


class AddressRefused(Exception):
    """A name that does not resolve, or resolves to an address not allowed here (news.fetch makes it UnsafeURL)."""


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast only: no private, loopback, link-local, multicast, reserved or unspecified."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not address.is_multicast and address not in METADATA


def never_redirect_to(address: IPAddress) -> bool:
    """Out of bounds for any redirect, even inside the operator's network: link-local (cloud metadata lives
    there), metadata, multicast and unspecified addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_link_local or address in METADATA or address.is_multicast or address.is_unspecified


async def _anyio_dial(ip: str, port: int, timeout: float | None) -> httpcore.AsyncNetworkStream:
    return await httpcore.AnyIOBackend().connect_tcp(ip, port, timeout=timeout)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Resolve once, check every address with `accept`, connect to a checked address (never re-resolve)."""

    def __init__(self, resolve: Resolver, accept: Callable[[IPAddress], bool], dial: Dial | None = None) -> None:
        self._resolve = resolve
        self._accept = accept
        self._dial = dial or _anyio_dial

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The host's addresses (an IP literal is its own); AddressRefused when it does not resolve."""
        host = host.strip("[]").rstrip(".").lower()
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        try:
            found = await self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise AddressRefused(f"cannot resolve {host[:100]}: {exc}") from exc
        if not found:
            raise AddressRefused(f"{host[:100]} does not resolve")
        # getaddrinfo may give a scope id ("fe80::1%eth0"): strip it before parsing.
        return [ipaddress.ip_address(text.split("%", 1)[0]) for text in found]

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.addresses(host, port)
        for address in addresses:
            if not self._accept(address):
                raise AddressRefused(f"{host[:100]} resolves to {address}, which is not allowed here")
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._dial(str(address), port, timeout)
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("unix sockets are not reachable by redirect")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (exception mapping, streaming) over a connection pool that uses PinnedBackend."""

    def __init__(self, backend: PinnedBackend, limits: httpx.Limits) -> None:
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(  # the same pool httpx builds, but over PinnedBackend
            ssl_context=ssl_context, max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


@dataclass(frozen=True)
class AddressGuard:
    """The address rules of one Fetcher, with the resolver, the idea of "public" and the dialer it uses."""

    resolve: Resolver = system_resolve
    public: Callable[[IPAddress], bool] = is_public
    dial: Dial | None = field(default=None)

    def transport(self, *, public_only: bool, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
        """Public-only: for redirects from public feeds. Otherwise any address but never_redirect_to ones."""
        accept = self.public if public_only else (lambda address: True)
        return _PinnedTransport(PinnedBackend(self.resolve, accept, self.dial), limits)

    async def private_origin(self, host: str, port: int, peer: str | None) -> bool:
        """Is this feed on the operator's own network? Only when the address we reached is not public *and* the
        name resolves to no public address: a name that rebinds, or a proxy in between, counts as public."""
        if peer is None:
            return False
        try:
            reached = ipaddress.ip_address(peer.split("%", 1)[0])
            named = await PinnedBackend(self.resolve, self.public).addresses(host, port)
        except (ValueError, AddressRefused):
            return False
        return not self.public(reached) and not any(self.public(a) for a in named)

    async def check_private_redirect(self, host: str, port: int) -> None:
        """A redirect inside the operator's network: anything but link-local, metadata and the like."""
        for address in await PinnedBackend(self.resolve, self.public).addresses(host, port):
            if never_redirect_to(address):
                raise AddressRefused(f"redirect to {host[:100]} ({address}) refused: link-local or metadata address")
