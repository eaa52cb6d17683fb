"""A schedule change never drops or doubles a digest: every scheduled instant is claimed exactly once, across
changes of time and zone after the day's digest and across the DST days (the claim of app.delivery.claims, on SQLite and
PostgreSQL; `db` runs each test on both)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from app.delivery.claims import ClaimPolicy, claim_due
from app.digest_time import format_times, next_digest_at, parse_times, parse_zone
from storage import chats
from storage.db import Database
from storage.models import Chat, Delivery, DeliveryStatus
from storage.outbox import deliveries

POLICY = ClaimPolicy(max_lateness=timedelta(hours=3), claim_batch=50)
CHAT = 7


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def set_schedule(db: Database, times: str, zone: str, now: datetime) -> None:
    """What /time and /timezone do (app.chats): the new times and zone, and their next instant after `now`."""
    parsed, tz = parse_times(times), parse_zone(zone)
    with db.session() as s:
        chats.set_schedule(s, CHAT, format_times(parsed), tz.key, next_digest_at(parsed, tz, now))


def drive(db: Database, times: str, zone: str, start: datetime, until: datetime,
          changes: Mapping[datetime, tuple[str, str]] | None = None) -> list[str]:
    """Run the claim at each due instant (30 s after it, as the minute tick does) from `start` to `until`,
    applying each schedule change at its time; the periods of the outbox rows made, in order."""
    with db.session() as s:
        chats.ensure_chat(s, CHAT, timezone=zone, digest_times=times)
        chats.subscribe(s, CHAT, "world")
    set_schedule(db, times, zone, start)
    pending = sorted((changes or {}).items())
    while True:
        with db.session() as s:
            due = s.get_one(Chat, CHAT).next_digest_at
        assert due is not None
        if pending and pending[0][0] < due:
            at, (new_times, new_zone) = pending.pop(0)
            set_schedule(db, new_times, new_zone, at)
            continue
        if due > until:
            break
        with db.session() as s:
            claimed = claim_due(s, due + timedelta(seconds=30), POLICY)
        assert len(claimed.delivery_ids) == 1 and not claimed.late
    with db.session() as s:
        rows = s.query(Delivery).order_by(Delivery.id).all()
        assert all(row.status == DeliveryStatus.PENDING for row in rows)
        return [row.period for row in rows]


def test_a_later_time_after_todays_digest_gets_todays_second_digest(db: Database) -> None:
    periods = drive(db, "08:00", "Europe/Berlin", utc(2026, 6, 1), utc(2026, 6, 2, 23),
                    {utc(2026, 6, 1, 10): ("18:00", "Europe/Berlin")})
    assert periods == ["2026-06-01T06:00Z", "2026-06-01T16:00Z", "2026-06-02T16:00Z"]


def test_an_earlier_time_after_todays_digest_starts_tomorrow(db: Database) -> None:
    periods = drive(db, "08:00", "Europe/Berlin", utc(2026, 6, 1), utc(2026, 6, 2, 23),
                    {utc(2026, 6, 1, 10): ("07:00", "Europe/Berlin")})
    assert periods == ["2026-06-01T06:00Z", "2026-06-02T05:00Z"]


def test_a_new_zone_after_todays_digest_is_not_lost_to_the_same_local_time(db: Database) -> None:
    """08:00 UTC sent, then America/New_York: 08:00 there (12:00 UTC) is another digest. Local-time keys named
    both "2026-06-01T08:00", so the second was never written, and nothing said so."""
    periods = drive(db, "08:00", "UTC", utc(2026, 6, 1), utc(2026, 6, 2, 23),
                    {utc(2026, 6, 1, 9): ("08:00", "America/New_York")})
    assert periods == ["2026-06-01T08:00Z", "2026-06-01T12:00Z", "2026-06-02T12:00Z"]


def test_a_zone_change_back_and_forth_the_same_day(db: Database) -> None:
    """Berlin 08:00 sent; Kolkata (08:00 there was before it: tomorrow); then UTC (08:00 UTC is still ahead)."""
    periods = drive(db, "08:00", "Europe/Berlin", utc(2026, 6, 1), utc(2026, 6, 2, 9),
                    {utc(2026, 6, 1, 6, 30): ("08:00", "Asia/Kolkata"), utc(2026, 6, 1, 7): ("08:00", "UTC")})
    assert periods == ["2026-06-01T06:00Z", "2026-06-01T08:00Z", "2026-06-02T08:00Z"]


@pytest.mark.parametrize(("zone", "times", "start", "expected"), [
    # Spring forward, 29 March: 02:30 does not exist and goes when the clock jumps (01:30 UTC = 03:30 CEST).
    ("Europe/Berlin", "02:30,08:00", utc(2026, 3, 28), [
        "2026-03-28T01:30Z", "2026-03-28T07:00Z", "2026-03-29T01:30Z", "2026-03-29T06:00Z", "2026-03-30T00:30Z",
        "2026-03-30T06:00Z"]),
    # Fall back, 25 October: 02:30 happens twice (00:30 and 01:30 UTC) and goes once, at the first.
    ("Europe/Berlin", "02:30,08:00", utc(2026, 10, 24), [
        "2026-10-24T00:30Z", "2026-10-24T06:00Z", "2026-10-25T00:30Z", "2026-10-25T07:00Z", "2026-10-26T01:30Z",
        "2026-10-26T07:00Z"]),
    ("America/New_York", "02:30,08:00", utc(2026, 3, 7), [
        "2026-03-07T07:30Z", "2026-03-07T13:00Z", "2026-03-08T07:30Z", "2026-03-08T12:00Z", "2026-03-09T06:30Z",
        "2026-03-09T12:00Z"]),
    ("America/New_York", "01:30,08:00", utc(2026, 10, 31), [
        "2026-10-31T05:30Z", "2026-10-31T12:00Z", "2026-11-01T05:30Z", "2026-11-01T13:00Z", "2026-11-02T06:30Z",
        "2026-11-02T13:00Z"]),
])
def test_each_time_once_across_dst_days(db: Database, zone: str, times: str, start: datetime,
                                        expected: list[str]) -> None:
    assert drive(db, times, zone, start, start + timedelta(days=2, hours=23, minutes=59)) == expected


def test_a_conflict_on_insert_is_logged(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """A claimed period that has a row already (not reachable through the schedule: a row written by hand, or a
    restored backup) is left alone, and said."""
    due = utc(2026, 6, 1, 8)
    with db.session() as s:
        chats.ensure_chat(s, CHAT, timezone="UTC", digest_times="08:00", next_digest_at=due)
        [first] = deliveries.add_deliveries(s, [(CHAT, "2026-06-01T08:00Z")], due - timedelta(days=1))
    with caplog.at_level(logging.WARNING, logger="app.delivery.claims"), db.session() as s:
        claimed = claim_due(s, due + timedelta(seconds=30), POLICY)
    assert claimed.seen == 1 and claimed.delivery_ids == []
    assert [r.getMessage() for r in caplog.records] == [
        f"digest 2026-06-01T08:00Z for chat {CHAT} has an outbox row already: not written again"]
    with db.session() as s:
        assert [row.id for row in s.query(Delivery)] == [first]
        assert s.get_one(Chat, CHAT).next_digest_at == due + timedelta(days=1)  # the schedule still moves on
