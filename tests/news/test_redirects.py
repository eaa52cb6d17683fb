"""news.fetch + news.urlguard: where a redirect may lead, checked on the address actually connected to.

The fake server is reached as http://public.test:PORT/ through a resolver stub (public.test -> 127.0.0.1), and
127.0.0.1 counts as public here. Nothing ever connects off 127.0.0.1: `dial` refuses, so a wrong decision fails the
test instead of sending a packet to 10.0.0.1 or 169.254.169.254.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

import httpcore
import httpx
import pytest

from fakes.feed_server import FeedServer
from news.fetch import Fetcher, UnsafeURL
from news.urlguard import AddressGuard, IPAddress, is_public, never_redirect_to

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
LOOPBACK = ipaddress.ip_address("127.0.0.1")


class World:
    """A stub DNS and a dialer that only ever reaches 127.0.0.1, recording what was asked of them."""

    def __init__(self, dns: dict[str, list[list[str]]], loopback_public: bool = True) -> None:
        self.dns = dns  # host -> one answer per lookup, in turn (the last one repeats)
        self.lookups: list[str] = []
        self.dialed: list[str] = []
        self.loopback_public = loopback_public

    async def resolve(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append(host)
        answers = self.dns.get(host)
        if answers is None:
            raise OSError("Name or service not known")
        return answers[min(self.lookups.count(host), len(answers)) - 1]

    def public(self, address: IPAddress) -> bool:
        return (self.loopback_public and address == LOOPBACK) or is_public(address)

    async def dial(self, ip: str, port: int, timeout: float | None) -> httpcore.AsyncNetworkStream:
        self.dialed.append(ip)
        if ip != "127.0.0.1":
            raise httpcore.ConnectError(f"the test refuses to connect to {ip}")
        return await httpcore.AnyIOBackend().connect_tcp(ip, port, timeout=timeout)

    def fetcher(self) -> Fetcher:
        guard = AddressGuard(self.resolve, self.public, self.dial)
        limits = httpx.Limits(max_connections=10)
        client = Fetcher.make_client(transport=guard.transport(public_only=False, limits=limits))
        return Fetcher(client, guard=guard, timeout=5)


@pytest.mark.parametrize("target", ["http://10.0.0.1/feed.xml", "http://169.254.169.254/latest/meta-data/",
                                    "http://[::1]/x", "http://[::ffff:192.168.1.1]/x", "http://metadata.test/",
                                    "http://rebind.test:{port}/ok.xml"])
async def test_a_public_feed_may_not_redirect_into_private_addresses(target: str) -> None:
    world = World({"public.test": [["127.0.0.1"]], "metadata.test": [["169.254.169.254"]],
                   "rebind.test": [["127.0.0.1", "10.0.0.5"]]})  # one private answer is enough to refuse
    async with FeedServer() as server:
        server.add("/ok.xml", RSS)
        url = server.add("/moved.xml", redirect_to=target.format(port=server.port), redirect_status=301)
        fetcher = world.fetcher()
        with pytest.raises(UnsafeURL):
            await fetcher.fetch(url.replace("127.0.0.1", "public.test"))
        await fetcher.aclose()
    assert world.dialed == ["127.0.0.1"]  # the feed itself, and nothing else


async def test_redirects_between_public_addresses_are_followed_and_a_301_reported() -> None:
    world = World({"public.test": [["127.0.0.1"]], "mirror.test": [["127.0.0.1"]]})
    async with FeedServer() as server:
        server.add("/new.xml", RSS)
        server.add("/old.xml", redirect_to=server.url("/new.xml", host="mirror.test"), redirect_status=301)
        fetcher = world.fetcher()
        result = await fetcher.fetch(server.url("/old.xml", host="public.test"))
        await fetcher.aclose()
    assert result.body == RSS and result.permanent_redirect == server.url("/new.xml", host="mirror.test")


async def test_the_address_checked_is_the_address_connected_to() -> None:
    """DNS rebinding: the second answer for the name is private, but the name is resolved once, for the connect."""
    world = World({"public.test": [["127.0.0.1"]], "rebind.test": [["127.0.0.1"], ["10.0.0.7"]]})
    async with FeedServer() as server:
        server.add("/ok.xml", RSS)
        server.add("/go.xml", redirect_to=server.url("/ok.xml", host="rebind.test"))
        fetcher = world.fetcher()
        result = await fetcher.fetch(server.url("/go.xml", host="public.test"))
        await fetcher.aclose()
    assert result.body == RSS
    assert world.lookups.count("rebind.test") == 1 and world.dialed == ["127.0.0.1", "127.0.0.1"]


async def test_a_feed_on_the_operators_network_may_redirect_within_it_but_not_to_link_local() -> None:
    """127.0.0.1 is private here: the operator's RSS bridge. Its redirects may stay on private addresses."""
    world = World({"bridge.test": [["127.0.0.1"]]}, loopback_public=False)
    async with FeedServer() as server:
        server.add("/ok.xml", RSS)
        server.add("/hop.xml", redirect_to="/ok.xml", redirect_status=308)
        server.add("/meta.xml", redirect_to="http://169.254.169.254/latest/meta-data/")
        fetcher = world.fetcher()
        result = await fetcher.fetch(server.url("/hop.xml", host="bridge.test"))
        with pytest.raises(UnsafeURL, match="link-local or metadata"):
            await fetcher.fetch(server.url("/meta.xml", host="bridge.test"))
        await fetcher.aclose()
    assert result.body == RSS and result.permanent_redirect == server.url("/ok.xml")
    assert "169.254.169.254" not in world.dialed


@pytest.mark.parametrize(("address", "public", "never"), [
    ("93.184.216.34", True, False), ("2606:4700::1", True, False), ("10.1.2.3", False, False),
    ("127.0.0.1", False, False), ("169.254.169.254", False, True), ("fe80::1", False, True),
    ("::ffff:169.254.169.254", False, True), ("100.64.0.1", False, False), ("0.0.0.0", False, True),
    ("224.0.0.1", False, True), ("fd00:ec2::254", False, True), ("2002:a00:1::", False, False),
])
def test_address_classes(address: str, public: bool, never: bool) -> None:
    ip = ipaddress.ip_address(address)
    assert (is_public(ip), never_redirect_to(ip)) == (public, never)
