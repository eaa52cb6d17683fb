"""Commands through the real Application and the fake Bot API: onboarding, topics, bad input, errors, flood."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.stories import Stories
from storage import chats as chat_store
from tests.bot.botkit import FAST, NOW, button_data, press, say, wait_until
from tests.bot.harness import running_bot


async def test_start_keyboard_toggles_topics_in_place(tmp_path: Path, db_url: str, webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        welcome = await say(h, chat.id, "/start")
        assert welcome.text and "Welcome to storybot" in welcome.text
        assert "tog:science" in button_data(welcome)

        await press(h, welcome, "tog:science")
        await wait_until(lambda: welcome.edits)
        assert any(b["text"] == "✅ science" for row in welcome.buttons for b in row)
        await press(h, welcome, "tog:world")
        await wait_until(lambda: len(welcome.edits) == 2)
        topics = await say(h, chat.id, "/topics")
        assert topics.text and "• science" in topics.text and "• world" in topics.text

        await press(h, welcome, "tog:science")  # toggling again stops following it
        await wait_until(lambda: len(welcome.edits) == 3)
        assert any(b["text"] == "➕ science" for row in welcome.buttons for b in row)


async def test_subscribe_topics_remove_button_and_unsubscribe(tmp_path: Path, db_url: str, webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        assert (await say(h, chat.id, "/subscribe Climate   Change")).text == (
            "✅ Subscribed to climate change. Try /digest to see its top stories now.")
        assert "already follow" in ((await say(h, chat.id, "/subscribe climate change")).text or "")
        await say(h, chat.id, "/subscribe technology")
        listing = await say(h, chat.id, "/topics")
        assert listing.text and "(2/30)" in listing.text
        remove = [d for d in button_data(listing) if d.startswith("rm:")]
        assert len(remove) == 2
        await press(h, listing, remove[0])
        await wait_until(lambda: listing.edits)
        assert listing.text and "climate change" not in listing.text and "technology" in listing.text
        assert h.telegram.callback_answers[-1]["text"] == "Removed climate change"
        assert (await say(h, chat.id, "/unsubscribe technology")).text == "Unsubscribed from technology."
        assert "doesn't follow" in ((await say(h, chat.id, "/unsubscribe technology")).text or "")
        assert (await say(h, chat.id, "/topics")).text == "No topics yet. Follow one with /subscribe climate."


async def test_bad_input_gets_clear_messages(tmp_path: Path, db_url: str, webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Eve"))
        too_long = await say(h, chat.id, "/subscribe " + "x" * 65)
        assert too_long.text == "That topic is too long: keep it under 64 characters."
        markup = await say(h, chat.id, '/subscribe <b>bold</b> & "quotes"')
        assert markup.raw_text and "&lt;b&gt;bold&lt;/b&gt; &amp;" in markup.raw_text
        assert markup.text and '<b>bold</b> & "quotes"' in markup.text and not any(
            e["type"] == "bold" and e["length"] == 4 for e in markup.entities)
        h.core.interactive.sync(lambda s: [chat_store.subscribe(s, chat.id, f"topic{n}") for n in range(29)])
        limit = await say(h, chat.id, "/subscribe one too many")
        assert limit.text and "already follows 30 topics" in limit.text
        assert (await say(h, chat.id, "/frobnicate")).text == "I don't know that command. /help lists what I can do."
        await h.telegram.send_photo(chat.id, b"not really a photo", chat.id)
        hint = (await h.telegram.wait_for_messages(chat.id, len(h.telegram.messages(chat.id)) + 1))[-1]
        assert hint.text and hint.text.startswith("I answer commands")
        unknown_zone = await say(h, chat.id, "/timezone Mars/Olympus_Mons")
        assert unknown_zone.text and "I don't know the timezone" in unknown_zone.text
        bad_time = await say(h, chat.id, "/time 25:99")
        assert bad_time.text and "is not a time" in bad_time.text
        help_text = await say(h, chat.id, "/help")
        assert help_text.text and "/timezone" in help_text.text and "@storybot_test_bot" in help_text.text


async def test_time_timezone_settings_and_stop(tmp_path: Path, db_url: str, webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        # NOW is Fri 31 Jul 2026 18:00 UTC.
        set_time = await say(h, chat.id, "/time 07:30")
        assert set_time.text == "🕗 Daily digest at 07:30 (UTC).\nNext one: Sat 01 Aug, 07:30 UTC time."
        set_zone = await say(h, chat.id, "/timezone Asia/Tokyo")
        assert set_zone.text and "Next one: Sat 01 Aug, 07:30 Asia/Tokyo time." in set_zone.text

        menu = await say(h, chat.id, "/settings")
        assert "set:t:0600" in button_data(menu) and "set:z:2" in button_data(menu)
        await press(h, menu, "set:z:2")  # Europe/Berlin
        await wait_until(lambda: menu.edits)
        assert menu.text and "07:30 (Europe/Berlin)" in menu.text and "Sat 01 Aug, 07:30" in menu.text
        await press(h, menu, "set:t:2100")
        await wait_until(lambda: len(menu.edits) == 2)
        assert menu.text and "Next one: Fri 31 Jul, 21:00 Europe/Berlin" in menu.text

        await say(h, chat.id, "/subscribe world")
        stop = await say(h, chat.id, "/stop")
        assert stop.text and stop.text.startswith("Done: unsubscribed from 1 topic,")
        assert (await say(h, chat.id, "/topics")).text == "No topics yet. Follow one with /subscribe climate."


async def test_handler_error_is_logged_and_the_bot_keeps_going(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("search index on fire")

    monkeypatch.setattr(Stories, "_search", broken)
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        oops = await say(h, chat.id, "/story mars")
        assert oops.text == "Sorry, something went wrong. Please try again in a moment."
        assert any("handler error" in r.message and "/story mars" in r.message and r.exc_info
                   for r in caplog.records)
        assert (await say(h, chat.id, "/help")).text  # still running


async def test_a_flooding_user_is_throttled_politely(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        flooder = h.telegram.add_private_chat(h.telegram.add_user("Mallory"))
        calm = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        for _ in range(20):
            await h.telegram.send_message(flooder.id, "/help")
        await wait_until(lambda: any("Easy there" in (m.text or "") for m in h.telegram.messages(flooder.id)))
        await say(h, calm.id, "/help")  # others are unaffected
        replies = h.telegram.messages(flooder.id)
        assert sum("Easy there" in (m.text or "") for m in replies) == 1
        assert len(replies) == 9  # the burst of 8, then one note; the rest dropped
