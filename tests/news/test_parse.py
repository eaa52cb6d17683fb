"""news.parse: feedparser on bytes, RSS 0.9x/1.0/2.0 and Atom, and broken bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.parse import FeedParseError, parse_feed
from tests.conftest import FIXTURES

BAD = FIXTURES / "feeds_bad"

RSS091 = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><item><title>One</title><link>http://old.test/1</link></item></channel></rss>"""
RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="http://rdf.test/"><title>RDF</title></channel>
<item rdf:about="http://rdf.test/1"><title>One</title><link>http://rdf.test/1</link><dc:date>2014-03-18T10:00:00Z</dc:date>
</item></rdf:RDF>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title type="html">&lt;b&gt;Bold&lt;/b&gt; news</title><id>tag:a,2014:1</id><link href="http://a.test/1"/>
<published>2014-03-18T10:00:00+02:00</published><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
<category term="world"/></entry></feed>"""
RSS2 = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>R</title><ttl>60</ttl>
<item><title>T</title><link>http://r.test/1</link><guid>g1</guid><pubDate>Tue, 18 Mar 2014 10:00:00 -0400</pubDate>
<category>a</category><category>b</category></item></channel></rss>"""


@pytest.mark.parametrize(("body", "link"), [(RSS091, "http://old.test/1"), (RDF, "http://rdf.test/1"),
                                            (ATOM, "http://a.test/1"), (RSS2, "http://r.test/1")])
def test_every_feed_dialect(body: bytes, link: str) -> None:
    feed = parse_feed(body, "application/xml")
    assert [e.link for e in feed.entries] == [link]
    assert feed.warning is None


def test_fields_times_and_ttl() -> None:
    rss = parse_feed(RSS2, "application/rss+xml")
    entry = rss.entries[0]
    assert (rss.title, rss.ttl_minutes, entry.guid, entry.categories) == ("R", 60, "g1", ("a", "b"))
    assert entry.published == datetime(2014, 3, 18, 14, 0, tzinfo=UTC)
    atom = parse_feed(ATOM, "application/atom+xml").entries[0]
    assert atom.published == datetime(2014, 3, 18, 8, 0, tzinfo=UTC)
    assert atom.summary == "<p>Body</p>" and atom.categories == ("world",)


def test_real_fixture_feeds_parse() -> None:
    for path in sorted((FIXTURES / "feeds").glob("*.xml")):
        feed = parse_feed(path.read_bytes(), "application/rss+xml; charset=utf-8")
        assert feed.entries and feed.ttl_minutes == 15 and feed.warning is None, path.name


def test_broken_xml_is_recovered_with_a_warning() -> None:
    feed = parse_feed((BAD / "malformed.xml").read_bytes(), "application/rss+xml")
    assert len(feed.entries) == 2 and feed.warning and "SAXParseException" in feed.warning


def test_wrong_charset_is_decoded_and_noted() -> None:
    feed = parse_feed((BAD / "wrong_charset.xml").read_bytes(), "application/rss+xml")
    assert feed.entries[0].title == "Café crème prices soar in Zürich"
    assert feed.warning and "CharacterEncodingOverride" in feed.warning


def test_an_empty_feed_is_not_an_error() -> None:
    feed = parse_feed((BAD / "empty.xml").read_bytes(), "application/rss+xml")
    assert feed.entries == () and feed.title == "Nothing today"


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [((BAD / "not_a_feed.html").read_bytes(), "text/html", "not an RSS or Atom feed"),
     (b"", None, "not an RSS or Atom feed"),
     (b"<rss><channel><<<\x00 garbage", "text/xml", "broken feed with no readable entries"),
     ((BAD / "bomb.xml").read_bytes(), "application/rss+xml", "entities")],
)
def test_unreadable_bodies(body: bytes, content_type: str | None, reason: str) -> None:
    with pytest.raises(FeedParseError, match=reason):
        parse_feed(body, content_type)


def test_an_entity_bomb_is_never_expanded_even_past_the_checked_prolog() -> None:
    padded = (BAD / "bomb.xml").read_bytes().replace(b"<!DOCTYPE", b"<!--" + b" " * 70_000 + b"-->\n<!DOCTYPE", 1)
    padded = padded.replace(b'<?xml version="1.0"?>\n', b"", 1)
    try:
        feed = parse_feed(padded, "application/rss+xml")
    except FeedParseError:
        return
    assert all(len(e.title) < 100 and len(e.summary) < 100 for e in feed.entries)
