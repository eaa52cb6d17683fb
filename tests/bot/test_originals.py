"""Original reporting and reposts, who broke a story and when each side joined: feeds served over HTTP with an
AP story reprinted word for word by local papers, fetched and clustered by the bot, then read through the real
Application and the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from app.runtime import Core
from bot.runtime import Runtime
from fakes.feed_server import FeedServer
from fakes.telegram_api import FakeTelegram
from news.opml import FeedSpec, export_opml
from tests.bot.botkit import FAST, press, say, wait_until
from tests.bot.harness import Harness, bot_settings

NOW = datetime(2026, 7, 31, 22, 0, tzinfo=UTC)
BROKE = datetime(2026, 7, 31, 12, 0, tzinfo=UTC)  # Reuters has it first
AP_TITLE = "Storm surge floods Virginia coastal towns, thousands of residents evacuated by boat"
AP_LEAD = ("NORFOLK, Va. (AP) — A storm surge flooded coastal towns across Virginia on Tuesday, forcing thousands of "
           "residents from their homes as rescuers in boats pulled families from rooftops and the governor declared "
           "a state of emergency for the storm-battered coast.")


def _item(title: str, lead: str, minutes: int, link: str, source: tuple[str, str] | None = None,
          author: str = "") -> str:
    credit = f'<source url="{source[1]}">{source[0]}</source>' if source else ""
    credit += f"<dc:creator>{escape(author)}</dc:creator>" if author else ""
    when = format_datetime(BROKE + timedelta(minutes=minutes))
    return (f"<item><title>{escape(title)}</title><link>{link}</link><guid>{link}</guid>"
            f"<description>{escape(lead)}</description><pubDate>{when}</pubDate>{credit}</item>")


def _rss(title: str, items: list[str]) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>{escape(title)}</title>'
            f'<link>http://example.org/</link>{"".join(items)}</channel></rss>').encode()


# A news aggregator names each item's outlet: Reuters (center) first, AP (lean left) ten minutes later, the
# Guardian (lean left) after two hours, Fox News (right) after six.
WIRE = _rss("Top stories", [
    _item("Floods drive thousands from Virginia coast as storm surge hits towns",
          "(Reuters) - Floodwaters drove thousands of residents from coastal towns in Virginia on Tuesday after a "
          "storm surge swept over sea walls, and rescuers in boats pulled families from rooftops, officials said.",
          0, "https://www.reuters.com/world/us/virginia-floods", ("Reuters", "https://www.reuters.com/")),
    _item(AP_TITLE, AP_LEAD, 10, "https://apnews.com/article/virginia-storm-surge", ("AP", "https://apnews.com/")),
    _item("Virginia storm surge floods coastal towns as thousands of residents flee by boat",
          "Thousands of Virginia residents fled flooded coastal towns on Tuesday when the storm surge hit; rescuers "
          "in boats reached families on rooftops, and the governor declared a state of emergency on the coast.",
          120, "https://www.theguardian.com/us-news/virginia-storm", ("The Guardian", "https://www.theguardian.com/")),
    _item("Storm surge floods Virginia coastal towns; residents rescued from rooftops by boat",
          "Virginia's governor declared a state of emergency on Tuesday after the storm surge flooded coastal towns, "
          "and rescuers in boats pulled thousands of residents and families from rooftops and homes.",
          360, "https://www.foxnews.com/us/virginia-storm-surge", ("Fox News", "https://www.foxnews.com/")),
])
# Three local papers reprint AP's text (one with the aggregator's cut title), a fourth prints AP's story under its
# own headline and lead but with AP's byline; a fifth writes its own story and only quotes the wire: it stays
# original.
LOCALS = {
    "/tidewater.xml": ("Tidewater Gazette", _item(AP_TITLE, AP_LEAD, 70, "http://tidewater.example/storm")),
    "/hampton.xml": ("Hampton Ledger", _item(AP_TITLE, AP_LEAD + " Check back for updates.", 75,
                                             "http://hampton.example/storm")),
    "/bay.xml": ("Bay Courier", _item(AP_TITLE[:60] + "  ...", AP_LEAD, 80, "http://bay.example/storm")),
    "/harbor.xml": ("Harbor Herald", _item(
        "Storm surge floods Virginia coast as rescuers in boats reach thousands of residents",
        "Rescuers in boats reached thousands of residents on Tuesday after the storm surge flooded coastal towns "
        "in Virginia, where the governor declared a state of emergency.", 85, "http://harbor.example/storm",
        author="By JANE DOE, Associated Press Writer")),
    "/shore.xml": ("Shore Daily", _item(
        "Storm surge floods Virginia coastal towns, thousands of residents flee homes by boat",
        "Thousands of residents of Virginia's coastal towns fled their homes by boat on Tuesday as the storm surge "
        "flooded streets, the Associated Press reported; rescuers pulled families from rooftops.", 90, "http://shore.example/storm")),
}


@asynccontextmanager
async def bot_with_feeds(tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    """The bot following the aggregator's feed (marked so in the OPML) and the four local papers' feeds."""
    async with FeedServer() as feeds, FakeTelegram() as telegram:
        specs = [FeedSpec(feeds.add("/wire.xml", WIRE), "Top stories", aggregator=True)]
        specs += [FeedSpec(feeds.add(path, _rss(title, [item])), title) for path, (title, item) in LOCALS.items()]
        config = bot_settings(telegram, tmp_path, db_url, **FAST)
        assert config.feeds_file is not None
        config.feeds_file.write_text(export_opml(specs))
        async with Runtime(config, clock=lambda: NOW) as runtime:
            yield Harness(telegram, feeds, runtime)


def _clustered(core: Core) -> bool:
    from sqlalchemy import func, select

    from storage.models import Article

    def counts(session: object) -> tuple[int, int]:
        total = session.scalar(select(func.count(Article.id)))  # type: ignore[attr-defined]
        loose = session.scalar(select(func.count(Article.id)).where(Article.story_id.is_(None)))  # type: ignore[attr-defined]
        return int(total or 0), int(loose or 0)

    total, loose = core.interactive.sync(counts)
    return total == 9 and loose == 0


async def test_reposts_are_counted_grouped_and_the_first_report_named(tmp_path: Path, db_url: str) -> None:
    async with bot_with_feeds(tmp_path, db_url) as h:
        await wait_until(lambda: _clustered(h.core), timeout=30)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))

        card = await say(h, chat.id, "/story virginia storm surge")
        assert card.text, card
        assert "9 articles · 9 sources · 5 original" in card.text  # four papers only reprint AP
        sources = next(b["callback_data"] for row in card.buttons for b in row if b["text"] == "All 9 sources")

        await press(h, card, sources)
        await wait_until(lambda: card.edits)
        page = card.text or ""
        assert "First reported by Reuters, Jul 31, 12:00" in page
        assert "Left: 10 min after the first report" in page  # AP, lean left
        assert "Center: with the first report · Right: 6 h after the first report" in page
        lines = page.split("\n")
        ap = next(i for i, line in enumerate(lines) if line.startswith("🟦 Associated Press:"))
        assert lines[ap].endswith("· reposted by 4")
        reposts = lines[ap + 1 : ap + 5]
        assert all(line.strip().startswith("↳ ❔") and line.endswith(": reposts Associated Press") for line in reposts)
        assert {re.sub(r"^\s*↳ ❔ (.*?):.*$", r"\1", line) for line in reposts} == {
            "Tidewater Gazette", "Hampton Ledger", "Bay Courier", "Harbor Herald"}
        copies = {e["url"] for e in card.entities if e["type"] == "text_link"}
        assert {"http://tidewater.example/storm", "http://bay.example/storm"} <= copies  # each copy still linked

        story = sources.split(":")[1]
        await press(h, card, f"src:{story}:1")
        await wait_until(lambda: len(card.edits) == 2)
        assert card.text and "page 2/2" in card.text and "First reported" not in card.text
        assert "\n❔ Shore Daily: " in card.text  # quoting the wire is not reposting it
        await press(h, card, f"card:{story}")
        await wait_until(lambda: len(card.edits) == 3)
        await press(h, card, f"cov:{story}")
        chart = (await h.telegram.wait_for_messages(chat.id, 2))[1]
        assert chart.photo is not None and chart.text is not None
        assert "First reported by Reuters, Jul 31, 12:00" in chart.text
        assert "Right: 6 h after the first report" in chart.text


async def test_in_spanish_and_in_the_readers_zone(tmp_path: Path, db_url: str) -> None:
    async with bot_with_feeds(tmp_path, db_url) as h:
        await wait_until(lambda: _clustered(h.core), timeout=30)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ana", language_code="es"))
        await say(h, chat.id, "/timezone America/New_York")
        card = await say(h, chat.id, "/story virginia storm surge")
        assert card.text and "9 fuentes · 5 originales" in card.text
        story = next(b["callback_data"] for row in card.buttons for b in row if b["callback_data"].startswith("src:"))
        await press(h, card, story)
        await wait_until(lambda: card.edits)
        assert card.text and "Primera noticia: Reuters, 31 jul, 8:00" in card.text
        assert "Derecha: 6 h después de la primera noticia" in card.text
        assert "republicado por 4" in card.text
