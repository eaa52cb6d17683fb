"""The only feed HTTP in the project: conditional GET, size cap, timeouts, redirects, per-host limits.

Exception tree (every httpx error and bad status is translated here, once):

    FetchError
    ├── BadURL            not http(s), no host, or an unusable redirect Location
    │   └── UnsafeURL     a redirect to an address it may not reach (news.urlguard)
    ├── NetworkError      DNS, refused, reset, TLS, a broken HTTP message
    │   └── Timeout       connect or total time exceeded
    ├── TooLarge          body over the cap (declared, or counted while inflating)
    ├── BadEncoding       a Content-Encoding we did not ask for, or corrupt compressed data
    ├── TooManyRedirects  more than MAX_REDIRECTS hops, or a loop
    └── HTTPStatusError   4xx/5xx; `status`, `retry_after` (seconds, from Retry-After, bounded)

Timeouts: the client's connect timeout bounds connecting; `timeout` bounds the whole fetch (all redirects and the
body), so a server that trickles one byte at a time still fails on time. Bodies are inflated by news.inflate in
bounded steps; header values are read by news.headers (bounded) and kept only when they fit the feed's columns.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from news import headers as header_values
from news.inflate import ACCEPT_ENCODING, BodyTooLarge, Inflater
from news.inflate import BadEncoding as _BadCoding
from news.urlguard import AddressGuard, AddressRefused

__all__ = ["MAX_REDIRECTS", "MAX_URL", "USER_AGENT", "BadEncoding", "BadURL", "FetchError", "FetchResult", "Fetcher",
           "HTTPStatusError", "NetworkError", "Timeout", "TooLarge", "TooManyRedirects", "UnsafeURL"]

USER_AGENT = "storybot/0.1 (+https://github.com/storybot/storybot; feed reader)"
MAX_REDIRECTS = 5
MAX_URL = 2048  # the feeds.url column; a longer redirect target could never be stored
_KEEP = {"etag": 512, "last-modified": 128, "cache-control": 1000, "expires": 100, "content-type": 200}
_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50)


class FetchError(Exception):
    """A feed could not be fetched; the message is what operators see."""


class BadURL(FetchError):
    pass


class UnsafeURL(BadURL):
    """A redirect that leads to an address it may not reach (news.urlguard says which)."""


class NetworkError(FetchError):
    pass


class Timeout(NetworkError):
    pass


class TooLarge(FetchError):
    pass


class BadEncoding(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # final URL after redirects
    not_modified: bool
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    cache_control: str | None = None
    expires: str | None = None
    permanent_redirect: str | None = None  # new URL when a 301/308 moved the feed


@dataclass(frozen=True, slots=True)
class _Redirect:
    status: int
    location: str
    peer: str | None  # the address the answering connection reached, when known


class Fetcher:
    """Shares one AsyncClient for the feeds' own URLs, and one public-only client for where redirects lead."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_bytes: int = 5 * 1024 * 1024,
        concurrency: int = 20,
        per_host: int = 2,
        timeout: float = 20.0,
        guard: AddressGuard | None = AddressGuard(),  # noqa: B008 (frozen, stateless)
    ) -> None:
        """`timeout` is the total for one feed; the connect timeout lives on the client (see make_client).
        `guard=None` follows redirects on `client` unchecked: for tests whose client is an httpx.MockTransport."""
        self._client = client
        self._guard = guard
        self._public = None if guard is None else httpx.AsyncClient(
            transport=guard.transport(public_only=True, limits=_LIMITS), headers=client.headers,
            timeout=client.timeout, follow_redirects=False, trust_env=False,
        )
        self._max_bytes = max_bytes
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._timeout = timeout

    @staticmethod
    def make_client(
        connect_timeout: float = 10.0, total_timeout: float = 20.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> httpx.AsyncClient:
        """The shared client: our User-Agent, codings we can bound, no automatic redirects (we follow them)."""
        return httpx.AsyncClient(
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING,
                     "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
                     "*/*;q=0.5"},
            timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
            follow_redirects=False,
            limits=_LIMITS,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._public is not None:
            await self._public.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET a feed, following redirects within the rules of news.urlguard."""
        host = _check_url(url)
        # The host slot first: a feed waiting for a busy host must not hold one of the global slots meanwhile.
        async with self._hosts[host], self._global:
            try:
                return await asyncio.wait_for(self._follow(url, etag, last_modified), self._timeout)
            except TimeoutError as exc:
                raise Timeout(f"timed out after {self._timeout:g} s") from exc

    async def _follow(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = {url}
        permanent: str | None = None
        current = url
        client = self._client
        for hop in range(MAX_REDIRECTS + 1):
            result = await self._get_once(client, current, headers)
            if isinstance(result, FetchResult):
                return replace(result, permanent_redirect=permanent) if permanent else result
            target = _join(current, result.location)
            if target in seen:
                raise TooManyRedirects(f"redirect loop at {target}")
            seen.add(target)
            if hop == 0:
                client = await self._client_for_redirects(current, result.peer)
            if client is self._client and self._guard is not None:
                await _translated(self._guard.check_private_redirect(*_host_port(target)))
            if result.status in (301, 308) and permanent is None and current == url:
                permanent = target
            elif result.status not in (301, 308):
                permanent = None
            current = target
        raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")

    async def _client_for_redirects(self, url: str, peer: str | None) -> httpx.AsyncClient:
        """A feed on the operator's own network may redirect within it; any other only to public addresses."""
        if self._guard is None or self._public is None:
            return self._client
        host, port = _host_port(url)
        return self._client if await self._guard.private_origin(host, port, peer) else self._public

    async def _get_once(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> FetchResult | _Redirect:
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    return _Redirect(response.status_code, response.headers["location"], _peer(response))
                if response.status_code == 304:
                    return _result(response, b"", not_modified=True)
                if response.status_code >= 400:
                    retry = header_values.retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                    raise HTTPStatusError(response.status_code, retry)
                return _result(response, await self._body(response), not_modified=False)
        except httpx.TimeoutException as exc:
            raise Timeout(f"timed out: {type(exc).__name__}") from exc
        except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}"[:300]) from exc
        except AddressRefused as exc:
            raise UnsafeURL(str(exc)[:300]) from exc

    async def _body(self, response: httpx.Response) -> bytes:
        declared = header_values.content_length(response.headers.get("content-length"))
        if declared is not None and declared > self._max_bytes:
            raise TooLarge(f"declared body of {declared} bytes is over the {self._max_bytes} byte cap")
        try:
            if response.is_stream_consumed:  # built in memory (httpx.MockTransport): httpx decoded it already
                body = Inflater(None, self._max_bytes)
                for _ in body.feed(response.content):
                    pass
                return body.finish()
            body = Inflater(response.headers.get("content-encoding"), self._max_bytes)
            async for raw in response.aiter_raw():
                for _ in body.feed(raw):
                    await asyncio.sleep(0)  # let the loop run between steps of a big inflate
            return body.finish()
        except BodyTooLarge as exc:
            raise TooLarge(str(exc)) from exc
        except _BadCoding as exc:
            raise BadEncoding(str(exc)) from exc


async def _translated(check: Awaitable[None]) -> None:
    try:
        await check
    except AddressRefused as exc:
        raise UnsafeURL(str(exc)[:300]) from exc


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadURL(f"not an http(s) URL of at most {MAX_URL} characters: {url[:200]}")
    return parts.hostname.lower()


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"bad port in {url[:200]}") from exc
    return parts.hostname or "", port or (443 if parts.scheme == "https" else 80)


def _join(current: str, location: str) -> str:
    """The redirect target as an absolute http(s) URL we could store, or BadURL."""
    if len(location) > MAX_URL:
        raise BadURL(f"redirect Location of {len(location)} characters")
    try:
        target = str(httpx.URL(current).join(location.strip()))
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise BadURL(f"unusable redirect Location {location[:200]!r}") from exc
    _check_url(target)
    _host_port(target)
    return target


def _peer(response: httpx.Response) -> str | None:
    """The IP address the connection that answered reached (None through a mock transport)."""
    stream = response.extensions.get("network_stream")
    address = stream.get_extra_info("server_addr") if stream is not None else None
    return str(address[0]) if isinstance(address, tuple) and address else None


def _result(response: httpx.Response, body: bytes, *, not_modified: bool) -> FetchResult:
    def header(name: str) -> str | None:
        value = response.headers.get(name)
        return value if value is not None and len(value) <= _KEEP[name] else None

    return FetchResult(
        url=str(response.url), not_modified=not_modified, body=body, content_type=header("content-type"),
        etag=header("etag"), last_modified=header("last-modified"), cache_control=header("cache-control"),
        expires=header("expires"),
    )
