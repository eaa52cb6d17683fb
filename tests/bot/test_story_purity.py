"""A story holding a second event, through the running bot: the card gives the stray no line, and the next
refinement pass ejects what shares no core, so the card stops counting it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.bot.botkit import FAST, NOW, Item, say
from tests.bot.harness import running_bot

PLANE = [
    Item("Reuters", "reuters.com", "Missing Malaysia Airlines plane: search widens to Indian Ocean",
         "The search for the missing Malaysia Airlines plane widened to the Indian Ocean on Friday.", "center", 9),
    Item("AP", "apnews.com", "Malaysia Airlines flight MH370 search moves west",
         "Searchers moved west in the hunt for Malaysia Airlines flight MH370 on Friday.", "center", 8),
    Item("BBC", "bbc.com", "MH370: satellite data hints missing plane flew for hours",
         "Satellite data suggests the missing Malaysia Airlines plane flew for hours after contact was lost.",
         "center", 7),
    Item("CNN", "cnn.com", "Families of missing Malaysia Airlines MH370 passengers wait",
         "Families of passengers on the missing Malaysia Airlines flight waited for news in Beijing.", "left", 6),
    Item("Fox News", "foxnews.com", "US Navy joins search for missing Malaysia Airlines jet",
         "A US Navy ship joined the search for the missing Malaysia Airlines jet in the Indian Ocean.", "right", 5),
    Item("NPR", "npr.org", "Malaysia Airlines plane search: what we know about MH370",
         "Investigators still do not know where the missing Malaysia Airlines plane went, officials said.",
         "center", 4),
]
PIE = [
    Item("Food Blog", "foodblog.example", "Top 10 pies for Pi Day",
         "Bake a pie for Pi Day with these ten pie recipes from our kitchen.", None, 3),
]


def _lines(text: str) -> str:
    return text.split("articles ·")[0].lower()  # headline, dateline, lede and bullets: above the counts


async def test_a_stray_event_gets_no_line_and_leaves_at_the_next_pass(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        story = h.seed("plane", PLANE + PIE)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        before = await say(h, chat.id, f"/start s{story}")
        assert before.text and "7 articles · 7 sources" in before.text
        assert "malaysia" in _lines(before.text) and "pie" not in _lines(before.text)

        await asyncio.to_thread(h.core.refine)
        h.core.digests.invalidate()
        after = await say(h, chat.id, f"/start s{story}")
        assert after.text and "6 articles · 6 sources" in after.text  # the pie article left the story
        assert "pie" not in _lines(after.text)
        found = await say(h, chat.id, "/story pi day pies")
        assert found.text and "pie" in found.text.lower() and f"s{story}" not in str(found.entities)
