"""An entry's picture: found without a fetch, and every image URL checked as hostile input."""

from __future__ import annotations

import pytest

from news.images import MAX_IMAGE_URL, entry_image, image_url
from news.parse import parse_feed


@pytest.mark.parametrize("url", [
    "https://cdn.example.com/a.jpg", "http://images.example.org/x?w=1&h=2", "https://8.8.8.8/pic.png",
    "  https://cdn.example.com/a.jpg  ",
])
def test_public_http_urls_pass(url: str) -> None:
    assert image_url(url) == url.strip()


@pytest.mark.parametrize("url", [
    "", "javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://example.com/a.jpg", "file:///etc/passwd",
    "//cdn.example.com/a.jpg", "/relative/a.jpg", "http://localhost/a.jpg", "http://127.0.0.1/a.jpg",
    "http://10.0.0.7/a.jpg", "http://192.168.1.1/a.jpg", "http://169.254.169.254/latest/meta-data",
    "http://[::1]/a.jpg", "http://[::ffff:127.0.0.1]/a.jpg", "http://intranet/a.jpg", "http://printer.local/a.jpg",
    "http://metadata.google.internal/a.jpg", "http://2130706433/a.jpg", "https://user:pw@cdn.example.com/a.jpg",
    "https://cdn.example.com/a b.jpg", 'https://cdn.example.com/a".jpg', "https://cdn.example.com:99999/a.jpg",
    "https://cdn.example.com/\x00.jpg", "https://cdn.example.com/" + "a" * MAX_IMAGE_URL, "http://[::1/a.jpg",
])
def test_everything_else_is_refused(url: str) -> None:
    assert image_url(url) == ""


def test_preference_media_content_then_thumbnail_then_enclosure_then_img() -> None:
    entry = {
        "media_content": [{"url": "https://x.example/v.mp4", "medium": "video"},
                          {"url": "https://x.example/c.jpg", "medium": "image"}],
        "media_thumbnail": [{"url": "https://x.example/t.jpg"}],
        "enclosures": [{"href": "https://x.example/e.jpg", "type": "image/jpeg"}],
    }
    html = '<p><img src="https://x.example/i.jpg"></p>'
    assert entry_image(entry, html) == "https://x.example/c.jpg"
    assert entry_image({**entry, "media_content": []}, html) == "https://x.example/t.jpg"
    assert entry_image({"enclosures": entry["enclosures"]}, html) == "https://x.example/e.jpg"
    assert entry_image({"enclosures": [{"href": "https://x.example/a.mp3", "type": "audio/mpeg"}]}, html) == (
        "https://x.example/i.jpg")
    assert entry_image({}, "<img alt='no source'> <img src='http://10.1.1.1/a.jpg'>") == ""


def test_a_huge_hostile_entry_is_bounded_and_quick() -> None:
    junk = "<img " + "a" * 100_000 + "<img src=" * 20_000
    assert entry_image({"media_content": [{"url": "x"}] * 10_000}, junk) == ""


def test_parsed_from_a_real_feed_body() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
    <title>T</title><item><title>A</title><link>https://n.example/a</link>
    <media:content url="https://n.example/a.jpg?x=1&amp;y=2" medium="image"/></item>
    <item><title>B</title><link>https://n.example/b</link><enclosure url="https://n.example/b.png" type="image/png"
    length="1"/></item><item><title>C</title><link>https://n.example/c</link></item></channel></rss>"""
    images = [entry.image for entry in parse_feed(body).entries]
    assert images == ["https://n.example/a.jpg?x=1&y=2", "https://n.example/b.png", ""]
