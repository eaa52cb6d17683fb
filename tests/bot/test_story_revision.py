"""A refinement pass through the running bot: a merged story's old id still opens the card (deep link, buttons,
inline), and a digest counts the survivor of a story it already sent as sent ("+N sources"), never as new."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from fakes.newsroom import seed_articles
from storage import chats
from storage.models import Chat, Delivery, DeliveryStatus
from tests.bot.botkit import FAST, NOW, Item, button_data, press, say, wait_until
from tests.bot.harness import Harness, running_bot

OLDER = [Item("Reuters", "reuters.com", "Volcano erupts on Iceland's Reykjanes peninsula near Grindavik", "", "center",
              9),
         Item("AP", "apnews.com", "Iceland volcano eruption forces Grindavik evacuation", "", "center", 8),
         Item("BBC", "bbc.com", "Reykjanes volcano erupts again, Grindavik evacuated", "", "center", 7)]
NEWER = [Item("CNN", "cnn.com", "Grindavik lava: Iceland volcano eruption on Reykjanes peninsula", "", "left", 3),
         Item("Fox News", "foxnews.com", "Iceland's Reykjanes volcano eruption threatens Grindavik", "", "right", 2)]
HEAT = [Item("Le Monde", "lemonde.fr", "Heatwave grips southern Europe as Seville passes 44C", "", "left", 5),
        Item("El País", "elpais.com", "Spain and Italy issue red alerts in record heat", "", "left", 4)]


async def refine(h: Harness) -> int:
    summary = await asyncio.to_thread(h.core.refine)
    h.core.digests.invalidate()
    return summary.merges


async def test_a_merged_storys_old_id_still_opens_the_card(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        older, newer = h.seed("volcano-a", OLDER), h.seed("volcano-b", NEWER)
        h.seed("heat", HEAT)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        shared = await say(h, chat.id, f"/start s{newer}")  # a card shared before the merge
        assert shared.text and "2 articles · 2 sources" in shared.text
        assert await refine(h) == 1
        assert await refine(h) == 0  # nothing new: the next pass changes nothing

        card = await say(h, chat.id, f"/start s{newer}")  # a digest's "Full card" link made before the merge
        assert card.text and "5 articles · 5 sources" in card.text
        assert button_data(card) == [
            f"src:{older}:0", f"cov:{older}", f"cmp:{older}", f"fol:{older}"]  # the older id survives
        await press(h, shared, f"src:{newer}:0")  # the old card's button
        await wait_until(lambda: shared.edits)
        assert shared.text and "All 5 sources · page 1/1" in shared.text and "Fox News" in shared.text

        found = await say(h, chat.id, "/story grindavik volcano")
        assert button_data(found)[0] == f"src:{older}:0" and found.text and "5 articles" in found.text
        await h.telegram.inline_query(h.telegram.add_user("Bob"), "grindavik")
        await wait_until(lambda: h.telegram.inline_answers)
        assert [r["id"] for r in h.telegram.inline_answers[0]["results"]] == [str(older)]


async def test_the_survivor_of_a_sent_story_is_not_new_but_can_grow(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        older, newer = h.seed("volcano-a", OLDER[:1]), h.seed("volcano-b", NEWER)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        with h.core.db.session() as s:
            chats.ensure_chat(s, chat.id, type="private", timezone="UTC", digest_times="00:00")
            chats.subscribe(s, chat.id, "volcano")
        h.runtime.core.interactive.sync(_sent, chat.id, [newer], NOW - timedelta(hours=1))
        assert await refine(h) == 1  # the sent story is absorbed by the older one
        digest = await say(h, chat.id, "/digest")
        assert digest.text and "volcano" not in digest.text.lower().split("\n", 1)[-1]  # nothing new
        h.runtime.core.interactive.sync(seed_articles, "volcano-c", [
            Item("Guardian", "theguardian.com", "Grindavik volcano eruption on Iceland's Reykjanes", "", "left", 0.5),
            Item("NPR", "npr.org", "Iceland volcano erupts near Grindavik on Reykjanes peninsula", "", "center", 0.5),
            Item("Sky", "news.sky.com", "Reykjanes volcano eruption: Grindavik lava flows", "", "right", 0.4),
            Item("DW", "dw.com", "Iceland: volcano on Reykjanes peninsula erupts near Grindavik", "", "center", 0.3)],
            NOW)
        await asyncio.to_thread(h.core.cluster)  # the worker's next tick: online assignment...
        await refine(h)  # ...and refinement
        grown = await say(h, chat.id, "/digest")
        assert grown.text and "+4 since your last digest" in grown.text and "7 articles · 7 sources" in grown.text
        assert f"s{older}" in str(grown.entities) or f"s{newer}" not in str(grown.entities)


def _sent(session: Session, chat_id: int, story_ids: list[int], when: datetime) -> None:
    """A digest of these stories, sent to the chat at `when` (as the outbox records one)."""
    session.add(Delivery(chat_id=chat_id, period=when.strftime("%Y-%m-%dT%H:%M"), status=DeliveryStatus.SENT,
                         story_ids=",".join(map(str, story_ids)), created_at=when, sent_at=when))
    found = session.get(Chat, chat_id)
    assert found is not None
    found.last_digest_at = when
