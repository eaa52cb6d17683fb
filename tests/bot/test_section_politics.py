"""Political news is no section: a chat following "business" gets the markets story of its feeds and not the
Senate's, though both come from the same two outlets. Feeds served over HTTP, fetched and clustered by the bot
(sections by the shipped seed), read through the real Application and the fake Bot API, on SQLite and
PostgreSQL. With the earlier seed, trained on 2014 headlines without politics, the Senate story was business."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from sqlalchemy import func, select

from app.runtime import Core
from bot.runtime import Runtime
from fakes.feed_server import FeedServer
from fakes.telegram_api import FakeTelegram
from news.opml import FeedSpec, export_opml
from storage.models import Article, Story
from tests.bot.botkit import FAST, say, wait_until
from tests.bot.harness import Harness, bot_settings

NOW = datetime(2026, 7, 31, 22, 0, tzinfo=UTC)
# (headline, lead) per outlet: the Senate story and the markets story, each told by both outlets
SENATE = [("Senate passes stopgap bill to avert a government shutdown",
           "The measure now goes to the House, where Democrats and Republicans remain split over border security."),
          ("Senate approves stopgap spending bill hours before shutdown deadline",
           "Republicans and Democrats in the House must now vote on the measure before Friday night.")]
MARKETS = [("Stocks fall as oil prices climb and investors weigh Fed rate hike",
            "The Dow dropped 300 points while Treasury yields rose."),
           ("Wall Street slides as oil prices jump and Fed rate hike looms",
            "Investors sold shares of banks and airlines as the Dow fell 300 points.")]


def _rss(outlet: str, slug: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>http://{slug}.example/{n}</link><guid>http://{slug}.example/{n}"
        f"</guid><description>{escape(lead)}</description>"
        f"<pubDate>{format_datetime(NOW - timedelta(hours=2 + n))}</pubDate></item>"
        for n, (title, lead) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{outlet}</title>'
            f"<link>http://{slug}.example/</link>{entries}</channel></rss>").encode()


@asynccontextmanager
async def bot_with_feeds(tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    async with FeedServer() as feeds, FakeTelegram() as telegram:
        wire = feeds.add("/wire.xml", _rss("Capitol Wire", "wire", [SENATE[0], MARKETS[0]]))
        hill = feeds.add("/hill.xml", _rss("Hill Daily", "hill", [SENATE[1], MARKETS[1]]))
        specs = [FeedSpec(wire, "Capitol Wire"), FeedSpec(hill, "Hill Daily")]
        config = bot_settings(telegram, tmp_path, db_url, **FAST)
        assert config.feeds_file is not None
        config.feeds_file.write_text(export_opml(specs))
        async with Runtime(config, clock=lambda: NOW) as runtime:
            yield Harness(telegram, feeds, runtime)


def _sections(core: Core) -> list[str]:
    """Each story's sections, once all four articles are in stories (else none)."""
    def read(session: object) -> list[str]:
        loose = session.scalar(select(func.count(Article.id)).where(Article.story_id.is_(None)))  # type: ignore[attr-defined]
        total = session.scalar(select(func.count(Article.id)))  # type: ignore[attr-defined]
        if total != 4 or loose:
            return []
        return [str(row[0]) for row in session.execute(select(Story.sections))]  # type: ignore[attr-defined]

    return core.interactive.sync(read)


async def test_a_business_follower_gets_markets_not_the_senate(tmp_path: Path, db_url: str) -> None:
    async with bot_with_feeds(tmp_path, db_url) as h:
        await wait_until(lambda: "business" in _sections(h.core), timeout=30)  # the markets story is tagged
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada", language_code="en"))
        await say(h, chat.id, "/subscribe business")
        digest = await say(h, chat.id, "/digest")
        assert digest.text and "🔹 business" in digest.text, digest.text
        assert "oil prices" in digest.text
        assert "stopgap" not in digest.text and "Senate" not in digest.text

        found = await say(h, chat.id, "/story senate stopgap")  # the story exists: it is only in no section
        assert found.text and "stopgap" in found.text, found.text
