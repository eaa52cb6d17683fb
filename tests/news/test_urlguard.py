"""news.urlguard: a chat user's feed URL must not reach private, loopback or link-local addresses."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from news.fetch import BadURL, UnsafeURL
from news.urlguard import UrlGuard

DNS = {
    "news.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "rebind.example": ["93.184.216.34", "10.0.0.5"],  # one bad address is enough to refuse
    "localhost": ["127.0.0.1", "::1"],
    "metadata.example": ["169.254.169.254"],
    "mapped.example": ["::ffff:192.168.1.1"],
    "scoped.example": ["fe80::1%eth0"],
    "empty.example": [],
}


async def fake_resolve(host: str, port: int) -> Sequence[str]:
    if host not in DNS:
        raise OSError("Name or service not known")
    return DNS[host]


@pytest.mark.parametrize("url", ["https://news.example/rss", "http://93.184.216.34:8080/feed", "http://[2606:4700::1]/"])
async def test_public_addresses_pass(url: str) -> None:
    await UrlGuard(fake_resolve).check(url)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://localhost:8080/", "http://[::1]/", "http://10.1.2.3/", "http://192.168.0.1/",
     "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data", "http://metadata.example/",
     "http://rebind.example/", "http://mapped.example/", "http://scoped.example/", "http://0.0.0.0/",
     "http://100.64.0.1/", "http://[fc00::1]/", "http://224.0.0.1/", "http://unknown.example/",
     "http://empty.example/"],
)
async def test_private_or_unresolvable_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURL):
        await UrlGuard(fake_resolve).check(url)


@pytest.mark.parametrize("url", ["ftp://news.example/", "file:///etc/passwd", "https:///nohost", "http://x:99999/"])
async def test_non_http_urls_are_bad(url: str) -> None:
    with pytest.raises(BadURL):
        await UrlGuard(fake_resolve).check(url)


async def test_the_real_resolver_refuses_localhost() -> None:
    with pytest.raises(UnsafeURL):
        await UrlGuard().check("http://localhost/")
