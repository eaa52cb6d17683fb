"""news.normalize: canonical URLs, plain text, UTC times, dedup keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.normalize import canonical_url, clean_text, normalize_entry, publish_time
from news.parse import RawEntry

NOW = datetime(2014, 3, 18, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTP://WWW.Example.COM/a?utm_source=x&id=3&utm_whatever=1&fbclid=z#frag", "http://www.example.com/a?id=3"),
        ("https://ex.com/a?gclid=1&mc_cid=2&igshid=3", "https://ex.com/a"),
        ("https://ex.com:443/a", "https://ex.com/a"),
        ("http://ex.com:443/a", "http://ex.com:443/a"),
        ("https://ex.com:8443/x?b=2&a=1", "https://ex.com:8443/x?b=2&a=1"),
        ("https://ex.com", "https://ex.com/"),
        ("  https://ex.com/p?pk_campaign=c&q=news  ", "https://ex.com/p?q=news"),
        ("", ""),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<p>Hello&nbsp;<b>world</b></p>\n\n  again", "Hello world again"),
        ("Tom &amp; Jerry &#8217;s", "Tom & Jerry ’s"),
        ("<script>evil()</script>Safe", "Safe"),
        ("A story. Continue reading...", "A story."),
        ("Text <a href='x'>Read more</a>", "Text"),
        ("Body. The post Big News appeared first on Example Site.", "Body."),
    ],
)
def test_clean_text(raw: str, text: str) -> None:
    assert clean_text(raw, 500) == text


def test_clean_text_is_capped_on_a_word() -> None:
    assert clean_text("word " * 100, 22) == "word word word word…"


def test_publish_time() -> None:
    assert publish_time(None, NOW) == NOW
    assert publish_time(datetime(1900, 1, 1, tzinfo=UTC), NOW) == NOW
    assert publish_time(datetime(3000, 1, 1, tzinfo=UTC), NOW) == NOW
    assert publish_time(NOW + timedelta(minutes=5), NOW) == NOW + timedelta(minutes=5)  # clock skew is fine
    assert publish_time(NOW - timedelta(days=2), NOW) == NOW - timedelta(days=2)


def entry(**fields: object) -> RawEntry:
    values: dict[str, object] = {"guid": "", "link": "", "title": "", "summary": "", "published": None,
                                 "categories": ()}
    return RawEntry(**{**values, **fields})  # type: ignore[arg-type]


def test_normalize_entry() -> None:
    article = normalize_entry(
        entry(guid="g1", link="https://www.bbc.co.uk/news/x?utm_source=rss", title="<b>Big</b> news",
              summary="<p>Big news</p>", categories=("world",)),
        NOW,
    )
    assert article is not None
    assert (article.dedup_key, article.url, article.title, article.summary) == (
        "g1", "https://www.bbc.co.uk/news/x", "Big news", "")
    assert article.published == NOW and article.domain == "bbc.co.uk" and article.categories == ("world",)


def test_dedup_key_falls_back_to_the_canonical_link() -> None:
    article = normalize_entry(entry(link="https://ex.com/a?utm_medium=x", title="T"), NOW)
    assert article is not None and article.dedup_key == "https://ex.com/a"


def test_entries_without_link_or_text() -> None:
    assert normalize_entry(entry(title="No link"), NOW) is None
    assert normalize_entry(entry(link="javascript:x", title="Bad link"), NOW) is None
    assert normalize_entry(entry(link="https://ex.com/a"), NOW) is None
    by_guid = normalize_entry(entry(guid="https://ex.com/p", title="Permalink"), NOW)
    assert by_guid is not None and by_guid.url == "https://ex.com/p"
    untitled = normalize_entry(entry(link="https://ex.com/b", summary="word " * 40), NOW)
    assert untitled is not None and untitled.title.endswith("…") and len(untitled.title) <= 121
