"""The soak's feeds: real UCI headlines re-dated into the simulated days, served as RSS by an httpx.MockTransport.

The UCI dev set (../shared/bench/uci-dev.jsonl) holds 24,090 headlines of 7 days from 3,923 outlets. Each outlet
belongs to one of 300 feeds (by a hash of its name; `--feeds N` keeps the first N, so the volume scales with the
feeds), and simulated day k replays the headlines of collection day k mod 7, each at a random time of that day,
with a guid and link made unique per replay (a replay a week later is a new article). A feed serves its newest 20
items of the last two days, with an ETag (an unchanged feed costs a 304, as a real one does) and a Cache-Control
max-age of the soak's feed cadence (`--feed-hours`), which the product's poll schedule honours.

Some feeds die for a while (HTTP 500 for 1 to 6 days, then recover); one in a hundred dies for good (after
FETCH_PAUSE_AFTER_HOURS the product pauses it).
"""

from __future__ import annotations

import json
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

import httpx

UCI = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "uci-dev.jsonl"  # ../shared/bench
ALL_FEEDS = 300  # the outlets are spread over this many feeds whatever --feeds says
SERVED = 20
KEEP = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Item:
    published: datetime
    title: str
    guid: str
    link: str
    source: str


def feed_url(index: int) -> str:
    return f"https://feeds{index % 17}.example/feed/{index}.xml"


def load_uci(path: Path = UCI) -> list[list[tuple[str, str, str, str]]]:
    """The headlines by collection day: (id, title, url, source) lists, oldest day first."""
    days: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            days[row["published"][:10]].append((row["id"], row["title"], row["url"], row["source"] or "unknown"))
    return [days[d] for d in sorted(days)]


class FeedFarm:
    """Every feed's items, made a simulated day at a time, and the HTTP answers for them."""

    def __init__(self, feeds: int, start: date, days: int, seed: int, clock: list[datetime], *, max_age: int,
                 uci: list[list[tuple[str, str, str, str]]] | None = None) -> None:
        self.feeds, self.start, self.clock = feeds, start, clock
        self.cache_control = f"max-age={max_age}"  # how often the feeds ask to be polled at most
        self.uci = uci if uci is not None else load_uci()
        self.rng = random.Random(seed)
        self.items: dict[int, list[Item]] = defaultdict(list)  # feed -> items, oldest first
        self.made_until = -1
        self.dead: dict[int, tuple[datetime, datetime]] = {}  # feed -> (from, until)
        self.requests = self.not_modified = self.errors = 0
        for index in range(feeds):
            if self.rng.random() < 0.08:  # dies once in the run, for 1 to 6 days (or for good)
                died = datetime.combine(start, datetime.min.time(), clock[0].tzinfo) + timedelta(
                    days=self.rng.uniform(1, max(1, days - 2)))
                length = timedelta(days=3650) if self.rng.random() < 0.12 else timedelta(days=self.rng.uniform(1, 6))
                self.dead[index] = (died, died + length)

    def urls(self) -> list[tuple[str, str, str, bool]]:
        """(url, title, category, aggregator) rows for storage.feeds.upsert_feeds."""
        return [(feed_url(i), f"Soak feed {i}", "news", False) for i in range(self.feeds)]

    def make_day(self, day_number: int) -> int:
        """Add simulated day `day_number`'s items (idempotent); how many were added."""
        if day_number <= self.made_until:
            return 0
        self.made_until = day_number
        replay, source_day = divmod(day_number, len(self.uci))
        midnight = datetime.combine(self.start + timedelta(days=day_number), datetime.min.time(), self.clock[0].tzinfo)
        made: list[tuple[int, Item]] = []
        for item_id, title, url, source in self.uci[source_day]:
            feed = zlib.crc32(source.encode()) % ALL_FEEDS
            if feed >= self.feeds:
                continue
            published = midnight + timedelta(seconds=self.rng.randrange(86_400))
            made.append((feed, Item(published, title, f"{item_id}-r{replay}", replayed(url, replay), source)))
        made.sort(key=lambda pair: pair[1].published)
        for feed, item in made:
            self.items[feed].append(item)
        cutoff = midnight - KEEP
        for items in self.items.values():
            keep_from = next((n for n, item in enumerate(items) if item.published >= cutoff), len(items))
            del items[:keep_from]
        return len(made)

    def served(self, feed: int, now: datetime) -> list[Item]:
        items = [item for item in self.items.get(feed, ()) if now - KEEP <= item.published <= now]
        return items[-SERVED:]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        name = request.url.path.rsplit("/", 1)[1].removesuffix(".xml")
        if not name.isdigit():  # not one of the farm's feeds (bench/memory.py's loaded database has others)
            return httpx.Response(404, text="no such feed")
        feed = int(name)
        now = self.clock[0]
        dead = self.dead.get(feed)
        if dead is not None and dead[0] <= now < dead[1]:
            self.errors += 1
            return httpx.Response(500, text="the feed's server is down")
        items = self.served(feed, now)
        etag = f'"{feed}-{len(items)}-{items[-1].guid if items else "none"}"'
        if request.headers.get("if-none-match") == etag:
            self.not_modified += 1
            return httpx.Response(304, headers={"etag": etag, "cache-control": self.cache_control})
        return httpx.Response(200, content=rss(feed, items), headers={
            "etag": etag, "content-type": "application/rss+xml", "cache-control": self.cache_control})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)


def replayed(url: str, replay: int) -> str:
    """The article's link in replay `replay`: another path on the same site (a fragment or a query would be
    normalized away, and the replay would be the week-old article again)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/r{replay}{parts.path or '/'}"))


def rss(feed: int, items: list[Item]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
        f"<guid isPermaLink=\"false\">{escape(item.guid)}</guid><pubDate>{format_datetime(item.published)}</pubDate>"
        f"<source url=\"https://{escape(item.source.replace(' ', '').lower()[:40])}.example/\">{escape(item.source)}"
        f"</source></item>"
        for item in reversed(items)
    )
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Soak feed {feed}</title>"
            f"<link>{feed_url(feed)}</link><description>soak</description>{entries}</channel></rss>").encode()
