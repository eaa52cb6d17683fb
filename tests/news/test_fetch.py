"""news.fetch: timeouts, size cap, redirects, conditional GET, limits and status translation."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections import Counter
from collections.abc import Awaitable, Callable

import httpx
import pytest

from fakes.feed_server import FeedServer
from news.fetch import (
    USER_AGENT,
    BadURL,
    Fetcher,
    HTTPStatusError,
    Timeout,
    TooLarge,
    TooManyRedirects,
)

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def mock_fetcher(handler: Handler, **options: int | float) -> Fetcher:
    # guard=None: redirects stay on the mock transport (news/test_redirects.py tests the address rules).
    return Fetcher(Fetcher.make_client(transport=httpx.MockTransport(handler)), guard=None,
                   **options)  # type: ignore[arg-type]


async def test_user_agent_names_storybot_and_its_project_url() -> None:
    assert "storybot" in USER_AGENT and "https://" in USER_AGENT
    async with FeedServer() as server:
        url = server.add("/f.xml", RSS)
        fetcher = Fetcher(Fetcher.make_client())
        await fetcher.fetch(url)
        await fetcher.aclose()
    assert server.user_agents == {USER_AGENT}


async def test_conditional_get_returns_not_modified_without_a_body() -> None:
    async with FeedServer() as server:
        url = server.add("/f.xml", RSS)
        fetcher = Fetcher(Fetcher.make_client())
        first = await fetcher.fetch(url)
        again = await fetcher.fetch(url, etag=first.etag)
        await fetcher.aclose()
    assert first.body == RSS and not first.not_modified and first.etag
    assert again.not_modified and again.body == b""


async def test_last_modified_is_sent_back() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(304)

    result = await mock_fetcher(handler).fetch("http://a.test/f", "W/\"1\"", "Tue, 18 Mar 2014 10:00:00 GMT")
    assert result.not_modified
    assert seen[0].headers["if-none-match"] == 'W/"1"'
    assert seen[0].headers["if-modified-since"] == "Tue, 18 Mar 2014 10:00:00 GMT"


async def test_declared_size_over_the_cap_is_refused_before_reading() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(10**9)}, content=b"")

    with pytest.raises(TooLarge, match="1000000000 bytes"):
        await mock_fetcher(handler, max_bytes=1024).fetch("http://a.test/f")


async def test_a_50_mb_stream_stops_at_the_cap_with_bounded_memory() -> None:
    async with FeedServer() as server:
        url = server.add("/huge.xml", stream_bytes=50 * 1024 * 1024)
        fetcher = Fetcher(Fetcher.make_client(), max_bytes=5 * 1024 * 1024)
        tracemalloc.start()
        try:
            with pytest.raises(TooLarge):
                await fetcher.fetch(url)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        await fetcher.aclose()
    assert peak < 20 * 1024 * 1024


async def test_a_trickling_server_hits_the_total_timeout() -> None:
    async with FeedServer() as server:
        url = server.add("/slow.xml", RSS * 10, trickle=0.02)  # each byte well within any read timeout
        fetcher = Fetcher(Fetcher.make_client(total_timeout=5), timeout=0.5)
        started = time.monotonic()
        with pytest.raises(Timeout, match=r"after 0\.5 s"):
            await fetcher.fetch(url)
        await fetcher.aclose()
    assert time.monotonic() - started < 2


async def test_connect_timeout_and_network_errors_are_translated() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "slow.test":
            raise httpx.ConnectTimeout("connect timed out", request=request)
        raise httpx.ConnectError("refused", request=request)

    fetcher = mock_fetcher(handler)
    with pytest.raises(Timeout):
        await fetcher.fetch("http://slow.test/f")
    with pytest.raises(Exception, match="ConnectError"):
        await fetcher.fetch("http://down.test/f")


def redirects(chain: dict[str, str], status: int = 302) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        target = chain.get(request.url.path)
        if target is None:
            return httpx.Response(200, content=RSS)
        return httpx.Response(status, headers={"Location": target})

    return handler


async def test_five_redirects_are_followed_six_are_not() -> None:
    five = {f"/{i}": f"/{i + 1}" for i in range(5)}
    result = await mock_fetcher(redirects(five)).fetch("http://a.test/0")
    assert result.url == "http://a.test/5" and result.body == RSS
    six = {f"/{i}": f"/{i + 1}" for i in range(6)}
    with pytest.raises(TooManyRedirects, match="more than 5"):
        await mock_fetcher(redirects(six)).fetch("http://a.test/0")


async def test_redirect_loop_and_non_http_targets() -> None:
    with pytest.raises(TooManyRedirects, match="loop"):
        await mock_fetcher(redirects({"/a": "/b", "/b": "/a"})).fetch("http://a.test/a")
    with pytest.raises(BadURL):
        await mock_fetcher(redirects({"/a": "file:///etc/passwd"})).fetch("http://a.test/a")


async def test_permanent_redirect_is_reported() -> None:
    result = await mock_fetcher(redirects({"/old": "https://b.test/new"}, status=301)).fetch("http://a.test/old")
    assert result.permanent_redirect == "https://b.test/new"
    result = await mock_fetcher(redirects({"/old": "/tmp"}, status=302)).fetch("http://a.test/old")
    assert result.permanent_redirect is None


@pytest.mark.parametrize("url", ["ftp://a.test/f", "file:///etc/passwd", "javascript:alert(1)", "http:///nohost"])
async def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BadURL):
        await mock_fetcher(redirects({})).fetch(url)


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [(500, {}, None), (404, {}, None), (410, {}, None), (429, {"Retry-After": "120"}, 120.0),
     (503, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}, "future"), (503, {"Retry-After": "soon"}, None)],
)
async def test_statuses_become_http_status_errors(status: int, headers: dict[str, str], retry_after: object) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers)

    with pytest.raises(HTTPStatusError) as caught:
        await mock_fetcher(handler).fetch("http://a.test/f")
    assert caught.value.status == status and f"HTTP {status}" in str(caught.value)
    if retry_after == "future":
        assert caught.value.retry_after is not None and caught.value.retry_after > 86400
    else:
        assert caught.value.retry_after == retry_after


async def test_global_and_per_host_limits() -> None:
    active: Counter[str] = Counter()
    peak: Counter[str] = Counter()

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        active[host] += 1
        active["*"] += 1
        peak[host] = max(peak[host], active[host])
        peak["*"] = max(peak["*"], active["*"])
        await asyncio.sleep(0.01)
        active[host] -= 1
        active["*"] -= 1
        return httpx.Response(200, content=RSS)

    fetcher = mock_fetcher(handler, concurrency=5, per_host=2)
    urls = [f"http://h{i % 4}.test/{i}" for i in range(40)]
    await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    assert peak["*"] == 5
    assert max(peak[f"h{i}.test"] for i in range(4)) == 2
