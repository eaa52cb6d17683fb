"""The benchmark's feed farm: 1,000 generated feeds served from 127.0.0.1 by a separate process (aiohttp).

Every feed is a deterministic function of (feed number, generation), so the runner knows the truth without asking.
Two entries in every 50 are syndicated copies of the previous feed's articles (same article, tracking parameters
added), so a correct ingest stores 48 articles per feed and generation, not 50.

Control (from the runner): POST /_control?generation=N, and POST /_faults with a JSON {feed number: kind} where
kind is "500", "timeout" or "malformed".
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

ENTRIES = 50
NEW_PER_GENERATION = 5  # each generation adds this many entries and drops as many of the oldest
SYNDICATE_EVERY = 25  # entry i with i % 25 == 24 copies the previous feed's entry i - 1
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def article_url(feed: int, serial: int) -> str:
    return f"https://outlet{feed % 200}.example/news/{feed}/{serial}"


def entry_serials(generation: int) -> range:
    first = (generation - 1) * NEW_PER_GENERATION
    return range(first, first + ENTRIES)


def entry_links(feeds: int, feed: int, generation: int) -> list[tuple[str, str, str]]:
    """(guid, link as served, the article's true URL) for every entry of one feed in one generation."""
    out = []
    for serial in entry_serials(generation):
        if serial % SYNDICATE_EVERY == SYNDICATE_EVERY - 1:
            true_url = article_url((feed - 1) % feeds, serial - 1)
            out.append((f"f{feed}-syn{serial}", true_url + "?utm_source=partner&ref_src=x", true_url))
        else:
            true_url = article_url(feed, serial)
            out.append((f"f{feed}-e{serial}", true_url + "?utm_medium=rss#top", true_url))
    return out


def truth(feeds: int, polled: dict[int, int]) -> set[str]:
    """The true URLs of every article in the generations each feed was polled up to (feed -> last generation)."""
    return {
        true_url
        for feed in range(feeds)
        for generation in range(1, polled.get(feed, 0) + 1)
        for _guid, _link, true_url in entry_links(feeds, feed, generation)
    }


def feed_xml(feeds: int, feed: int, generation: int) -> bytes:
    items = []
    for serial, (guid, link, _) in zip(entry_serials(generation), entry_links(feeds, feed, generation), strict=True):
        when = format_datetime(EPOCH + timedelta(minutes=serial * 7 + feed % 60))
        summary = (f"<p>The council of <b>district {feed}</b> voted on item {serial} after a long debate about "
                   "buses, bike lanes and the budget.</p>")
        items.append(
            f"<item><title>Outlet {feed % 200} report {serial}: council votes on budget &amp; transit plan</title>"
            f"<link>{escape(link)}</link><guid isPermaLink=\"false\">{guid}</guid><pubDate>{when}</pubDate>"
            f"<description>{escape(summary)}</description><category>local</category></item>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {feed}</title>'
            f"<link>https://outlet{feed % 200}.example/</link><description>generated</description>"
            f"{''.join(items)}</channel></rss>").encode()


class Farm:
    def __init__(self, feeds: int) -> None:
        self.feeds = feeds
        self.generation = 1
        self.faults: dict[int, str] = {}
        self._cache: dict[tuple[int, int], tuple[bytes, str]] = {}

    def body(self, feed: int) -> tuple[bytes, str]:
        key = (feed, self.generation)
        if key not in self._cache:
            body = feed_xml(self.feeds, feed, self.generation)
            self._cache[key] = (body, '"' + hashlib.sha1(body).hexdigest()[:20] + '"')
        return self._cache[key]

    async def handle_feed(self, request: web.Request) -> web.StreamResponse:
        feed = int(request.match_info["feed"])
        fault = self.faults.get(feed)
        if fault == "500":
            return web.Response(status=500, text="internal error")
        if fault == "timeout":
            await asyncio.sleep(60)
        if fault == "malformed":
            return web.Response(body=b"<rss><channel><<<\x00 not xml at all", content_type="text/xml")
        body, etag = self.body(feed)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"})

    async def control(self, request: web.Request) -> web.Response:
        self.generation = int(request.query["generation"])
        return web.Response(text="ok")

    async def set_faults(self, request: web.Request) -> web.Response:
        self.faults = {int(k): v for k, v in json.loads(await request.read()).items()}
        return web.Response(text="ok")


def serve(feeds: int, port_out: multiprocessing.connection.Connection) -> None:
    async def main() -> None:
        farm = Farm(feeds)
        app = web.Application()
        app.router.add_get("/feed/{feed}.xml", farm.handle_feed)
        app.router.add_post("/_control", farm.control)
        app.router.add_post("/_faults", farm.set_faults)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=2048)
        await site.start()
        port_out.send(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


def start(feeds: int) -> tuple[multiprocessing.process.BaseProcess, int]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=serve, args=(feeds, child), daemon=True)
    process.start()
    return process, int(parent.recv())
