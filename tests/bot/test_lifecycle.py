"""A chat's lifecycle through the real Application: reading never brings a stopped chat back, asking for digests
does (on the chat's own schedule), group members who are not admins change nothing, a blocked or kicked chat comes
back when its user or the group asks, and chats inactive for long are deleted."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.retention import INACTIVE_CHAT_DAYS
from fakes.telegram_state import ChatState as FakeState
from storage import chats as chat_store
from storage.models import Chat, ChatState, Delivery, Mute, Subscription
from tests.bot.botkit import FAST, ISS, NOW, button_data, press, say, wait_until
from tests.bot.harness import Harness, running_bot
from tests.bot.test_delivery import app_delivery


class Clock:
    """The bot's virtual clock: tests move it; nothing reads the wall clock for a verdict."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def row(h: Harness, chat_id: int) -> Chat | None:
    with h.core.db.session() as s:
        return s.get(Chat, chat_id)


def snapshot(h: Harness, chat_id: int) -> tuple[object, ...]:
    """Everything a chat's state is made of: unchanged means nobody wrote."""
    with h.core.db.session() as s:
        chat = s.get_one(Chat, chat_id)
        mutes = s.execute(select(Mute.kind, Mute.value).where(Mute.chat_id == chat_id).order_by(Mute.id)).all()
        return (chat.active, chat.state, chat.version, chat.language, chat.digest_times, chat.timezone,
                chat.blindspot_weekly, chat.next_digest_at, chat.thread_id, tuple(chat_store.topics(s, chat_id)),
                tuple(mutes))


async def test_reading_never_brings_a_stopped_chat_back(tmp_path: Path, db_url: str) -> None:
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST, command_burst=100) as h:
        delivery = app_delivery(h)
        story = h.seed("iss", ISS)
        user = h.telegram.add_user("Rosa")
        chat = h.telegram.add_private_chat(user).id
        await say(h, chat, "/subscribe space")
        assert (await say(h, chat, "/stop")).text.startswith("Done: unsubscribed from 1 topic")  # type: ignore[union-attr]
        card = await say(h, chat, "/story space station")
        assert "space" in (card.text or "").lower()
        for command in ("/topics", "/settings", "/digest", "/top", "/blindspot", "/unmute", "/help", "/language",
                        "/following", f"/start s{story}", "/mute football", "/unsubscribe space"):
            assert (await say(h, chat, command)).text, command
        await press(h, card, button_data(card)[0])  # "All N sources": pages in place
        await h.telegram.inline_query(user, "space")
        await wait_until(lambda: h.telegram.inline_answers)

        stopped = row(h, chat)
        assert stopped is not None and stopped.state is ChatState.STOPPED
        assert (stopped.active, stopped.next_digest_at, stopped.inactive_since) == (False, None, NOW)
        settings = await say(h, chat, "/settings")
        assert "Digests are stopped in this chat" in (settings.text or "")
        sent = len(h.telegram.messages(chat))
        clock.now = NOW + timedelta(days=2)  # past its digest time, twice
        assert await delivery.tick(clock.now) == 0
        await delivery.idle()
        assert len(h.telegram.messages(chat)) == sent


async def test_a_stopped_chat_comes_back_on_its_own_schedule(tmp_path: Path, db_url: str) -> None:
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST, command_burst=100) as h:
        delivery = app_delivery(h)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Kenji")).id
        await say(h, chat, "/start")
        await say(h, chat, "/timezone Asia/Tokyo")
        await say(h, chat, "/time 07:15")
        await say(h, chat, "/stop")
        clock.now = NOW + timedelta(days=3)  # 2026-08-03 18:00 UTC: 03:00 on the 4th in Tokyo
        h.seed("iss", ISS, now=clock.now)
        assert "Subscribed to space" in ((await say(h, chat, "/subscribe space")).text or "")

        back = row(h, chat)
        due = datetime(2026, 8, 4, 7, 15, tzinfo=ZoneInfo("Asia/Tokyo"))
        assert back is not None and back.active and back.state is ChatState.ACTIVE
        assert (back.digest_times, back.timezone, back.next_digest_at, back.inactive_since) == (
            "07:15", "Asia/Tokyo", due, None)
        sent = len(h.telegram.messages(chat))
        clock.now = due - timedelta(minutes=1)
        assert await delivery.tick(clock.now) == 0  # not the default 08:00 UTC either: that is later still
        clock.now = due + timedelta(seconds=30)
        assert await delivery.tick(clock.now) == 1
        await delivery.idle()
        digest = h.telegram.messages(chat)[sent:]
        assert digest and "space" in (digest[0].text or "").lower()


async def test_what_asks_for_digests_resumes_and_nothing_else_does(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, command_burst=100) as h:
        askers = ("/start", "/subscribe space", "/time 07:00", "/timezone Europe/Berlin", "button set:b:1",
                  "button tog:science")
        for asker in askers:
            chat = h.telegram.add_private_chat(h.telegram.add_user("Lea")).id
            keyboard = await say(h, chat, "/settings" if "set:" in asker else "/start")
            await say(h, chat, "/subscribe world")
            await say(h, chat, "/stop")
            for change in ("/language es", "/mute football", "/unmute football", "/unsubscribe world",
                           "/language en"):
                await say(h, chat, change)
            assert row(h, chat).state is ChatState.STOPPED, asker  # type: ignore[union-attr]
            if asker.startswith("button "):
                await press(h, keyboard, asker.removeprefix("button "))
            else:
                await say(h, chat, asker)
            back = row(h, chat)
            assert back is not None and back.active and back.state is ChatState.ACTIVE, asker


async def test_group_members_who_are_not_admins_change_nothing(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, command_burst=100) as h:
        owner, member = h.telegram.add_user("Olga"), h.telegram.add_user("Max")
        group = await h.telegram.add_group("Newsroom", creator=owner, members=(member,))
        await h.telegram.wait_for_messages(group.id, 1)
        await say(h, group.id, "/subscribe climate", owner)
        await say(h, group.id, "/mute football", owner)
        await say(h, group.id, "/stop", owner)
        before = snapshot(h, group.id)
        assert before[:2] == (False, ChatState.STOPPED)

        for read in ("/topics", "/settings", "/start", "/digest", "/unmute", "/language", "/help"):
            assert not (await say(h, group.id, read, member)).text.startswith("Only"), read  # type: ignore[union-attr]
        for write in ("/subscribe world", "/unsubscribe climate", "/time 06:00", "/timezone Asia/Tokyo",
                      "/language es", "/mute cricket", "/unmute football", "/stop"):
            refused = await say(h, group.id, write, member)
            assert (refused.text or "").startswith("Only this group's admins"), write
        keyboards = [await say(h, group.id, command, owner) for command in ("/settings", "/topics", "/language")]
        welcome = await say(h, group.id, "/start", member)
        for message in [*keyboards, welcome]:
            for data in button_data(message):
                await press(h, message, data, member)
                assert h.telegram.callback_answers[-1]["show_alert"], data
        assert snapshot(h, group.id) == before


async def test_blocked_and_kicked_chats_come_back_when_asked(tmp_path: Path, db_url: str) -> None:
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST, command_burst=100) as h:
        delivery = app_delivery(h)
        h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ana")).id
        await say(h, chat, "/subscribe space")
        h.telegram.world.chat(chat).state = FakeState.BLOCKED  # as if while the bot was down: the send tells
        due = row(h, chat).next_digest_at  # type: ignore[union-attr]
        assert due is not None
        clock.now = due + timedelta(seconds=30)
        assert await delivery.tick(clock.now) == 1
        await delivery.idle()
        blocked = row(h, chat)
        assert blocked is not None and (blocked.state, blocked.active, blocked.inactive_since) == (
            ChatState.BLOCKED, False, clock.now)

        h.telegram.world.chat(chat).state = FakeState.ACTIVE  # unblocked
        clock.now += timedelta(hours=1)
        await say(h, chat, "/start")
        back = row(h, chat)
        assert back is not None and (back.state, back.active, back.inactive_since) == (ChatState.ACTIVE, True, None)
        assert back.next_digest_at == due + timedelta(days=1)  # its own 08:00, the next one from now

        owner = h.telegram.add_user("Olga")
        group = await h.telegram.add_group("Club", creator=owner)
        await h.telegram.wait_for_messages(group.id, 1)
        await say(h, group.id, "/time 10:00", owner)
        await h.telegram.kick(group.id, owner)
        await wait_until(lambda: row(h, group.id).state is ChatState.KICKED)  # type: ignore[union-attr]
        await h.telegram.set_bot_status(group.id, "member", owner)  # added again
        await h.telegram.wait_for_messages(group.id, 3)  # the hello again
        readded = row(h, group.id)
        assert readded is not None and (readded.state, readded.active, readded.digest_times) == (
            ChatState.ACTIVE, True, "10:00")


async def test_chats_inactive_for_long_are_deleted(tmp_path: Path, db_url: str) -> None:
    clock = Clock(NOW)
    async with running_bot(tmp_path, db_url, None, clock, **FAST, command_burst=100) as h:
        delivery = app_delivery(h)
        h.seed("iss", ISS)
        gone, stopped, reader = (h.telegram.add_private_chat(h.telegram.add_user(n)).id for n in ("A", "B", "C"))
        for chat in (gone, reader):
            await say(h, chat, "/subscribe space")
        await say(h, gone, "/mute football")
        h.telegram.world.chat(gone).state = FakeState.BLOCKED
        clock.now = row(h, gone).next_digest_at + timedelta(seconds=30)  # type: ignore[operator]
        await delivery.tick(clock.now)
        await delivery.idle()
        assert row(h, gone).state is ChatState.BLOCKED  # type: ignore[union-attr]
        clock.now += timedelta(days=100)
        await say(h, stopped, "/start")
        await say(h, stopped, "/stop")

        clock.now += timedelta(days=INACTIVE_CHAT_DAYS - 99)  # `gone`: 181 days inactive; `stopped`: 81
        await asyncio.to_thread(h.core.retention.prune)
        assert row(h, gone) is None
        with h.core.db.session() as s:
            for table in (Subscription, Mute, Delivery):
                assert s.scalar(select(func.count()).select_from(table).where(table.chat_id == gone)) == 0
        assert row(h, stopped).state is ChatState.STOPPED  # type: ignore[union-attr]
        assert row(h, reader).active  # type: ignore[union-attr]
