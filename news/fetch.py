"""The only feed HTTP in the project: conditional GET, size cap, timeouts, redirects, per-host limits.

Exception tree (every httpx error and bad status is translated here, once):

    FetchError
    ├── BadURL            not http(s), or no host
    ├── NetworkError      DNS, refused, reset, TLS
    │   └── Timeout       connect or total time exceeded
    ├── TooLarge          body over the cap (checked while streaming)
    ├── TooManyRedirects  more than MAX_REDIRECTS hops, or a loop
    ├── HTTPStatusError   4xx/5xx; `status`, `retry_after` (seconds, from Retry-After)
    └── UnsafeURL         (news.urlguard) a user's URL that resolves to a private/loopback/link-local address

Timeouts: the client's connect timeout bounds connecting; `timeout` bounds the whole fetch (all redirects and the
body), so a server that trickles one byte at a time still fails on time.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "BadURL",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "HTTPStatusError",
    "NetworkError",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
    "URLCheck",
    "UnsafeURL",
    "parse_retry_after",
]

USER_AGENT = "storybot/0.1 (+https://github.com/storybot/storybot; feed reader)"
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A feed could not be fetched; the message is what operators see."""


class BadURL(FetchError):
    pass


class NetworkError(FetchError):
    pass


class Timeout(NetworkError):
    pass


class TooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class UnsafeURL(BadURL):
    """The URL points into a private network (only checked for URLs that chat users add)."""


URLCheck = Callable[[str], Awaitable[None]]  # raises FetchError to refuse a URL; run on every hop


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


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class Fetcher:
    """Shares one AsyncClient; bounds global and per-host concurrency."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_bytes: int = 5 * 1024 * 1024,
        concurrency: int = 20,
        per_host: int = 2,
        timeout: float = 20.0,
    ) -> None:
        """`timeout` is the total for one feed; the connect timeout lives on the client (see make_client)."""
        self._client = client
        self._max_bytes = max_bytes
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._timeout = timeout

    @staticmethod
    def make_client(
        connect_timeout: float = 10.0, total_timeout: float = 20.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> httpx.AsyncClient:
        """The shared client: our User-Agent, no automatic redirects (we follow and count them ourselves)."""
        return httpx.AsyncClient(
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, "
                     "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"},
            timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None, *, check: URLCheck | None = None
    ) -> FetchResult:
        """GET a feed. `check` vets the URL and every redirect target (for URLs a chat user gave)."""
        host = _check_url(url)
        # The host slot first: a feed waiting for a busy host must not hold one of the global slots meanwhile.
        async with self._hosts[host], self._global:
            try:
                return await asyncio.wait_for(self._follow(url, etag, last_modified, check), self._timeout)
            except TimeoutError as exc:
                raise Timeout(f"timed out after {self._timeout:g} s") from exc

    async def _follow(
        self, url: str, etag: str | None, last_modified: str | None, check: URLCheck | None
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = {url}
        permanent: str | None = None
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            if check is not None:
                await check(current)
            result = await self._get_once(current, headers)
            if isinstance(result, FetchResult):
                if permanent:
                    return replace(result, permanent_redirect=permanent)
                return result
            status, location = result
            target = str(httpx.URL(current).join(location))
            _check_url(target)
            if target in seen:
                raise TooManyRedirects(f"redirect loop at {target}")
            seen.add(target)
            if status in (301, 308) and permanent is None and current == url:
                permanent = target
            elif status not in (301, 308):
                permanent = None
            current = target
        raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")

    async def _get_once(self, url: str, headers: dict[str, str]) -> FetchResult | tuple[int, str]:
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    return response.status_code, response.headers["location"]
                if response.status_code == 304:
                    return _result(response, b"", not_modified=True)
                if response.status_code >= 400:
                    retry = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                    raise HTTPStatusError(response.status_code, retry)
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self._max_bytes:
                    raise TooLarge(f"body of {int(declared)} bytes is over the {self._max_bytes} byte cap")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self._max_bytes:
                        raise TooLarge(f"body is over the {self._max_bytes} byte cap")
                    chunks.append(chunk)
                return _result(response, b"".join(chunks), not_modified=False)
        except httpx.TimeoutException as exc:
            raise Timeout(f"timed out: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}"[:300]) from exc


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadURL(f"not an http(s) URL: {url[:200]}")
    return parts.hostname.lower()


def _result(response: httpx.Response, body: bytes, *, not_modified: bool) -> FetchResult:
    h = response.headers
    return FetchResult(
        url=str(response.url),
        not_modified=not_modified,
        body=body,
        content_type=h.get("content-type"),
        etag=h.get("etag"),
        last_modified=h.get("last-modified"),
        cache_control=h.get("cache-control"),
        expires=h.get("expires"),
    )

