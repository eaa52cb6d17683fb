"""app.parsing: parses in worker processes, each with a time and a memory limit; a limit hit is that feed's
failure, and the next feed gets a healthy worker."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from app.parsing import ParseLimit, ParserPool
from fakes.hostile_feeds import item, rss
from news.parse import FeedParseError

NOW = datetime(2026, 1, 1, tzinfo=UTC)
GOOD = rss(item(1, feed="good") + item(2, feed="good")).encode()
SLOW = rss("<item>" + "<div>" * 400_000 + "</item>").encode()  # feedparser: many seconds, hundreds of MB
BIG = rss(item(1, title="word " * 2_000_000, feed="big")).encode()  # 10 MB of title: more than 64 MB to parse


async def parse(pool: ParserPool, body: bytes, max_entries: int | None = 10) -> object:
    return await pool.parse(body, "application/rss+xml", NOW, max_entries)


async def test_a_parse_in_a_worker_gives_the_normalized_feed() -> None:
    pool = ParserPool(2)
    try:
        feeds = await asyncio.gather(*(parse(pool, GOOD) for _ in range(5)))
        with pytest.raises(FeedParseError, match="entities"):
            await parse(pool, b'<!DOCTYPE r [<!ENTITY a "b">]><rss/>')
    finally:
        await pool.aclose()
    assert all(len(f.articles) == 2 for f in feeds)  # type: ignore[attr-defined]
    assert pool.started == 2  # reused, not one per parse


async def test_a_parse_over_its_time_is_stopped_and_the_next_one_works() -> None:
    pool = ParserPool(1, timeout=1.0)
    try:
        started = time.monotonic()
        with pytest.raises(ParseLimit, match=r"over 1 s"):
            await parse(pool, SLOW)
        assert time.monotonic() - started < 3
        assert len((await parse(pool, GOOD)).articles) == 2  # type: ignore[attr-defined]
    finally:
        await pool.aclose()
    assert pool.started == 2


async def test_a_parse_over_its_memory_fails_alone() -> None:
    pool = ParserPool(1, timeout=30, memory_mb=64)
    try:
        with pytest.raises(ParseLimit):
            await parse(pool, BIG)
        assert len((await parse(pool, GOOD)).articles) == 2  # type: ignore[attr-defined]
    finally:
        await pool.aclose()


async def test_a_worker_killed_while_idle_or_grown_too_big_is_replaced() -> None:
    pool = ParserPool(1, retire_mb=1)  # every worker's heap is over 1 MB: each is retired after one parse
    try:
        await parse(pool, GOOD)
        await parse(pool, GOOD)
        assert pool.started == 2
    finally:
        await pool.aclose()
    pool = ParserPool(1)
    try:
        await parse(pool, GOOD)
        pool._idle[0].kill()  # from outside, as the OOM killer would
        await asyncio.sleep(0.2)
        assert len((await parse(pool, GOOD)).articles) == 2  # type: ignore[attr-defined]
    finally:
        await pool.aclose()
