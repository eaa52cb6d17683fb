from __future__ import annotations

from collections import Counter

import listparser
import pytest

from news.opml import FeedSpec, OpmlError, export_opml, load_default_feeds, parse_opml
from news.sources import domain_of, load_outlets

SECTIONS = {"world", "business", "technology", "science", "health", "sports", "entertainment"}

READER_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="News" title="News">
      <outline text="World">
        <outline type="rss" text="BBC World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
      </outline>
      <outline type="rss" text="NYT" title="The New York Times" xmlUrl="https://rss.nytimes.com/services/xml/rss/nyt/World.xml"/>
    </outline>
    <outline text="Again" >
      <outline type="rss" text="BBC twice" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
    </outline>
    <outline type="rss" text="Loose &amp; fancy" xmlUrl="https://example.com/feed.xml"/>
    <outline type="rss" text="local file" xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
"""


def test_parse_reader_export() -> None:
    feeds = parse_opml(READER_EXPORT)
    assert feeds == [
        FeedSpec("https://feeds.bbci.co.uk/news/world/rss.xml", "BBC World", "News/World"),
        FeedSpec("https://rss.nytimes.com/services/xml/rss/nyt/World.xml", "NYT", "News"),
        FeedSpec("https://example.com/feed.xml", "Loose & fancy", ""),
    ]


def test_parse_accepts_str_without_fetching() -> None:
    assert parse_opml(READER_EXPORT.decode()) == parse_opml(READER_EXPORT)
    with pytest.raises(OpmlError):
        parse_opml("https://example.com/subscriptions.opml")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        "   ",
        b"just some text",
        b"<html><body><a href='https://x.com/feed'>feed</a></body></html>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_non_opml_raises(data: bytes | str) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data)


def test_parse_honours_declared_encoding() -> None:
    doc = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><opml version="2.0"><body>'
        '<outline text="Café" xmlUrl="https://example.com/caf\u00e9.xml"/></body></opml>'
    )
    for data in (doc.encode("latin-1"), doc.replace("ISO-8859-1", "UTF-16").encode("utf-16"), doc):
        assert parse_opml(data) == [FeedSpec("https://example.com/caf\u00e9.xml", "Café")]


def test_undecodable_bytes_raise() -> None:
    with pytest.raises(OpmlError, match="utf-8"):
        parse_opml(
            b'<opml version="2.0"><body><outline text="\xff\xfe\xfa" xmlUrl="https://x/"/></body></opml>'
        )


def test_empty_opml_is_an_empty_list() -> None:
    assert parse_opml(b'<opml version="2.0"><head/><body/></opml>') == []


def test_round_trip() -> None:
    specs = [
        FeedSpec("https://example.com/a.xml", "Loose", ""),
        FeedSpec("https://feeds.bbci.co.uk/news/world/rss.xml", 'BBC <World> & "friends"', "world"),
        FeedSpec("https://example.com/b?x=1&y=2", "", "business"),
        FeedSpec("https://example.com/c.xml", "Ünïcode — ok", "world"),
    ]
    text = export_opml(specs, title="mine & yours")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    back = parse_opml(text)
    assert sorted(back, key=lambda f: f.url) == sorted(specs, key=lambda f: f.url)
    parsed = listparser.parse(text.encode())
    assert parsed["meta"]["title"] == "mine & yours"
    assert parsed["version"] == "opml2"


def test_export_groups_by_category_in_first_seen_order() -> None:
    text = export_opml(
        [
            FeedSpec("https://a/1", "1", "b"),
            FeedSpec("https://a/2", "2", "a"),
            FeedSpec("https://a/3", "3", "b"),
        ]
    )
    assert text.index('text="b"') < text.index('text="a"')
    assert text.count('text="b"') == 1
    assert 'type="rss"' in text and 'xmlUrl="https://a/3"' in text


def test_default_feeds() -> None:
    feeds = load_default_feeds()
    assert len(feeds) >= 45
    assert len({f.url for f in feeds}) == len(feeds)
    assert all(f.title and f.category for f in feeds)
    assert {f.category for f in feeds} >= SECTIONS


def test_default_feeds_map_to_rated_outlets_on_every_side() -> None:
    outlets = load_outlets()
    sides: Counter[str] = Counter()
    for feed in load_default_feeds():
        outlet = outlets.by_domain(domain_of(feed.url))
        assert outlet is not None, feed.url
        sides[outlet.bias.side if outlet.bias else "unrated"] += 1
    assert sides["left"] >= 10 and sides["center"] >= 5 and sides["right"] >= 10
    assert max(sides["left"], sides["right"]) <= 1.5 * min(sides["left"], sides["right"])


def test_default_feeds_round_trip() -> None:
    feeds = load_default_feeds()
    assert parse_opml(export_opml(feeds)) == feeds


def test_the_aggregator_mark_round_trips() -> None:
    feeds = [FeedSpec("https://news.google.com/rss", "Google News", "world", aggregator=True),
             FeedSpec("https://example.com/feed.xml", "Example", "world")]
    text = export_opml(feeds)
    assert 'storybotAggregator="true"' in text and text.count("storybotAggregator") == 1
    assert parse_opml(text.encode()) == feeds


def test_an_entity_in_the_opml_does_not_mark_anything() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY t "true">]><opml version="2.0"><body>'
            '<outline xmlUrl="https://a.example/f" storybotAggregator="&t;"/></body></opml>')
    assert not any(f.aggregator for f in parse_opml(bomb.encode()))
