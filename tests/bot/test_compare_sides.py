"""A card's "Compare sides": the card edited in place into one part per side, a side's outlets page by page,
back to the card; under shared cards, in groups, in Spanish; on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from fakes.telegram_state import SentMessage
from tests.bot.botkit import FAST, ISS, NOW, Item, button_data, press, say, wait_until
from tests.bot.harness import Harness, running_bot

LEFT = [
    Item("Guardian", "theguardian.com", "Texas governor signs extreme six-week abortion ban into law",
         "Abortion rights advocates decry the extreme ban on reproductive rights in Texas.", "left"),
    Item("HuffPost", "huffpost.com", "Texas enacts extreme abortion ban as reproductive rights groups sue",
         "Reproductive rights groups vow to fight the extreme Texas abortion law.", "left"),
    Item("MSNBC", "msnbc.com", "Abbott signs extreme Texas abortion ban attacking reproductive rights",
         "The extreme law guts reproductive rights in Texas, critics of the abortion ban say.", "lean_left"),
    Item("Slate", "slate.com", "Texas governor signs an extreme abortion ban gutting reproductive rights",
         "An extreme abortion ban now guts reproductive rights across Texas.", "left"),
    Item("Vox", "vox.com", "The extreme Texas abortion ban, explained: reproductive rights at stake",
         "Texas passed an extreme abortion ban that threatens reproductive rights.", "left"),
]
RIGHT = [
    Item("Fox News", "foxnews.com", "Texas governor signs heartbeat bill protecting unborn on abortion",
         "Pro-life groups celebrate the Texas heartbeat bill protecting the unborn from abortion.", "right"),
    Item("Breitbart", "breitbart.com", "Abbott signs Texas heartbeat bill into law in abortion win",
         "The heartbeat bill protects unborn babies from abortion, Texas advocates say.", "right"),
    Item("Daily Wire", "dailywire.com", "Heartbeat bill on abortion signed in Texas, protecting the unborn",
         "Unborn children protected under the Texas heartbeat abortion law.", "lean_right"),
    Item("Washington Times", "washingtontimes.com", "Texas heartbeat bill on abortion signed, protecting unborn",
         "The Texas governor signed the heartbeat bill protecting the unborn from abortion.", "right"),
]
CENTER = [Item("Reuters", "reuters.com", "Texas governor signs law banning abortions after six weeks",
               "Texas Governor Greg Abbott signed a bill banning abortion after six weeks.", "center")]
UNRATED = [Item("Local Wire", "localwire.example", "Texas governor signs abortion bill",
                "Greg Abbott signed the Texas abortion bill on Wednesday.")]
TEXAS = [*LEFT, *RIGHT, *CENTER, *UNRATED]


async def compare(h: Harness, card: SentMessage, story: int, user: object = None) -> str:
    edits = len(card.edits)
    await press(h, card, f"cmp:{story}", user)  # type: ignore[arg-type]
    await wait_until(lambda: len(card.edits) > edits)
    assert card.text is not None
    return card.text


async def test_compare_shows_each_sides_headlines_and_words_then_pages_a_side(tmp_path: Path, db_url: str,
                                                                            webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        story = h.seed("texas", TEXAS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        card = await say(h, chat.id, "/story texas abortion")
        assert f"cmp:{story}" in button_data(card)
        assert any(b["text"] == "⚖️ Compare sides" for row in card.buttons for b in row)

        text = await compare(h, card, story)
        assert "Compare the sides · 11 sources" in text
        parts = text.split("\n\n")
        left = next(p for p in parts if p.startswith("🟦 Left"))
        right = next(p for p in parts if p.startswith("🟥 Right"))
        center = next(p for p in parts if p.startswith("🟪 Center"))
        assert left.startswith("🟦 Left · 5 outlets") and left.count("\n• ") == 3  # three of its headlines
        assert "Words the left uses more: " in left and "extreme" in left.split("more: ")[1]
        assert "heartbeat" in right.split("more: ")[1] and "extreme" not in right
        assert "Too few outlets to tell which words set the center apart." in center
        assert "❔ Unrated · 1 outlet: Local Wire" in text  # nothing hidden
        links = [e["url"] for e in card.entities if e["type"] == "text_link"]
        assert len(links) == 7 and "https://reuters.com/texas/9" in links  # 3 + 1 + 3 headlines, each linked
        assert button_data(card) == [f"cmp:{story}:l:0", f"cmp:{story}:c:0", f"cmp:{story}:r:0",
                                     f"cmp:{story}:u:0", f"card:{story}"]

        await press(h, card, f"cmp:{story}:r:0")
        await wait_until(lambda: len(card.edits) == 2)
        assert card.text and "🟥 Right · 4 outlets · page 1/1" in card.text
        assert "Fox News: " in card.text and "Guardian" not in card.text
        assert button_data(card) == [f"cmp:{story}", f"card:{story}"]
        await press(h, card, f"card:{story}")
        await wait_until(lambda: len(card.edits) == 3)
        assert card.text and "11 articles · 11 sources" in card.text and f"cmp:{story}" in button_data(card)


async def test_a_side_without_outlets_says_so_and_a_long_side_pages(tmp_path: Path, db_url: str) -> None:
    many = [Item(f"Left Paper {n}", f"left{n}.example", f"Storm floods coastal town, paper {n} reports",
                 "The storm flooded the coastal town overnight.", "left") for n in range(11)]
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        story = h.seed("storm", [*many, Item("BBC", "bbc.com", "Storm floods coastal town", "Floods.", "center")])
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        card = await say(h, chat.id, "/story storm coastal town")
        text = await compare(h, card, story)
        assert "🟥 Right: No outlet on the right covers this story." in text
        assert "Unrated" not in text and f"cmp:{story}:r:0" not in button_data(card)
        assert len([e for e in card.entities if e["type"] == "text_link"]) == 4  # at most 3 per side

        await press(h, card, f"cmp:{story}:l:0")
        await wait_until(lambda: len(card.edits) == 2)
        assert card.text and "🟦 Left · 11 outlets · page 1/2" in card.text
        assert button_data(card) == [f"cmp:{story}", f"cmp:{story}:l:1", f"card:{story}"]
        await press(h, card, f"cmp:{story}:l:1")
        await wait_until(lambda: len(card.edits) == 3)
        assert card.text and "page 2/2" in card.text and card.text.count("Left Paper") == 3
        # a forged page past the end is the last page; a side with no outlet says so
        await h.telegram.press_button(chat.id, card.message_id, f"cmp:{story}:r:9999", forged=True)
        await wait_until(lambda: len(card.edits) == 4)
        assert card.text and "No outlet on the right covers this story." in card.text
        await press(h, card, f"cmp:{story}")
        await wait_until(lambda: len(card.edits) == 5)
        assert card.text and "Compare the sides · 12 sources" in card.text


async def test_compare_in_a_group_under_a_shared_card_and_in_spanish(tmp_path: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    async with running_bot(tmp_path, f"sqlite:///{tmp_path / 'g.db'}", None, lambda: NOW, **FAST) as h:
        story = h.seed("iss", ISS)
        members = (h.telegram.add_user("Ada"), h.telegram.add_user("Bob"))
        group = await h.telegram.add_group("Readers", members=members, announce=False)
        card = await say(h, group.id, "/story space station cooperation", members[0])
        text = await compare(h, card, story, members[1])  # anyone in the group may press
        assert "Compare the sides · 5 sources" in text

        user = h.telegram.add_user("Eve")
        answers = len(h.telegram.callback_answers)
        for data in (f"cmp:{story}", f"cmp:{story}:l:0", "cmp:99999:c:0", "cmp:0"):
            await h.telegram.press_inline_button(user, data)
        await wait_until(lambda: len(h.telegram.callback_answers) >= answers + 4)
        shown = [a.get("text") for a in h.telegram.callback_answers[answers:]]
        assert shown.count("This story is older than 30 days and is no longer kept.") == 2
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

        spanish = h.telegram.add_user("Lucía", language_code="es")
        chat = h.telegram.add_private_chat(spanish)
        card = await say(h, chat.id, "/story space station cooperation", spanish)
        assert "⚖️ Comparar los lados" in [b["text"] for row in card.buttons for b in row]
        text = await compare(h, card, story, spanish)
        assert "Comparar los lados · 5 fuentes" in text and "Izquierda" in text
