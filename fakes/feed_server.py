"""A local feed server for tests and benchmarks: files or bytes over HTTP on 127.0.0.1, with ETag/304.

    async with FeedServer() as server:
        server.add("/bbc.xml", Path("tests/fixtures/feeds/bbc.xml").read_bytes())
        url = server.url("/bbc.xml")

Routes can also misbehave on purpose (status codes, delays, trickling, redirects, huge bodies) for fault tests,
and send any header: a body already compressed is served as it is with `headers={"Content-Encoding": "gzip"}`,
and `declared_length` sends a Content-Length that the body does not have. `url(path, host=...)` names the server
by another host (for a resolver stub that maps it to 127.0.0.1). fakes/hostile_feeds.py is a corpus of such routes.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from aiohttp import web


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between 1-byte chunks (a slow server)
    redirect_to: str | None = None  # path or URL to redirect to
    redirect_status: int = 302
    stream_bytes: int = 0  # generate this many bytes instead of body (huge bodies without memory)
    conditional: bool = True  # honour If-None-Match / If-Modified-Since
    declared_length: str | None = None  # a Content-Length header that lies (the body is sent, then the end)


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def add(self, path: str, body: bytes = b"", **options: object) -> str:
        self.routes[path] = Route(body=body, **options)  # type: ignore[arg-type]
        return self.url(path)

    def add_dir(self, folder: Path, prefix: str = "/") -> list[str]:
        return [self.add(f"{prefix}{p.name}", p.read_bytes()) for p in sorted(folder.glob("*.xml"))]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)  # a client gone = done
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FeedServer:
        return await self.start()

    async def __aexit__(self, *exc: tuple[type[BaseException], BaseException, TracebackType] | None) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.user_agents.add(request.headers.get("User-Agent", ""))
        route = self.routes.get(path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.delay:
            await asyncio.sleep(route.delay)
        if route.redirect_to is not None:
            target = route.redirect_to if "://" in route.redirect_to else self.url(route.redirect_to)
            return web.Response(status=route.redirect_status, headers={"Location": target})
        etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, **route.headers}
        if route.conditional and route.status == 200 and request.headers.get("If-None-Match") == etag:
            self.not_modified[path] += 1
            return web.Response(status=304, headers=headers)
        if route.stream_bytes or route.trickle or route.declared_length:
            return await self._stream(request, route, headers)
        headers["Content-Type"] = route.content_type
        return web.Response(status=route.status, body=route.body, headers=headers)

    async def _stream(self, request: web.Request, route: Route, headers: dict[str, str]) -> web.StreamResponse:
        response = web.StreamResponse(status=route.status, headers={**headers, "Content-Type": route.content_type})
        if route.declared_length:
            response.headers["Content-Length"] = route.declared_length
        await response.prepare(request)
        try:
            if route.declared_length:
                await response.write(route.body)
            elif route.trickle:
                for byte in route.body:
                    await response.write(bytes([byte]))
                    await asyncio.sleep(route.trickle)
            else:
                chunk = b"<item><title>x</title></item>" * 2048
                sent = 0
                while sent < route.stream_bytes:
                    await response.write(chunk)
                    sent += len(chunk)
            await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            pass  # the client gave up, as it should
        return response
