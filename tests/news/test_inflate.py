"""news.inflate through news.fetch: Content-Encoding decoded in bounded steps, so a bomb costs at most the cap."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.feed_server import FeedServer
from fakes.hostile_feeds import bomb
from news.fetch import BadEncoding, Fetcher, TooLarge
from news.inflate import BadEncoding as CodingError
from news.inflate import BodyTooLarge, Inflater

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>' * 50


@pytest.mark.parametrize(("coding", "body"), [
    ("gzip", gzip.compress(RSS)), ("x-gzip", gzip.compress(RSS)), ("deflate", zlib.compress(RSS)),
    ("deflate", zlib.compress(RSS)[2:-4]),  # raw deflate, as many servers send it
    ("gzip", gzip.compress(RSS[:100]) + gzip.compress(RSS[100:])),  # two gzip members
    ("gzip, gzip", gzip.compress(gzip.compress(RSS))), ("identity", RSS), ("", RSS),
])
async def test_codings_we_ask_for_are_decoded(coding: str, body: bytes) -> None:
    async with FeedServer() as server:
        url = server.add("/f.xml", body, headers={"Content-Encoding": coding} if coding else {})
        fetcher = Fetcher(Fetcher.make_client(), guard=None)
        result = await fetcher.fetch(url)
        await fetcher.aclose()
    assert result.body == RSS


@pytest.mark.parametrize("kind", ["gzip", "deflate", "raw"])
async def test_a_bomb_stops_at_the_cap_with_bounded_memory(kind: str) -> None:
    async with FeedServer() as server:
        url = server.add("/bomb.xml", bomb(kind, 256), headers={"Content-Encoding": "deflate" if kind != "gzip"
                                                                else "gzip"})
        fetcher = Fetcher(Fetcher.make_client(), max_bytes=1 << 20, guard=None)
        tracemalloc.start()
        try:
            with pytest.raises(TooLarge, match="1048576 byte cap"):
                await fetcher.fetch(url)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        await fetcher.aclose()
    assert peak < 8 << 20  # the cap (1 MB), a network chunk and a step, not the 256 MB inside


@pytest.mark.parametrize(("coding", "body", "reason"), [
    ("br", b"\x1b\x00", "not asked for"), ("gzip", b"not gzip at all", "corrupt gzip"),
    ("gzip", gzip.compress(RSS)[:-12], "truncated"), ("gzip, gzip, gzip", b"", "stacked"),
])
async def test_codings_we_did_not_ask_for_or_corrupt_data_are_refused(coding: str, body: bytes, reason: str) -> None:
    async with FeedServer() as server:
        url = server.add("/f.xml", body, headers={"Content-Encoding": coding})
        fetcher = Fetcher(Fetcher.make_client(), guard=None)
        with pytest.raises(BadEncoding, match=reason):
            await fetcher.fetch(url)
        await fetcher.aclose()


@settings(max_examples=200, deadline=1000)
@given(coding=st.sampled_from(["gzip", "deflate", "x-gzip", "gzip, deflate", "br", "", "identity, gzip"]),
       chunks=st.lists(st.binary(max_size=300), max_size=8))
def test_any_bytes_inflate_to_a_bounded_body_or_a_clear_refusal(coding: str, chunks: list[bytes]) -> None:
    try:
        body = Inflater(coding, 1000)
        for chunk in chunks:
            for _ in body.feed(chunk):
                pass
        assert len(body.finish()) <= 1000
    except (CodingError, BodyTooLarge):
        pass
