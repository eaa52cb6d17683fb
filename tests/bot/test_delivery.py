"""Digests through the real Application and the fake Bot API: on time, once, and every Telegram error path."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

from app.delivery import DigestDelivery
from fakes.telegram_state import ChatState
from storage import chats
from storage.models import Chat, Delivery, DeliveryStatus
from storage.outbox import deliveries as outbox
from tests.bot.botkit import ISS, NOW, say
from tests.bot.harness import Harness, running_bot

DUE = NOW + timedelta(days=1)  # after everything the app's own ticks (at NOW) could claim
TICK = DUE + timedelta(seconds=20)


def app_delivery(h: Harness) -> DigestDelivery:
    """The runtime's own DigestDelivery; its scheduled ticks are removed so the test drives the clock."""
    queue = h.runtime.application.job_queue
    assert queue is not None
    for job in queue.jobs():
        if job.name in ("digests", "digests-start"):
            job.schedule_removal()
    delivery = h.runtime.delivery
    delivery.policy = dataclasses.replace(delivery.policy, backoff_cap=0.2)
    return delivery


@asynccontextmanager
async def bot(tmp_path: Path, db_url: str) -> AsyncIterator[tuple[Harness, DigestDelivery]]:
    async with running_bot(tmp_path, db_url, None, lambda: TICK) as h:
        delivery = app_delivery(h)
        h.seed("iss", ISS, now=TICK)
        yield h, delivery


def subscribe(h: Harness, chat_id: int, due: datetime = DUE, type: str = "private") -> None:
    with h.core.db.session() as s:
        chats.ensure_chat(s, chat_id, type=type, timezone="UTC", digest_times="00:00", next_digest_at=due)
        chats.subscribe(s, chat_id, "space")


def rows(h: Harness) -> dict[int, Delivery]:
    with h.core.db.session() as s:
        return {d.chat_id: d for d in s.query(Delivery).all()}


def chat(h: Harness, chat_id: int) -> Chat | None:
    with h.core.db.session() as s:
        return s.get(Chat, chat_id)


def private(h: Harness, name: str) -> int:
    return h.telegram.add_private_chat(h.telegram.add_user(name)).id


async def test_due_chats_get_one_digest_each(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        ada, bob = private(h, "Ada"), private(h, "Bob")
        group = (await h.telegram.add_group("Club", announce=False)).id
        for chat_id in (ada, bob):
            subscribe(h, chat_id)
        subscribe(h, group, type="group")
        subscribe(h, private(h, "Later"), due=TICK + timedelta(minutes=1))  # not due yet
        assert await delivery.tick(TICK) == 3
        await delivery.idle()
        assert await delivery.tick(TICK + timedelta(seconds=30)) == 0  # claimed once
        for chat_id in (ada, bob, group):
            [message] = h.telegram.messages(chat_id)
            assert message.text and "Your digest" in message.text and "space chiefs" in message.text.lower()
            row = rows(h)[chat_id]
            assert row.status == DeliveryStatus.SENT and row.message_ids == str(message.message_id)
            assert row.period == DUE.strftime("%Y-%m-%dT%H:%MZ")  # the instant, in UTC
        assert len(rows(h)) == 3


async def test_late_on_start_sent_if_recent_else_skipped(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        recent, old = private(h, "Recent"), private(h, "Old")
        subscribe(h, recent, due=TICK - timedelta(hours=2))
        subscribe(h, old, due=TICK - timedelta(hours=5))
        assert await delivery.tick(TICK) == 1
        await delivery.idle()
        assert len(h.telegram.messages(recent)) == 1 and h.telegram.messages(old) == []
        assert rows(h)[old].status == DeliveryStatus.SKIPPED
        for chat_id in (recent, old):  # both move on to the next day
            found = chat(h, chat_id)
            assert found is not None and found.next_digest_at == (TICK + timedelta(days=1)).replace(hour=0, minute=0,
                                                                                                  second=0)


async def test_429_pauses_that_chat_only(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        busy, calm = private(h, "Busy"), private(h, "Calm")
        subscribe(h, busy)
        subscribe(h, calm)
        h.telegram.enable_rate_limits(global_per_second=None, private_per_second=1, group_per_minute=None)
        await h.core.digests.refresh()  # the stories' cards are ready, as after a clustering pass
        tg = h.runtime.application.bot
        await tg.send_message(busy, "hello", rate_limit_args={"paced": True})  # fills busy's second
        await delivery.tick(TICK)
        await delivery.idle(timeout=10)
        log = [(r.chat_id, r.status) for r in h.telegram.requests("sendMessage")]
        assert (busy, 429) in log and (calm, 429) not in log
        assert h.telegram.messages(busy)[0].text == "hello"
        assert len(h.telegram.messages(busy)) == 2 and len(h.telegram.messages(calm)) == 1
        assert log.index((calm, 200)) < log.index((busy, 200), 1)  # calm was not held up by busy's pause
        assert rows(h)[busy].status == DeliveryStatus.SENT


async def test_blocked_kicked_and_missing_chats_are_deactivated(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        blocked, missing = private(h, "Blocker"), private(h, "Gone")
        kicked = (await h.telegram.add_group("Kickers", announce=False)).id
        for chat_id, type in ((blocked, "private"), (missing, "private"), (kicked, "group")):
            subscribe(h, chat_id, type=type)
        # As if it happened while the bot was down: no update tells the bot, only the next send.
        h.telegram.world.chat(blocked).state = ChatState.BLOCKED
        h.telegram.world.chat(kicked).bot_status = "kicked"
        await h.telegram.delete_chat(missing)
        await delivery.tick(TICK)
        await delivery.idle()
        for chat_id in (blocked, kicked, missing):
            found = chat(h, chat_id)
            assert found is not None and not found.active and found.next_digest_at is None
            assert rows(h)[chat_id].status == DeliveryStatus.FAILED
        assert "blocked" in (chat(h, blocked).inactive_reason or "")  # type: ignore[union-attr]
        assert "chat not found" in (chat(h, missing).inactive_reason or "").lower()  # type: ignore[union-attr]
        assert await delivery.tick(TICK + timedelta(days=2)) == 0  # their schedules stopped


async def test_migrated_group_gets_its_digest_at_the_new_id(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        old = (await h.telegram.add_group("Old group", announce=False)).id
        subscribe(h, old, type="group")
        # Migrated while the bot was down: the bot learns it from the ChatMigrated answer to its next send.
        new = (await h.telegram.add_supergroup("Old group", announce=False)).id
        h.telegram.world.chat(old).state, h.telegram.world.chat(old).migrated_to = ChatState.MIGRATED, new
        await delivery.tick(TICK)
        await delivery.idle()
        assert all("Your digest" not in (m.text or "") for m in h.telegram.messages(old))
        digests = [m for m in h.telegram.messages(new) if m.text and "Your digest" in m.text]
        assert len(digests) == 1
        assert chat(h, old) is None and chat(h, new) is not None
        assert rows(h)[new].status == DeliveryStatus.SENT


async def test_server_errors_are_retried(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        ada = private(h, "Ada")
        subscribe(h, ada)
        h.telegram.inject_fault("sendMessage", count=2, kind="500")
        await delivery.tick(TICK)
        await delivery.idle()
        assert len(h.telegram.messages(ada)) == 1
        assert [r.status for r in h.telegram.requests("sendMessage")] == [500, 500, 200]
        row = rows(h)[ada]
        assert row.status == DeliveryStatus.SENT and row.attempts == 3


async def test_a_broken_connection_after_sending_is_never_resent(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        ada = private(h, "Ada")
        subscribe(h, ada)
        h.telegram.inject_fault("sendMessage", count=1, kind="close_after")  # delivered, but no answer
        await delivery.tick(TICK)
        await delivery.idle()
        assert len(h.telegram.messages(ada)) == 1
        assert rows(h)[ada].status == DeliveryStatus.UNKNOWN


async def test_restart_sends_pending_rows_and_never_resends_caught_ones(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        pending, caught, half = private(h, "Pending"), private(h, "Caught"), private(h, "Half")
        ids: dict[int, int] = {}
        with h.core.db.session() as s:
            for chat_id in (pending, caught, half):
                chats.ensure_chat(s, chat_id)
                chats.subscribe(s, chat_id, "space")
                [row] = outbox.add_deliveries(s, [(chat_id, "2026-08-01T00:00")], TICK)
                assert row is not None
                ids[chat_id] = row
            outbox.save_content(s, ids[caught], ["caught part"], [], TICK)
            assert outbox.begin_part(s, ids[caught], ())  # the process died during this request
            outbox.save_content(s, ids[half], ["part one", "part two"], [], TICK)
            assert outbox.begin_part(s, ids[half], ())
            outbox.part_sent(s, ids[half], 41, TICK)  # part one went out before the crash
        found = await delivery.recover(TICK)
        assert found.unknown == [(ids[caught], caught, "2026-08-01T00:00")]
        await delivery.idle()
        assert h.telegram.messages(caught) == []
        assert [m.text for m in h.telegram.messages(half)] == ["part two"]
        assert len(h.telegram.messages(pending)) == 1
        assert rows(h)[half].status == DeliveryStatus.SENT and rows(h)[half].message_ids.startswith("41,")
        assert rows(h)[caught].status == DeliveryStatus.UNKNOWN


async def test_empty_day_by_preference(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        wants, quiet = private(h, "Wants"), private(h, "Quiet")
        for chat_id in (wants, quiet):
            subscribe(h, chat_id)
            with h.core.db.session() as s:
                chats.unsubscribe(s, chat_id, "space")
                chats.subscribe(s, chat_id, "volcano")
                s.get_one(Chat, chat_id).send_empty_digest = chat_id == wants
        await delivery.tick(TICK)
        await delivery.idle()
        assert [m.text for m in h.telegram.messages(wants)] == ["📭 Nothing new in your topics since the last digest."]
        assert h.telegram.messages(quiet) == []
        assert rows(h)[quiet].status == DeliveryStatus.SKIPPED


async def test_command_replies_overtake_a_digest_fan_out(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        h.telegram.enable_rate_limits(global_per_second=30, private_per_second=1, group_per_minute=20)
        fan = [private(h, f"Reader{i}") for i in range(90)]
        for chat_id in fan:
            subscribe(h, chat_id)
        user = private(h, "Impatient")
        await delivery.tick(TICK)
        await asyncio.sleep(0.5)
        loop = asyncio.get_running_loop()
        asked = loop.time()
        reply = await say(h, user, "/help")
        waited = loop.time() - asked
        delivered = sum(len(h.telegram.messages(c)) for c in fan)
        assert reply.text and waited < 1.0 and delivered < 60  # it did not queue behind the fan-out
        await delivery.idle(timeout=20)
        assert all(len(h.telegram.messages(c)) == 1 for c in fan)
        assert h.telegram.rate_limited_count <= 3


async def test_a_deleted_forum_topic_gets_the_digest_in_the_main_thread(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        owner = h.telegram.add_user("Olga")
        forum = await h.telegram.add_supergroup("Forum", creator=owner, is_forum=True, announce=False)
        await h.telegram.create_topic(forum.id, "Chat", owner)  # message 1: Telegram's General topic id
        thread = await h.telegram.create_topic(forum.id, "News", owner)
        subscribe(h, forum.id, type="supergroup")
        with h.core.db.session() as s:
            chats.set_thread(s, forum.id, thread)
        h.telegram.delete_topic(forum.id, thread)
        await delivery.tick(TICK)
        await delivery.idle()
        [digest] = [m for m in h.telegram.messages(forum.id) if m.text and "Your digest" in m.text]
        assert digest.thread_id in (None, 1)  # the main thread (General), not the deleted topic
        assert rows(h)[forum.id].status == DeliveryStatus.SENT
        found = chat(h, forum.id)
        assert found is not None and found.thread_id is None and found.active


async def test_a_failed_digest_offers_its_stories_again(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        ada = private(h, "Ada")
        subscribe(h, ada)
        h.telegram.inject_fault("sendMessage", count=10, kind="500")  # every retry fails: the row gives up
        delivery.policy = dataclasses.replace(delivery.policy, max_failures=2)
        await delivery.tick(TICK)
        await delivery.idle()
        assert rows(h)[ada].status == DeliveryStatus.FAILED
        found = chat(h, ada)
        assert found is not None and found.last_digest_at is None  # the since-mark did not move
        h.telegram.world.faults.faults.clear()
        with h.core.db.session() as s:
            s.get_one(Chat, ada).next_digest_at = TICK + timedelta(minutes=1)
        await delivery.tick(TICK + timedelta(minutes=2))
        await delivery.idle()
        [sent] = h.telegram.messages(ada)
        assert sent.text and "Russian and US space chiefs" in sent.text  # the same story, offered again
        again = chat(h, ada)
        assert again is not None and again.last_digest_at is not None
