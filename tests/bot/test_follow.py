"""Following a story, as a user meets it: the card's Follow button, the story growing in a served feed while the
chat follows it (the next fetch and clustering pass, then the follow tick), the update as a reply to the card;
throttled, held through the chat's night, not repeated by the digest; /following and its buttons; a merge, the
story's end, /stop and a blocked chat. On a virtual clock; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from sqlalchemy import func, select

from fakes.telegram_state import ChatState as FakeState
from fakes.telegram_state import SentMessage
from storage import feeds as feed_store
from storage.models import Chat, ChatState, FollowedStory
from tests.bot.botkit import FAST, NOW, Item, button_data, press, say, seed_story, wait_until
from tests.bot.harness import Harness, running_bot

WIRE = "/wire.xml"
# (outlet domain, title): an aggregator's items name their outlet by their link, so these count as the rated outlets
FIRST = [("reuters.com", "Dutch parliament votes to ban new gas boilers from 2030"),
         ("theguardian.com", "Dutch parliament bans new gas boilers from 2030 in climate vote"),
         ("cnn.com", "Netherlands parliament votes to ban gas boilers from 2030")]
GROWN = [("foxnews.com", "Dutch parliament gas boiler ban from 2030 passes vote"),
         ("npr.org", "Netherlands votes gas boilers ban from 2030, parliament says"),
         ("bbc.com", "Dutch parliament passes ban on new gas boilers from 2030"),
         ("nypost.com", "Dutch parliament votes gas boiler ban for 2030")]
MORE = [("thehill.com", "Dutch parliament gas boilers ban vote for 2030 approved"),
        ("usatoday.com", "Netherlands parliament bans new gas boilers from 2030 after vote"),
        ("breitbart.com", "Dutch parliament votes to ban gas boilers by 2030"),
        ("bloomberg.com", "Dutch parliament ban on gas boilers from 2030 passes")]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def rss(items: Sequence[tuple[str, str, datetime]]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>https://www.{domain}/world/gas-boilers-{n}</link>"
        f"<guid>https://www.{domain}/world/gas-boilers-{n}</guid><pubDate>{format_datetime(when)}</pubDate></item>"
        for n, (domain, title, when) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>https://wire.example/</link><description>news</description>{entries}</channel></rss>").encode()


class Newsroom:
    """One aggregator feed, served locally, that grows; `publish` then does what the bot's jobs do."""

    def __init__(self, h: Harness, clock: Clock) -> None:
        self.h, self.clock = h, clock
        self.items: list[tuple[str, str, datetime]] = []
        url = h.feeds.add(WIRE, rss([]))
        h.core.interactive.sync(feed_store.upsert_feeds, [(url, "Wire", "", True)])

    async def publish(self, items: Sequence[tuple[str, str]]) -> None:
        self.items += [(domain, title, self.clock.now - timedelta(minutes=5)) for domain, title in items]
        self.h.feeds.add(WIRE, rss(self.items))
        self.clock.now += timedelta(minutes=20)  # the feed is due again
        await self.h.core.ingestor.fetch_due()
        await asyncio.to_thread(self.h.core.cluster)
        self.h.core.digests.invalidate()

    async def tick(self) -> int:
        """The follow job's tick, then the workers until they have sent what it wrote."""
        written = await self.h.runtime.follow_updates.tick(self.clock.now)
        await self.h.runtime.delivery.idle()
        return written


def follow_button(card_data: list[str]) -> str:
    [data] = [d for d in card_data if d.startswith("fol:")]
    return data


async def test_a_followed_story_that_grows_gets_one_update_as_a_reply_to_its_card(tmp_path: Path,
                                                                                   db_url: str) -> None:
    clock = Clock(NOW)  # 18:00 UTC
    async with running_bot(tmp_path, db_url, None, clock, **FAST) as h:
        news = Newsroom(h, clock)
        await news.publish(FIRST)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        await say(h, chat.id, "/subscribe boilers")
        card = await say(h, chat.id, "/story gas boilers ban")
        assert card.text and "3 sources" in card.text
        await press(h, card, follow_button(button_data(card)))
        assert "Following" in h.telegram.callback_answers[-1]["text"]
        followed = clock.now  # 18:20
        assert await news.tick() == 0  # nothing new yet

        await news.publish(GROWN)  # four more outlets, the right among them: told at once
        updated = clock.now
        assert updated == followed + timedelta(minutes=20)
        before = len(h.telegram.messages(chat.id))
        assert await news.tick() == 1
        [update] = (await h.telegram.wait_for_messages(chat.id, before + 1))[before:]
        assert update.reply_to_message_id == card.message_id
        assert update.text and "+4 sources (7 now)" in update.text and "the right now covers it" in update.text
        assert "gas boiler" in update.text.lower()

        digest = await say(h, chat.id, "/digest")  # the digest doesn't repeat what the update just said
        assert digest.text and "boiler" not in digest.text.lower()

        await news.publish(MORE)
        assert await news.tick() == 0  # 20 minutes after the update: at most one per story every few hours
        clock.now = updated + timedelta(hours=2, minutes=50)  # 21:30 UTC
        assert await news.tick() == 0
        clock.now = updated + timedelta(hours=4, minutes=5)  # 22:45 UTC, the chat's night
        assert await news.tick() == 0
        clock.now = NOW + timedelta(hours=13, minutes=5)  # 07:05: the morning
        before = len(h.telegram.messages(chat.id))
        assert await news.tick() == 1
        [morning] = (await h.telegram.wait_for_messages(chat.id, before + 1))[before:]
        assert morning.text and "+4 sources (11 now)" in morning.text and morning.reply_to_message_id == card.message_id
        assert await news.tick() == 0  # once


async def test_a_merge_follows_the_survivor_and_the_end_says_so(tmp_path: Path, db_url: str) -> None:
    volcano_a = [Item("Reuters", "reuters.com", "Volcano erupts on Iceland's Reykjanes peninsula near Grindavik", "",
                      "center", 9),
                 Item("AP", "apnews.com", "Iceland volcano eruption forces Grindavik evacuation", "", "center", 8),
                 Item("BBC", "bbc.com", "Reykjanes volcano erupts again, Grindavik evacuated", "", "center", 7)]
    volcano_b = [Item("CNN", "cnn.com", "Grindavik lava: Iceland volcano eruption on Reykjanes peninsula", "", "left",
                      3),
                 Item("Fox News", "foxnews.com", "Iceland's Reykjanes volcano eruption threatens Grindavik", "",
                      "right", 2)]
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST) as h:
        older, newer = h.seed("volcano-a", volcano_a), h.seed("volcano-b", volcano_b)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ana", language_code="es"))
        cards = [await say(h, chat.id, f"/start s{sid}") for sid in (older, newer)]
        for card in cards:
            await press(h, card, follow_button(button_data(card)))
        listed = await say(h, chat.id, "/following")
        assert listed.text and "(2/30)" in listed.text and button_data(listed) == [f"unf:{older}", f"unf:{newer}"]

        assert (await asyncio.to_thread(h.core.refine)).merges == 1  # the two parts become one story
        clock.now = NOW + timedelta(hours=3, minutes=1)
        before = len(h.telegram.messages(chat.id))
        assert await news_tick(h, clock) == 1  # one update, not one per part
        [merged] = (await h.telegram.wait_for_messages(chat.id, before + 1))[before:]
        assert merged.text and "fusionó" in merged.text  # in the chat's language
        assert merged.reply_to_message_id in {card.message_id for card in cards}
        listed = await say(h, chat.id, "/following")
        assert listed.text and "(1/30)" in listed.text and button_data(listed) == [f"unf:{older}"]

        clock.now = NOW + timedelta(hours=80)  # no article for CLUSTER_WINDOW_HOURS: the story closed, at 02:00
        assert await news_tick(h, clock) == 0  # its last line waits for the morning
        clock.now = NOW + timedelta(hours=86)
        before = len(h.telegram.messages(chat.id))
        assert await news_tick(h, clock) == 1
        [last] = (await h.telegram.wait_for_messages(chat.id, before + 1))[before:]
        assert last.text and last.text.startswith("🔕") and "Grindavik" in last.text
        assert h.core.interactive.sync(lambda s: s.scalar(select(func.count()).select_from(FollowedStory))) == 0
        assert await news_tick(h, clock) == 0
        empty = await say(h, chat.id, "/following")
        assert empty.text and not button_data(empty)


async def news_tick(h: Harness, clock: Clock) -> int:
    written = await h.runtime.follow_updates.tick(clock.now)
    await h.runtime.delivery.idle()
    return written


async def press_forged(h: Harness, message: SentMessage, data: str) -> None:
    """A modified client sends callback data no button of the message carries; wait for the bot's answer."""
    answered = len(h.telegram.callback_answers)
    await h.telegram.press_button(message.chat_id, message.message_id, data, forged=True)
    await wait_until(lambda: len(h.telegram.callback_answers) > answered)


async def test_following_lists_unfollows_and_stops_at_thirty(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, **FAST) as h:
        ids = [h.seed(f"story-{n}", [Item("Reuters", "reuters.com", f"Story number {n} headline words {n}", "",
                                           "center", 1)]) for n in range(31)]
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        card = await say(h, chat.id, f"/start s{ids[0]}")
        for sid in ids:  # a forged client can press any id: each is checked
            await press_forged(h, card, f"fol:{sid}")
        assert "30 stories" in h.telegram.callback_answers[-1]["text"]
        assert h.telegram.callback_answers[-1].get("show_alert")
        await press(h, card, f"fol:{ids[0]}")
        assert "already" in h.telegram.callback_answers[-1]["text"]
        for bad in ("fol:0", "fol:9999999999", "fol:12345678901", "fol:1:2"):  # out of range, or no such button
            await press_forged(h, card, bad)
            assert "following" not in h.telegram.callback_answers[-1].get("text", "").lower()
        assert h.core.interactive.sync(lambda s: s.scalar(select(func.count()).select_from(FollowedStory))) == 30

        listed = await say(h, chat.id, "/following")
        assert listed.text and "(30/30)" in listed.text and len(listed.text) <= 4096
        assert len(button_data(listed)) == 30
        await press(h, listed, f"unf:{ids[0]}")
        await wait_until(lambda: listed.edits)
        assert listed.text and "(29/30)" in listed.text and f"unf:{ids[0]}" not in button_data(listed)

        before = h.core.interactive.sync(lambda s: s.get(Chat, chat.id).version)
        await say(h, chat.id, "/following")  # reading never writes
        assert h.core.interactive.sync(lambda s: s.get(Chat, chat.id).version) == before

        await say(h, chat.id, "/stop")  # /stop ends every follow
        empty = await say(h, chat.id, "/following")
        assert empty.text and not button_data(empty)
        assert h.core.interactive.sync(lambda s: s.get(Chat, chat.id).state) == ChatState.STOPPED
        await press(h, card, f"fol:{ids[0]}")  # following a story asks for updates: the chat comes back
        assert h.core.interactive.sync(lambda s: s.get(Chat, chat.id).state) == ChatState.ACTIVE


async def test_a_stopped_or_blocked_chat_gets_no_update(tmp_path: Path, db_url: str) -> None:
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST) as h:
        news = Newsroom(h, clock)
        await news.publish(FIRST)
        ada = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        bob = h.telegram.add_private_chat(h.telegram.add_user("Bob"))
        for chat in (ada, bob):
            card = await say(h, chat.id, "/story gas boilers ban")
            await press(h, card, follow_button(button_data(card)))
        await say(h, ada.id, "/stop")
        await news.publish(GROWN)
        clock.now = NOW + timedelta(hours=3, minutes=30)  # 21:30 UTC: not the night yet
        h.telegram.world.chat(bob.id).state = FakeState.BLOCKED  # blocked while nobody looked: the send tells
        sent = {chat.id: len(h.telegram.messages(chat.id)) for chat in (ada, bob)}
        assert await news.tick() == 1  # Bob's: Ada stopped
        assert {chat.id: len(h.telegram.messages(chat.id)) for chat in (ada, bob)} == sent
        assert h.core.interactive.sync(lambda s: s.get(Chat, bob.id).state) == ChatState.BLOCKED  # the 403
        await news.publish(MORE)
        clock.now = NOW + timedelta(hours=16)  # 10:00 the next day
        assert await news.tick() == 0
        assert {chat.id: len(h.telegram.messages(chat.id)) for chat in (ada, bob)} == sent
        clock.now = NOW + timedelta(days=8)  # Bob's follow is over: it ends without a last line to a blocked chat
        assert await news.tick() == 0
        assert h.core.interactive.sync(lambda s: s.scalar(select(func.count()).select_from(FollowedStory))) == 0
        assert {chat.id: len(h.telegram.messages(chat.id)) for chat in (ada, bob)} == sent


async def test_a_card_shared_inline_follows_in_the_pressers_private_chat(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        story = h.seed("iss", [Item("Reuters", "reuters.com", "Russian and US space chiefs meet in Houston", "",
                                    "center", 2)])
        bob = h.telegram.add_user("Bob")

        async def press_inline() -> str:
            answered = len(h.telegram.callback_answers)
            await h.telegram.press_inline_button(bob, f"fol:{story}")
            await wait_until(lambda: len(h.telegram.callback_answers) > answered)
            return str(h.telegram.callback_answers[-1].get("text", ""))

        assert "private chat" in await press_inline()  # the bot can't write first: nothing followed
        assert h.core.interactive.sync(lambda s: s.scalar(select(func.count()).select_from(FollowedStory))) == 0
        chat = h.telegram.add_private_chat(bob)
        await say(h, chat.id, "/start")
        assert "Following" in await press_inline()
        listed = await say(h, chat.id, "/following")
        assert listed.text and "(1/30)" in listed.text and button_data(listed) == [f"unf:{story}"]


async def test_in_a_group_admins_follow_and_the_update_replies_there(tmp_path: Path, db_url: str) -> None:
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST) as h:
        story = h.seed("iss", [Item("Reuters", "reuters.com", "Russian and US space chiefs meet in Houston", "",
                                    "center", 2)])
        owner, member = h.telegram.add_user("Olga"), h.telegram.add_user("Max")
        group = await h.telegram.add_group("Newsroom", creator=owner, members=(member,))
        await h.telegram.wait_for_messages(group.id, 1)
        card = await say(h, group.id, "/story space chiefs houston", member)
        await press(h, card, f"fol:{story}", member)  # only admins change what the group gets
        assert h.telegram.callback_answers[-1].get("show_alert")
        assert h.core.interactive.sync(lambda s: s.scalar(select(func.count()).select_from(FollowedStory))) == 0
        await press(h, card, f"fol:{story}", owner)
        assert "Following" in h.telegram.callback_answers[-1]["text"]

        h.core.interactive.sync(seed_story, "iss", [
            Item("Fox News", "foxnews.com", "US and Russian space chiefs meet in Houston", "", "right", 0.5),
            Item("CNN", "cnn.com", "Space chiefs of US and Russia meet in Houston", "", "left", 0.5)], NOW)
        clock.now = NOW + timedelta(hours=3, minutes=5)
        before = len(h.telegram.messages(group.id))
        assert await news_tick(h, clock) == 1
        [update] = (await h.telegram.wait_for_messages(group.id, before + 1))[before:]
        assert update.reply_to_message_id == card.message_id
        assert update.text and "the left now covers it · the right now covers it" in update.text


async def test_in_a_forum_the_update_goes_to_the_cards_topic_until_the_topic_is_gone(tmp_path: Path,
                                                                                      db_url: str) -> None:
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST) as h:
        story = h.seed("iss", [Item("Reuters", "reuters.com", "Russian and US space chiefs meet in Houston", "",
                                    "center", 2)])
        owner = h.telegram.add_user("Olga")
        forum = await h.telegram.add_supergroup("Forum", creator=owner, is_forum=True)
        await h.telegram.wait_for_messages(forum.id, 1)
        topic = await h.telegram.create_topic(forum.id, "Space", owner)
        card = await say(h, forum.id, "/story space chiefs houston", owner, thread_id=topic)
        assert card.thread_id == topic
        await press(h, card, f"fol:{story}", owner)

        async def grow(key: str, items: list[Item]) -> SentMessage:
            h.core.interactive.sync(seed_story, "iss", items, clock.now)
            before = len(h.telegram.messages(forum.id))
            assert await news_tick(h, clock) == 1
            [update] = (await h.telegram.wait_for_messages(forum.id, before + 1))[before:]
            return update

        update = await grow("iss", [Item("Fox News", "foxnews.com", "US and Russian space chiefs meet", "", "right",
                                         0.5)])
        assert update.thread_id == topic and update.reply_to_message_id == card.message_id
        h.telegram.delete_topic(forum.id, topic)
        clock.now = NOW + timedelta(hours=3, minutes=5)
        update = await grow("iss", [Item("CNN", "cnn.com", "Space chiefs of US and Russia meet", "", "left", 0.5)])
        assert update.thread_id is None  # the topic is gone: the main thread
