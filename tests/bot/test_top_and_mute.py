"""/top, the digest of a chat that follows nothing, /mute and /unmute, through the real Application and the fake
Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.chats import ChatRef
from app.mutes import MAX_MUTES, MuteKind
from fakes.telegram_state import SentMessage
from storage import chats
from tests.bot.botkit import FAST, ISS, NOW, Item, button_data, press, say, wait_until
from tests.bot.harness import running_bot
from tests.bot.test_delivery import app_delivery

HEAT = [Item("BBC", "bbc.com", "Heatwave grips southern Europe", "Temperatures passed 44C in Seville.", "center"),
        Item("CNN", "cnn.com", "Europe swelters in record heat", "Spain and Italy issued red alerts.", "left")]
OLD = [Item("Le Monde", "lemonde.fr", "Harvest festival opens in Burgundy", "Wine makers gathered.", "left", 40),
       Item("El País", "elpais.com", "Burgundy harvest festival draws crowds", "Thousands came.", "left", 39)]


def urls(message: SentMessage) -> set[str]:
    return {e["url"] for e in message.entities if e["type"] == "text_link"}


async def test_top_in_a_chat_that_follows_nothing(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("iss", ISS)
        h.seed("heat", HEAT)
        h.seed("old", OLD)  # not today's: its newest article is 39 hours old
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        welcome = await say(h, chat.id, "/start")
        assert welcome.text and "top stories" in welcome.text

        top = await say(h, chat.id, "/top")
        assert top.text and top.text.startswith("⭐ Top stories today")
        assert top.link_preview_disabled
        text = top.text.lower()
        assert "space" in text and "heat" in text and "burgundy" not in text
        assert text.index("space") < text.index("heat")  # five outlets before two
        assert "5 articles · 5 sources" in top.text and "Full card" in top.text


async def test_the_digest_of_a_chat_with_no_topics_is_the_top_stories(tmp_path: Path, db_url: str) -> None:
    due = NOW + timedelta(days=1)
    tick = due + timedelta(seconds=20)
    async with running_bot(tmp_path, db_url, None, lambda: tick, **FAST) as h:
        delivery = app_delivery(h)
        h.seed("iss", ISS, now=tick)
        h.seed("heat", HEAT, now=tick)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        await say(h, chat.id, "/start")  # registered, following nothing
        with h.core.db.session() as s:
            chats.set_schedule(s, chat.id, "00:00", "UTC", due)
        preview = await say(h, chat.id, "/digest")
        assert preview.text and "⭐ Top stories" in preview.text
        assert "space" in preview.text.lower() and "heat" in preview.text.lower()

        assert await delivery.tick(tick) == 1
        before = len(h.telegram.messages(chat.id))
        await wait_until(lambda: len(h.telegram.messages(chat.id)) > before)
        sent = h.telegram.messages(chat.id)[-1]
        assert sent.raw_text == preview.raw_text  # /digest said what the scheduled digest sends


async def test_mute_a_word_and_an_outlet_shows_in_the_digest(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, **FAST) as h:
        h.seed("iss", ISS)
        h.seed("heat", HEAT)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        before = await say(h, chat.id, "/digest")
        assert before.text and "heat" in before.text.lower()
        assert "https://foxnews.com/iss/3" in urls(before)

        muted = await say(h, chat.id, "/mute Heat")
        assert muted.text and muted.text.startswith("🔇 Muted heat")
        digest = await say(h, chat.id, "/digest")
        assert digest.text and "heat" not in digest.text.lower() and "space" in digest.text.lower()
        assert "heat" not in ((await say(h, chat.id, "/top")).text or "").lower()
        assert "No story found" in ((await say(h, chat.id, "/story heatwave europe")).text or "")

        assert "Muted the outlet fox news" in ((await say(h, chat.id, "/mute source  fox   NEWS")).text or "")
        digest = await say(h, chat.id, "/digest")
        assert digest.text and "https://foxnews.com/iss/3" not in urls(digest)
        # the coverage stays true: Fox News still counts among the sources and the rated ones
        assert "5 articles · 5 sources" in digest.text and "4\xa0of\xa05\xa0sources\xa0rated" in digest.text
        card = await say(h, chat.id, "/story space station cooperation")
        assert card.text and "https://foxnews.com/iss/3" not in urls(card) and "4\xa0of\xa05\xa0sources" in card.text
        story_id = int(button_data(card)[0].split(":")[1])
        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: card.edits)
        assert card.text and "Fox News" in card.text and "https://foxnews.com/iss/3" not in urls(card)

        listing = await say(h, chat.id, "/topics")
        assert listing.text and "🔇 heat" in listing.text and "🔇 source fox news" in listing.text
        unmute = [d for d in button_data(listing) if d.startswith("um:")]
        assert len(unmute) == 2
        await press(h, listing, unmute[0])
        assert h.telegram.callback_answers[-1]["text"] == "Unmuted heat"
        assert "heat" in ((await say(h, chat.id, "/digest")).text or "").lower()
        assert (await say(h, chat.id, "/unmute source fox news")).text == "🔊 Unmuted source fox news."
        assert "https://foxnews.com/iss/3" in urls(await say(h, chat.id, "/digest"))
        assert "isn't muted" in ((await say(h, chat.id, "/unmute source fox news")).text or "")
        assert (await say(h, chat.id, "/unmute")).text == (
            "Nothing is muted in this chat. /mute football leaves out stories about football.")


async def test_mute_arguments_are_bounded_and_capped(tmp_path: Path) -> None:
    async with running_bot(tmp_path, f"sqlite:///{tmp_path / 'm.db'}", None, lambda: NOW, **FAST) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        assert "What should I mute?" in ((await say(h, chat.id, "/mute")).text or "")
        assert "at most 64 characters" in ((await say(h, chat.id, "/mute " + "x" * 65)).text or "")
        assert "at most 64 characters" in ((await say(h, chat.id, "/mute !!! ???")).text or "")
        assert "Name the outlet" in ((await say(h, chat.id, "/mute source")).text or "")
        assert "Name the outlet" in ((await say(h, chat.id, "/mute source " + "y" * 61)).text or "")
        odd = await say(h, chat.id, "/mute <b>x</b> & co")
        assert odd.raw_text and "&lt;b&gt;x&lt;/b&gt; &amp; co" in odd.raw_text
        for n in range(MAX_MUTES - 1):
            await h.core.mutes.mute(ChatRef(chat.id), MuteKind.WORD, f"word{n}")
        full = await say(h, chat.id, "/mute one more")
        assert full.text == f"This chat already has {MAX_MUTES} mutes, the most I keep. Remove one with /unmute first."
        assert len((await h.core.chats.view(chat.id)).mutes) == MAX_MUTES
