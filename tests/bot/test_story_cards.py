"""/story, its card's buttons, /digest and inline mode, on SQLite and PostgreSQL (the search index differs)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.bot.botkit import FAST, ISS, NOW, Item, button_data, press, say, wait_until
from tests.bot.harness import running_bot

OTHER = [Item("BBC", "bbc.com", "Heatwave grips southern Europe", "Temperatures passed 44C in Seville.", "center"),
         Item("CNN", "cnn.com", "Europe swelters in record heat", "Spain and Italy issued red alerts.", "left")]


async def test_story_card_pages_sources_and_sends_the_coverage_chart(tmp_path: Path, db_url: str,
                                                                     webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        story_id = h.seed("iss", ISS)
        h.seed("heat", OTHER)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))

        card = await say(h, chat.id, "/story space station cooperation")
        assert card.raw_text and card.text and card.photo_url is None  # no picture in its feeds: text...
        # ...with Telegram's large preview of the headline article as its picture (issue 15)
        assert card.link_preview == {"url": "https://reuters.com/iss/0", "prefer_large_media": True}
        lines = card.text.split("\n")
        assert "space" in lines[0].lower() and card.entities[0]["type"] in ("bold", "text_link")
        assert lines[1].startswith("HOUSTON, JUL 31 – ")
        # four rated outlets are too few for shares (news.coverage.MIN_RATED_FOR_SHARES): the count, no bar
        assert "5 articles · 5 sources\n4\xa0of\xa05\xa0sources\xa0rated\n" in card.text
        assert "unrated" not in card.text and "%" not in card.text and "🟦" not in card.text
        links = {e["url"] for e in card.entities if e["type"] == "text_link"}
        assert {"https://theguardian.com/iss/2", "https://foxnews.com/iss/3"} <= links
        assert button_data(card) == [
            f"src:{story_id}:0", f"cov:{story_id}", f"cmp:{story_id}", f"fol:{story_id}"]
        assert card.buttons[0][0]["text"] == "All 5 sources"

        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: card.edits)
        assert card.text and "All 5 sources · page 1/1" in card.text and "Fox News" in card.text
        assert len([e for e in card.entities if e["type"] == "text_link"]) == 5
        await press(h, card, f"card:{story_id}")
        await wait_until(lambda: len(card.edits) == 2)
        assert card.text and "5 articles · 5 sources" in card.text

        await press(h, card, f"cov:{story_id}")
        chart = (await h.telegram.wait_for_messages(chat.id, 2))[1]
        assert chart.photo is not None
        with Image.open(io.BytesIO(chart.photo)) as image:
            assert image.format == "PNG" and image.size[0] == 720
        assert chart.reply_to_message_id == card.message_id  # it answers the card it was asked from


async def test_a_group_gets_a_storys_chart_once_per_ten_minutes(tmp_path: Path) -> None:
    async with running_bot(tmp_path, f"sqlite:///{tmp_path / 'g.db'}", None, lambda: NOW, **FAST) as h:
        story_id = h.seed("iss", ISS)
        members = (h.telegram.add_user("Ada"), h.telegram.add_user("Bob"))
        group = await h.telegram.add_group("Readers", members=members, announce=False)
        card = await say(h, group.id, "/story space station cooperation", members[0])
        await press(h, card, f"cov:{story_id}", members[0])
        await wait_until(lambda: any(m.photo for m in h.telegram.messages(group.id)))
        await press(h, card, f"cov:{story_id}", members[1])  # another member, a minute later
        assert "posted here" in (h.telegram.callback_answers[-1].get("text") or "")
        assert sum(1 for m in h.telegram.messages(group.id) if m.photo) == 1


async def test_story_not_found_suggests_and_digest_lists_cards(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("iss", ISS)
        h.seed("heat", OTHER)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        missing = await say(h, chat.id, "/story heat <b>zebras</b>")
        assert missing.raw_text and "No story found for <i>heat &lt;b&gt;zebras&lt;/b&gt;</i>" in missing.raw_text
        assert missing.text and "Maybe one of these" in missing.text and "heat" in missing.text.lower()
        assert (await say(h, chat.id, "/story")).text == "What are you looking for? e.g. /story mars rover."

        await say(h, chat.id, "/subscribe space")
        digest = await say(h, chat.id, "/digest")
        assert digest.text and digest.text.startswith("🗞 Your digest · Fri 31 Jul") and "5 sources" in digest.text
        assert digest.link_preview_disabled


async def test_inline_mode_offers_matching_cards(tmp_path: Path, db_url: str, webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        story_id = h.seed("iss", ISS)
        h.seed("heat", OTHER)
        user = h.telegram.add_user("Ada")

        await h.telegram.inline_query(user, "roscosmos")
        await wait_until(lambda: h.telegram.inline_answers)
        [answer] = h.telegram.inline_answers
        [result] = answer["results"]
        assert result["type"] == "article" and result["id"] == str(story_id)
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML" and "5 articles · 5 sources" in content["message_text"]
        assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"src:{story_id}:0"

        await h.telegram.inline_query(user, "")  # no words yet: the most covered recent stories
        await wait_until(lambda: len(h.telegram.inline_answers) == 2)
        assert h.telegram.inline_answers[1]["results"][0]["id"] == str(story_id)
        await h.telegram.inline_query(user, "nothing like this anywhere")
        await wait_until(lambda: len(h.telegram.inline_answers) == 3)
        assert h.telegram.inline_answers[2]["results"] == []
