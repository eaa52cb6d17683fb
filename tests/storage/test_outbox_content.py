"""A final outbox row drops its parts' content; a row half-sent keeps it until done (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from storage import chats
from storage.db import Database
from storage.models import Delivery, DeliveryStatus
from storage.outbox import deliveries, leases

NOW = datetime(2026, 6, 1, 8, 0, 30, tzinfo=UTC)
PARTS = ["<b>part one</b> " + "x" * 3000, "<b>part two</b> " + "y" * 2000]


def built(db: Database, chat_id: int, period: str = "2026-06-01T08:00Z", at: datetime = NOW) -> int:
    with db.session() as s:
        chats.ensure_chat(s, chat_id)
        [row] = deliveries.add_deliveries(s, [(chat_id, period)], at)
        assert deliveries.save_content(s, row, PARTS, [11, 12], at) is not None
    return row


def stored(db: Database, delivery_id: int) -> Delivery:
    with db.session() as s:
        row = s.get_one(Delivery, delivery_id)
        s.expunge(row)
        return row


def test_a_sent_digest_keeps_its_ids_not_its_parts(db: Database) -> None:
    row = built(db, 1)
    with db.session() as s:
        assert deliveries.begin_part(s, row, ())
        half = deliveries.part_sent(s, row, 501, NOW)
    assert half is not None and half.status is DeliveryStatus.PENDING
    assert json.loads(stored(db, row).messages or "") == PARTS  # half-sent: the rest is still to go
    with db.session() as s:
        assert deliveries.begin_part(s, row, (501,))
        done = deliveries.part_sent(s, row, 502, NOW)
    assert done is not None and done.status is DeliveryStatus.SENT and done.messages == tuple(PARTS)
    final = stored(db, row)
    assert final.status is DeliveryStatus.SENT and final.messages is None
    assert (final.message_ids, final.story_ids) == ("501,502", "11,12")
    with db.session() as s:  # "already sent" still reads it
        chat = deliveries.digest_chat(s, 1, sent_since=NOW - timedelta(days=4))
        assert chat is not None and chat.sent_story_ids == {11, 12}


def test_failed_skipped_and_unknown_rows_drop_their_parts(db: Database) -> None:
    failed, skipped, caught, late = (built(db, n) for n in (1, 2, 3, 4))
    with db.session() as s:
        deliveries.finish(s, failed, DeliveryStatus.FAILED, "Forbidden")
        deliveries.finish(s, skipped, DeliveryStatus.SKIPPED, "chat inactive")
        assert deliveries.begin_part(s, caught, ())  # the process dies during this request
        s.get_one(Delivery, late).created_at = NOW - timedelta(hours=5)
    with db.session() as s:
        found = leases.recover(s, NOW + timedelta(minutes=1), timedelta(hours=3))
    assert [r[0] for r in found.unknown] == [caught] and [r[0] for r in found.late] == [late]
    for row, status in ((failed, DeliveryStatus.FAILED), (skipped, DeliveryStatus.SKIPPED),
                        (caught, DeliveryStatus.UNKNOWN), (late, DeliveryStatus.SKIPPED)):
        final = stored(db, row)
        assert (final.status, final.messages) == (status, None)


def test_a_pending_row_keeps_its_parts_across_a_restart(db: Database) -> None:
    row = built(db, 1)
    with db.session() as s:
        found = leases.recover(s, NOW + timedelta(minutes=1), timedelta(hours=3))
    assert found.pending == [row]
    assert json.loads(stored(db, row).messages or "") == PARTS
