"""The outbox and the due-chat claim on SQLite and PostgreSQL (the `db` fixture runs each test on both)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.delivery.claims import ClaimPolicy, claim_due, schedule_unscheduled
from storage import chats
from storage.db import Database
from storage.models import Chat, ChatState, Delivery, DeliveryStatus
from storage.outbox import deliveries, leases

NOW = datetime(2026, 3, 29, 6, 0, 30, tzinfo=UTC)  # 08:00:30 in Berlin, the day the clocks go forward
POLICY = ClaimPolicy(max_lateness=timedelta(hours=3), claim_batch=50)


def add_chat(db: Database, chat_id: int, due: datetime | None, *, topics: bool = True,
             zone: str = "Europe/Berlin", times: str = "08:00") -> None:
    with db.session() as s:
        chats.ensure_chat(s, chat_id, timezone=zone, digest_times=times, next_digest_at=due)
        if topics:
            chats.subscribe(s, chat_id, "world")


def add(session: Session, chat_id: int, period: str, now: datetime) -> int | None:
    """One outbox row, the way the claim writes them; None when (chat, period) has one already."""
    made = deliveries.add_deliveries(session, [(chat_id, period)], now)
    return made[0] if made else None


def status(db: Database, delivery_id: int) -> DeliveryStatus:
    with db.session() as s:
        item = deliveries.load(s, delivery_id)
        assert item is not None
        return item.status


def test_claim_advances_schedule_and_writes_one_row(db: Database) -> None:
    add_chat(db, 1, NOW - timedelta(seconds=30))
    add_chat(db, 2, NOW + timedelta(minutes=1))  # not due yet
    add_chat(db, 3, NOW - timedelta(minutes=5), topics=False)  # due, following nothing: it gets the top stories
    with db.session() as s:
        claimed = claim_due(s, NOW, POLICY)
    assert claimed.seen == 2 and len(claimed.delivery_ids) == 2
    with db.session() as s:
        rows = sorted(s.query(Delivery).all(), key=lambda d: d.chat_id)
        assert [(row.chat_id, row.period, row.status) for row in rows] == [
            (1, "2026-03-29T06:00Z", DeliveryStatus.PENDING), (3, "2026-03-29T05:55Z", DeliveryStatus.PENDING)]
        assert s.get_one(Chat, 1).next_digest_at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
        assert s.get_one(Chat, 3).next_digest_at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
        assert claim_due(s, NOW, POLICY).seen == 0  # a second tick finds nothing


def test_a_row_is_never_made_twice(db: Database) -> None:
    add_chat(db, 1, None)
    with db.session() as s:
        first = add(s, 1, "2026-03-29T08:00", NOW)
        again = add(s, 1, "2026-03-29T08:00", NOW)
    assert first is not None and again is None


def test_too_late_is_skipped_and_schedule_moves_on(db: Database) -> None:
    add_chat(db, 1, NOW - timedelta(hours=5))
    with db.session() as s:
        claimed = claim_due(s, NOW, POLICY)
        assert claimed.delivery_ids == [] and [c for c, _p, _l in claimed.late] == [1]
        [row] = s.query(Delivery).all()
        assert row.status == DeliveryStatus.SKIPPED and "late" in (row.error or "")
        assert s.get_one(Chat, 1).next_digest_at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


def test_unscheduled_chats_get_a_next_digest(db: Database) -> None:
    add_chat(db, 1, None, zone="Asia/Kolkata", times="07:30")
    with db.session() as s:
        assert schedule_unscheduled(s, NOW, POLICY) == 1
        assert s.get_one(Chat, 1).next_digest_at == datetime(2026, 3, 30, 2, 0, tzinfo=UTC)


def test_two_concurrent_claimers_get_disjoint_chats(db: Database) -> None:
    for chat_id in range(1, 121):
        add_chat(db, chat_id, NOW - timedelta(seconds=chat_id))
    results: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def claimer(slot: int) -> None:
        start.wait()
        while True:
            with db.session() as s:
                batch = claim_due(s, NOW, POLICY)
            results[slot] += batch.delivery_ids
            if batch.seen == 0:
                return

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(results[0]) & set(results[1])
    assert len(results[0]) + len(results[1]) == 120
    with db.session() as s:
        assert s.query(Delivery).count() == 120


def test_parts_go_through_compare_and_set(db: Database) -> None:
    add_chat(db, 1, None)
    with db.session() as s:
        row = add(s, 1, "p", NOW)
        assert row is not None
        deliveries.save_content(s, row, ["one", "two"], [7, 8], NOW)
    with db.session() as s:
        assert deliveries.begin_part(s, row, ())
        assert not deliveries.begin_part(s, row, ())  # a second sender loses
        item = deliveries.part_sent(s, row, 101, NOW)
        assert item is not None and item.status == DeliveryStatus.PENDING and item.sent == (101,)
        assert not deliveries.begin_part(s, row, ())  # stale progress loses too
        assert deliveries.begin_part(s, row, (101,))
        deliveries.release(s, row, "429")  # Telegram said no: the part may go again
        assert deliveries.begin_part(s, row, (101,))
        item = deliveries.part_sent(s, row, 102, NOW)
        assert item is not None and item.status == DeliveryStatus.SENT and item.sent == (101, 102)
        assert s.get_one(Chat, 1).last_digest_at == NOW


def test_recovery_after_a_crash(db: Database) -> None:
    for chat_id in (1, 2, 3):
        add_chat(db, chat_id, None)
    with db.session() as s:
        sending = add(s, 1, "p", NOW)
        pending = add(s, 2, "p", NOW)
        stale = add(s, 3, "p", NOW - timedelta(hours=4))
        assert sending and pending and stale
        deliveries.save_content(s, sending, ["one"], [], NOW)
        assert deliveries.begin_part(s, sending, ())
    with db.session() as s:
        found = leases.recover(s, NOW + timedelta(minutes=1), timedelta(hours=3))
    assert found.unknown == [(sending, 1, "p")]
    assert found.pending == [pending]
    assert [r[0] for r in found.late] == [stale]
    assert status(db, sending) == DeliveryStatus.UNKNOWN
    assert status(db, stale) == DeliveryStatus.SKIPPED
    with db.session() as s:
        assert not deliveries.begin_part(s, sending, ())  # an unknown row is never sent again


def test_deactivate_stops_the_schedule_and_migrate_moves_rows(db: Database) -> None:
    add_chat(db, -5, NOW)
    with db.session() as s:
        row = add(s, -5, "p", NOW)
        chats.migrate(s, -5, -1005)
    with db.session() as s:
        assert row is not None
        item = deliveries.load(s, row)
        assert item is not None and item.chat_id == -1005
        chats.deactivate(s, -1005, ChatState.BLOCKED, "blocked", NOW)
        assert deliveries.due_chats(s, NOW + timedelta(days=2)) == []


def test_migrate_into_a_chat_registered_first(db: Database) -> None:
    add_chat(db, -5, NOW, zone="Asia/Kolkata")
    with db.session() as s:
        chats.subscribe(s, -5, "climate")
        row = add(s, -5, "p", NOW)
        chats.ensure_chat(s, -1005, type="supergroup")  # its first update came before the migration
        chats.subscribe(s, -1005, "world")
        chats.migrate(s, -5, -1005)
    with db.session() as s:
        assert s.get(Chat, -5) is None
        new = s.get_one(Chat, -1005)
        assert (new.timezone, new.next_digest_at) == ("Asia/Kolkata", NOW)
        assert sorted(chats.topics(s, -1005)) == ["climate", "world"]
        item = deliveries.load(s, row or 0)
        assert item is not None and item.chat_id == -1005


def test_set_schedule(db: Database) -> None:
    add_chat(db, 1, NOW)
    later = NOW + timedelta(hours=10)
    with db.session() as s:
        chats.set_schedule(s, 1, "07:00,19:00", "America/New_York", later)
    with db.session() as s:
        chat = s.get_one(Chat, 1)
        assert (chat.digest_times, chat.timezone, chat.next_digest_at) == ("07:00,19:00", "America/New_York", later)


def test_recovery_takes_over_only_expired_leases(db: Database) -> None:
    """A live process's rows (lease not expired) are never touched; a dead one's are taken over, once."""
    for chat_id in (1, 2, 3, 4):
        add_chat(db, chat_id, None)
    live = leases.Lease("live", NOW + timedelta(seconds=60))
    dead = leases.Lease("dead", NOW - timedelta(seconds=1))
    with db.session() as s:
        [live_pending, live_sending] = deliveries.add_deliveries(s, [(1, "p"), (2, "p")], NOW, lease=live)
        [dead_pending, dead_sending] = deliveries.add_deliveries(s, [(3, "p"), (4, "p")], NOW, lease=dead)
        for row, owner in ((live_sending, "live"), (dead_sending, "dead")):
            deliveries.save_content(s, row, ["one"], [], NOW)
            assert deliveries.begin_part(s, row, (), owner)
    me = leases.Lease("me", NOW + timedelta(seconds=60))
    with db.session() as s:
        found = leases.recover(s, NOW, timedelta(hours=3), me, everyone=False)
    assert found.pending == [dead_pending] and found.unknown == [(dead_sending, 4, "p")]
    assert status(db, live_sending) == DeliveryStatus.SENDING and status(db, live_pending) == DeliveryStatus.PENDING
    with db.session() as s:
        assert not deliveries.begin_part(s, dead_pending, (), "dead")  # the dead owner can no longer send it
        assert leases.renew(s, [live_pending, dead_pending], live) == 1  # only its own
        again = leases.recover(s, NOW, timedelta(hours=3), leases.Lease("other", NOW), everyone=False)
    assert again.pending == [] and again.unknown == []  # taken over once
    with db.session() as s:
        assert deliveries.begin_part(s, dead_pending, (), "me")


def test_recovery_is_bounded_by_the_room_left(db: Database) -> None:
    for chat_id in (1, 2, 3):
        add_chat(db, chat_id, None)
    with db.session() as s:
        rows = deliveries.add_deliveries(s, [(1, "p"), (2, "p"), (3, "p")], NOW)
        found = leases.recover(s, NOW, timedelta(hours=3), leases.Lease("me", NOW + timedelta(minutes=1)),
                                   everyone=False, limit=2)
    assert found.pending == rows[:2]
