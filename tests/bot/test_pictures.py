"""A picture on the card: from the feed (media:content, the first <img>), else Telegram's link preview; photo cards'
buttons; inline thumbnails. Feeds over local HTTP, the real Application, the fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Article
from tests.bot.botkit import FAST, NOW, Item, press, say, wait_until
from tests.bot.harness import Harness, running_bot
from tests.conftest import FIXTURES

ROVER = "https://cdn.spacewire.example/img/rover-lake.jpg?w=1200&h=800"
COMET = "https://cdn.spacewire.example/img/comet.png"
CLOCK = datetime(2026, 7, 31, 18, 0, tzinfo=UTC)


def _stories(session: Session) -> int:
    return session.scalar(select(func.count(func.distinct(Article.story_id)))) or 0


async def fetch_and_cluster(h: Harness) -> None:
    """What the bot's own jobs do after start, done now: fetch the feeds, cluster what came in."""
    await h.core.ingestor.fetch_due()
    await asyncio.to_thread(h.core.cluster)
    assert h.core.interactive.sync(_stories) == 3
    h.core.digests.invalidate()


async def test_a_card_with_an_image_from_media_content(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, FIXTURES / "feeds_pictures", lambda: CLOCK, **FAST) as h:
        await fetch_and_cluster(h)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))

        card = await say(h, chat.id, "/story mars rover lake")
        # the first public image of media:content: not the private address, not the video
        assert card.photo_url == ROVER
        assert card.text and card.text.startswith("Mars rover finds ancient lake bed")
        sources = next(b["callback_data"] for row in card.buttons for b in row if b["callback_data"].startswith("src:"))
        await press(h, card, sources)  # a photo card's buttons edit its caption
        await wait_until(lambda: card.edits)
        assert card.text and "All 1 source · page 1/1" in card.text and card.photo_url == ROVER
        await press(h, card, "card:" + sources.split(":")[1])
        await wait_until(lambda: len(card.edits) == 2)
        assert card.text and card.text.startswith("Mars rover finds ancient lake bed")

        comet = await say(h, chat.id, "/story comet flyby")
        assert comet.photo_url == COMET  # the first <img> of the entry that is a public http(s) URL

        await h.telegram.inline_query(h.telegram.add_user("Bob"), "mars rover")
        await wait_until(lambda: h.telegram.inline_answers)
        [result] = h.telegram.inline_answers[0]["results"]
        assert result["thumbnail_url"] == ROVER
        assert result["input_message_content"]["link_preview_options"] == {"url": ROVER, "prefer_large_media": True}


async def test_a_card_with_a_link_preview(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, FIXTURES / "feeds_pictures", lambda: CLOCK, **FAST) as h:
        await fetch_and_cluster(h)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        # its only pictures point at localhost and at the cloud metadata address: refused at ingest
        card = await say(h, chat.id, "/story telescope mirror segments")
        assert card.photo_url is None and card.photo is None
        assert card.link_preview == {"url": "https://spacewire.example/2026/07/mirror", "prefer_large_media": True}


PLACES = ("Phoenix", "Las Vegas", "Sacramento", "Boise", "Salt Lake City", "Albuquerque", "Tucson", "Reno")
# Each outlet reports its own facts (a copy of another's text would be a repost, and give no bullet): the card
# has a long headline, a lede and bullets from several outlets, more than a photo's 1,024-character caption holds.
FACTS = ("Hospitals saw more heat illness among outdoor workers and older residents.",
         "Power companies asked customers to raise thermostats after four o'clock.",
         "Libraries stayed open late for people without air conditioning at home.",
         "Farmers moved harvest shifts to the cooler hours before dawn this week.",
         "Schools cancelled afternoon sports practice and summer camp hikes.",
         "Transit agencies set up water stations at their busiest bus stops.",
         "Firefighters staged crews near dry brush on the edge of the city.",
         "Zoo keepers gave the animals frozen fruit and extra shade cloths.")
LONG = [Item(f"The {place} Evening Gazette and Regional Chronicle Newspaper", f"outlet{n}.example",
             f"Heat dome bakes the American West for a fifth straight day as {place} records its hottest July night "
             "on record and utilities warn of rolling blackouts across the region through the weekend and well into "
             "the coming week for millions of people",
             f"In {place}, {FACTS[(n + 5) % len(FACTS)][:-1].lower()}, and officials opened {n + 3} cooling "
             "centres on Friday, saying the heat dome over the American West would last through the coming week for "
             f"millions of people in four states. {FACTS[n]} {FACTS[(n + 3) % len(FACTS)]}",
             None, 1 + n / 10) for n, place in enumerate(PLACES)]


async def test_a_card_too_long_for_a_caption_goes_as_text_with_its_picture(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("heat", LONG)
        with h.core.db.session() as s:
            s.execute(update(Article).values(image_url="https://img.outlet0.example/heat.jpg"))
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        card = await say(h, chat.id, "/story heat dome west")
        assert card.text and len(card.text) > 1024 and card.photo_url is None
        assert card.link_preview == {"url": "https://img.outlet0.example/heat.jpg", "prefer_large_media": True}
