"""news.parse, news.xmlsafe, news.normalize on hostile bodies: entities never expanded whatever hides them, every
field bounded, and any bytes give a feed or a clear refusal (FeedParseError), never another exception."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes.hostile_feeds import corpus, item, rss
from news.normalize import EARLIEST, MAX_SUMMARY, MAX_TITLE, MAX_URL, normalize_feed, publish_time
from news.parse import FeedParseError, parse_feed, struct_time_utc
from news.xmlsafe import UnsafeXML, defuse

NOW = datetime(2026, 1, 1, tzinfo=UTC)
REFUSED = [f for f in corpus() if f.fails in ("entities", "DTD")]
FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("feed", REFUSED, ids=[f.name for f in REFUSED])
def test_every_entity_trick_is_refused_before_any_parser_sees_it(feed: object) -> None:
    started = time.monotonic()
    with pytest.raises(FeedParseError, match=feed.fails):  # type: ignore[attr-defined]
        parse_feed(feed.body, "application/rss+xml; charset=utf-8")  # type: ignore[attr-defined]
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("text", [
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://x/rss-0.91.dtd"><rss/>',
    "<!doctype rss><rss/>", "<rss><description><![CDATA[<!DOCTYPE html><p>hi</p>]]></description></rss>",
])
def test_an_external_doctype_is_dropped(text: str) -> None:
    assert "doctype" not in defuse(text).lower()


@pytest.mark.parametrize("text", ['<!DOCTYPE r [ <!-- ] --> <!ELEMENT r ANY> ]><r/>', '<!DOCTYPE r SYSTEM "a>b" [ ]>',
                                  "<!ENTITY% p 'x'>", "< !entity x 'y'>".replace(" !", "!  "), "<!\nENTITY"])
def test_subsets_and_declarations_are_refused_however_written(text: str) -> None:
    with pytest.raises(UnsafeXML):
        defuse(text)


def test_ten_thousand_entries_cost_the_parse_of_the_first_few() -> None:
    body = rss("".join(item(n, feed="many") for n in range(10_000)), channel="<ttl>30</ttl>").encode()
    started = time.monotonic()
    feed = parse_feed(body, "application/rss+xml", max_entries=50)
    assert (len(feed.entries), feed.ignored, feed.ttl_minutes) == (50, 9_950, 30)
    assert time.monotonic() - started < 2


@FAST
@given(body=st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_give_a_feed_or_a_refusal(body: bytes) -> None:
    try:
        feed = normalize_feed(body, None, NOW, max_entries=5)
    except FeedParseError:
        return
    assert len(feed.articles) <= 5


PIECE = st.text(max_size=80) | st.sampled_from(["&lol;", "<![CDATA[", "]]>", "<!--", "-->", "<b>", "\x00", "&#0;",
                                                "&#x110000;", "\ud800", "9" * 40, "-1", "http://[::1", "javascript:"])
DATE = st.sampled_from(["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 +9999", "2014-03-18T10:00:00Z",
                        "-1", "", "Sun, 01 Jan 1000000 00:00:00 GMT"]) | st.text(max_size=40)


@FAST
@given(title=PIECE, link=PIECE, guid=PIECE, date=DATE, ttl=PIECE, category=PIECE,
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1", "cp1252"]), charset=st.booleans())
def test_any_feed_fields_in_any_encoding_give_bounded_articles_or_a_refusal(
    title: str, link: str, guid: str, date: str, ttl: str, category: str, encoding: str, charset: bool
) -> None:
    entry = (f"<item><title>{title}</title><link>https://ok.test/{link}</link><guid>{guid}</guid>"
             f"<pubDate>{date}</pubDate><category>{category}</category></item>")
    text = rss(entry * 3, channel=f"<ttl>{ttl}</ttl>", declaration=f'<?xml version="1.0" encoding="{encoding}"?>')
    body = text.encode(encoding, "replace") if encoding in ("latin-1", "cp1252") else text.encode(
        encoding, "surrogatepass")
    content_type = f"application/rss+xml; charset={encoding}" if charset else "application/rss+xml"
    try:
        feed = normalize_feed(body, content_type, NOW, max_entries=2)
    except FeedParseError:
        return
    assert len(feed.articles) <= 2 and (feed.ttl_minutes is None or 1 <= feed.ttl_minutes <= 366 * 24 * 60)
    for article in feed.articles:
        assert len(article.title) <= MAX_TITLE and len(article.summary) <= MAX_SUMMARY
        assert len(article.url) <= MAX_URL and len(article.dedup_key) <= 2048
        assert "\x00" not in article.title and EARLIEST <= article.published <= NOW + timedelta(minutes=10)
        article.title.encode("utf-8")  # storable: no lone surrogate


@FAST
@given(fields=st.tuples(*[st.integers(-(10**12), 10**12)] * 9))
def test_any_time_tuple_gives_a_time_or_none(fields: tuple[int, ...]) -> None:
    when = struct_time_utc(time.struct_time(fields)) if abs(fields[0]) < 10**9 else struct_time_utc(fields)
    assert when is None or when.tzinfo is not None
    assert EARLIEST <= publish_time(when, NOW) <= NOW + timedelta(minutes=10)
