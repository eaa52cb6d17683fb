"""Story cards, pages and packing are valid Telegram HTML, escaped, and never too long (pure)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw, ImageFont

from app.digests import Digest
from bot.chart import coverage_chart, hourly_counts, wrap
from bot.render import MAX_MESSAGE, SOURCES_PER_PAGE, pack, sources_page, story_card
from bot.render_digest import digest_messages
from bot.render_pack import pack_stories
from bot.throttle import Throttle
from fakes.telegram_html import parse_html, utf16_len
from news.types import Coverage, SourceLine, StoryView
from news.words import search_terms

NOW = datetime(2026, 7, 31, 18, tzinfo=UTC)
VIEW = StoryView(
    story_id=7,
    headline="Russian and US Space Chiefs Meet to Discuss Continued Cooperation",
    headline_url="https://example.com/iss?a=1&b=2",
    lede="Roscosmos and NASA agreed to operate the ISS for four more years.",
    place="HOUSTON",
    first_reported=NOW - timedelta(hours=5),
    bullets=("They discussed extending ISS operations until 2028.",),
    article_count=26, source_count=19,
    coverage=Coverage(left=2, center=10, right=5, unrated=3, blindspot="left"),
    links=(("Reuters", "https://reuters.com/x"), ("AP", "https://apnews.com/y"), ("Fox", "https://foxnews.com/z")),
    first_seen=NOW - timedelta(hours=5), last_updated=NOW,
)


def test_card_has_every_part() -> None:
    card = parse_html(story_card(VIEW))
    lines = card.text.split("\n")
    assert lines[0] == VIEW.headline
    assert lines[1] == "HOUSTON, JUL 31 – Roscosmos and NASA agreed to operate the ISS for four more years."
    assert lines[2] == "• They discussed extending ISS operations until 2028."
    assert lines[3] == "26 articles · 19 sources"
    assert lines[4] == "🟦🟪🟪🟪🟪🟪🟪🟥🟥🟥 Left\xa012%\xa0· Center\xa059%\xa0· Right\xa029% of\xa017\xa0rated"
    assert lines[5] == "⚠️ Blindspot: little left coverage"
    assert lines[6] == "Reuters · AP · Fox"
    urls = [e["url"] for e in card.entities if e["type"] == "text_link"]
    assert urls[0] == "https://example.com/iss?a=1&b=2" and len(urls) == 4


def test_the_dateline_is_the_first_report_in_the_readers_zone() -> None:
    late = replace(VIEW, first_reported=datetime(2026, 7, 31, 23, 30, tzinfo=UTC))
    assert parse_html(story_card(late)).text.split("\n")[1].startswith("HOUSTON, JUL 31 – ")
    tokyo = parse_html(story_card(late, zone=ZoneInfo("Asia/Tokyo"))).text.split("\n")[1]
    assert tokyo.startswith("HOUSTON, AUG 1 – ")
    plain = parse_html(story_card(replace(VIEW, lede="", place=""))).text.split("\n")
    assert plain[1] == "JUL 31" and plain[2] == "• They discussed extending ISS operations until 2028."


@pytest.mark.parametrize("evil", ['<script>alert(1)</script>', 'A & B "quoted" </a><b>', "&amp; &lt;"])
def test_outside_strings_are_escaped(evil: str) -> None:
    view = replace(VIEW, headline=evil, bullets=(evil,), lede=evil, place=evil, links=((evil, 'https://x.org/"><b>'),))
    card = parse_html(story_card(view))
    assert card.text.split("\n")[0] == evil
    assert [e["type"] for e in card.entities if e["type"] not in ("text_link", "bold")] == []


def test_absurd_urls_and_headlines_are_guarded() -> None:
    view = replace(VIEW, headline="word " * 2000, headline_url="javascript:alert(1)",
                   links=(("Long", "https://x.org/" + "a" * 5000), ("Spaces", "https://x.org/a b")))
    html = story_card(view)
    card = parse_html(html)
    assert len(card.text.split("\n")[0]) <= 300 and "text_link" not in {e["type"] for e in card.entities}
    assert len(html) < MAX_MESSAGE


def test_digest_packs_at_card_boundaries_within_the_limit() -> None:
    views = [replace(VIEW, story_id=i, headline=f"Story {i} <&> " + "x" * 200) for i in range(60)]
    picked = [("space <b>", view) for view in views[:30]] + [("world", view) for view in views[30:]]
    messages = digest_messages(Digest(1, date(2026, 7, 31), tuple(picked), ("space <b>", "world"), True))
    assert len(messages) > 1
    for message in messages:
        parsed = parse_html(message)  # raises on a tag cut in half
        assert utf16_len(parsed.text) <= MAX_MESSAGE and len(message) <= MAX_MESSAGE
    assert sum(m.count("Story ") for m in messages) == 60


def test_a_digest_continued_in_another_message_repeats_its_topic() -> None:
    views = [replace(VIEW, story_id=i, headline=f"Story {i} " + "x" * 200) for i in range(40)]
    digest = Digest(1, date(2026, 7, 31), tuple(("space", view) for view in views), ("space",), True)
    messages = digest_messages(digest, "storybot_test_bot")
    assert len(messages) > 2 and messages[0].startswith("<b>🗞 Your digest · Fri 31 Jul</b>")
    for message in messages[1:]:
        assert message.startswith("🔹 <b>space</b> (continued)\n")
    assert all(len(m) <= MAX_MESSAGE for m in messages)
    assert sum(m.count("?start=s") for m in messages) == 40


@pytest.mark.parametrize("size", [200, 900, 1900])
def test_a_continuation_message_never_holds_a_single_story(size: int) -> None:
    for count in range(2, 26):
        views = [replace(VIEW, story_id=i, headline=f"Story {i} " + "x" * size) for i in range(count)]
        picked = tuple(("space" if i % 3 else "world", view) for i, view in enumerate(views))
        messages = digest_messages(Digest(1, date(2026, 7, 31), picked, ("space", "world"), True), "storybot_test_bot")
        shown = [m.count("?start=s") for m in messages]
        assert sum(shown) == count and all(n >= 2 for n in shown[1:]), (count, shown)
        assert all(len(m) <= MAX_MESSAGE for m in messages)
        for message in messages[1:]:
            assert message.startswith(("🔹 <b>space</b>", "🔹 <b>world</b>"))  # each reads on its own
        cards = [story_card(view, compact=True) for view in views]
        packed = pack_stories("<b>Top</b>", cards)
        per_message = [sum(m.count(f"Story {i} ") for i in range(count)) for m in packed]
        assert sum(per_message) == count and all(n >= 2 for n in per_message[1:]), (count, per_message)


def test_pack_degrades_an_overlong_html_line_to_plain_text() -> None:
    line = "".join(f'<a href="https://x.org/{i}">link {i}</a> ' for i in range(400))
    for message in pack(["<b>title</b>", line]):
        parse_html(message)
        assert len(message) <= MAX_MESSAGE


def test_sources_pages_cover_every_outlet() -> None:
    lines = [SourceLine(f"Outlet {i}", f"Title {i} <i>", f"https://o{i}.org/a", ("left", None)[i % 2])
             for i in range(19)]
    seen = []
    for page in range(3):
        html, shown, pages = sources_page("Head <line>", lines, page)
        parsed = parse_html(html)
        assert (shown, pages) == (page, 3) and f"page {page + 1}/3" in parsed.text
        seen += [e["url"] for e in parsed.entities if e["type"] == "text_link"]
    assert len(seen) == 19 == len(set(seen))
    assert sources_page("h", lines, 99)[1] == 2 and SOURCES_PER_PAGE == 8


def test_coverage_chart_is_a_png_and_counts_articles_per_hour() -> None:
    times = [NOW - timedelta(hours=5, minutes=10), NOW - timedelta(hours=5, minutes=5), NOW - timedelta(minutes=30)]
    counts, width = hourly_counts(times, NOW)
    assert width == 1 and counts[0] == 2 and sum(counts) == 3
    counts, width = hourly_counts([NOW - timedelta(days=10), NOW], NOW)
    assert width > 1 and len(counts) <= 48 and sum(counts) == 2
    png = coverage_chart("Headline", VIEW.coverage, times, NOW)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
    assert coverage_chart("Nothing rated", Coverage(), [], NOW).startswith(b"\x89PNG")


def test_throttle_allows_a_burst_then_refills() -> None:
    clock = [0.0]
    throttle = Throttle(burst=3, per_seconds=3.0, clock=lambda: clock[0])
    assert [throttle.check(1) for _ in range(5)] == [(True, False)] * 3 + [(False, True), (False, False)]
    assert throttle.check(2) == (True, False)
    clock[0] += 1.0
    assert throttle.check(1) == (True, False)


def test_search_terms_drop_stop_words_and_use_the_topic_forms() -> None:
    elections, texas = search_terms("The elections in <b>Texas</b>!")
    assert {"election", "elections"} <= set(elections) and "elected" not in elections
    assert texas == ("texas",)  # "texas" is not a plural
    assert search_terms("the elections") == [elections]
    assert "the" in search_terms("the")[0]  # stop words only when nothing else is left
    assert search_terms("x") == []


def test_bias_line_says_how_many_are_rated_and_factuality_is_one_line() -> None:
    coverage = Coverage(left=10, center=4, right=1, unrated=31, factuality={"mixed": 2, "high": 9, "very high": 1})
    view = replace(VIEW, coverage=coverage, source_count=46, new_sources=4)
    lines = parse_html(story_card(view)).text.split("\n")
    assert "46 sources · +4 since your last digest" in lines[3]
    # non-breaking spaces inside each phrase and before each dot: a phone wraps the line only after a dot
    assert lines[4].endswith("Left\xa067%\xa0· Center\xa027%\xa0· Right\xa06% of\xa015\xa0rated")
    assert lines[5] == "Factuality: 1\xa0very\xa0high\xa0· 9\xa0high\xa0· 2\xa0mixed of 12 rated"
    compact = parse_html(story_card(view, compact=True)).text
    assert "Factuality" not in compact and "of\xa015\xa0rated" in compact
    unrated = parse_html(story_card(replace(VIEW, coverage=Coverage(unrated=5)))).text
    assert "rated" not in unrated and "🟦" not in unrated


def test_chart_titles_wrap_at_words_on_at_most_three_lines() -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = ImageFont.load_default(38)
    title = "Senate panel to investigate the Jan. 6 assault on the Capitol after months of delay and dispute " * 2
    lines = wrap(draw, title, font, 656)
    assert 1 < len(lines) <= 3 and lines[-1].endswith(" …")
    words = title.split()
    shown = " ".join(lines).removesuffix(" …").split()
    assert shown == words[: len(shown)]  # whole words only, in order: never cut mid-word
    assert all(draw.textlength(line, font=font) <= 656 for line in lines)
    assert wrap(draw, "Short title", font, 656) == ["Short title"]
