"""Digest instants in IANA zones, on ordinary days and on the days the clocks move (pure: `after` is passed in)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.digest_time import InvalidSchedule, next_digest_at, parse_times, parse_zone, period_day, period_key

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def schedule(times: str, zone: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    """The next `count` digest instants after `after`."""
    parsed, out = parse_times(times), []
    for _ in range(count):
        after = next_digest_at(parsed, zone, after)
        out.append(after)
    return out


def local(instants: list[datetime], zone: ZoneInfo) -> list[str]:
    return [i.astimezone(zone).strftime("%m-%d %H:%M %Z") for i in instants]


@pytest.mark.parametrize(
    ("zone", "start", "expected"),
    [
        # Berlin springs forward on 2026-03-29 02:00 -> 03:00: 08:00 stays 08:00 local, one day is 23 hours.
        (BERLIN, utc(2026, 3, 27, 12), ["03-28 08:00 CET", "03-29 08:00 CEST", "03-30 08:00 CEST"]),
        # ... and falls back on 2026-10-25 03:00 -> 02:00 (a 25-hour day).
        (BERLIN, utc(2026, 10, 23, 12), ["10-24 08:00 CEST", "10-25 08:00 CET", "10-26 08:00 CET"]),
        (NEW_YORK, utc(2026, 3, 6, 18), ["03-07 08:00 EST", "03-08 08:00 EDT", "03-09 08:00 EDT"]),
        (NEW_YORK, utc(2026, 10, 30, 18), ["10-31 08:00 EDT", "11-01 08:00 EST", "11-02 08:00 EST"]),
        (KOLKATA, utc(2026, 3, 28, 12), ["03-29 08:00 IST", "03-30 08:00 IST", "03-31 08:00 IST"]),
    ],
)
def test_daily_time_stays_local_across_dst(zone: ZoneInfo, start: datetime, expected: list[str]) -> None:
    assert local(schedule("08:00", zone, start, 3), zone) == expected


def test_kolkata_half_hour_offset() -> None:
    [first] = schedule("08:00", KOLKATA, utc(2026, 1, 1, 0), 1)
    assert first == utc(2026, 1, 1, 2, 30)


def test_spring_forward_gap_time_is_sent_once_after_the_jump() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29: it is sent when the clock jumps (03:30 CEST), not skipped.
    instants = schedule("02:30", BERLIN, utc(2026, 3, 28, 12), 2)
    assert local(instants, BERLIN) == ["03-29 03:30 CEST", "03-30 02:30 CEST"]
    assert instants[0] == utc(2026, 3, 29, 1, 30)


def test_spring_forward_gap_does_not_hide_a_later_time() -> None:
    # 02:30 maps past the gap to 03:30, after 03:15: both are sent, earliest first (a past bug skipped 03:15).
    instants = schedule("02:30,03:15", NEW_YORK, utc(2026, 3, 8, 5), 3)
    assert local(instants, NEW_YORK) == ["03-08 03:15 EDT", "03-08 03:30 EDT", "03-09 02:30 EDT"]


def test_fall_back_repeated_time_is_sent_once() -> None:
    # 01:30 happens twice in New York on 2026-11-01: the first occurrence (EDT) only.
    instants = schedule("01:30", NEW_YORK, utc(2026, 10, 31, 12), 2)
    assert local(instants, NEW_YORK) == ["11-01 01:30 EDT", "11-02 01:30 EST"]
    assert instants[1] - instants[0] == timedelta(hours=25)


def test_berlin_fall_back_repeated_time_once() -> None:
    instants = schedule("02:30", BERLIN, utc(2026, 10, 24, 12), 2)
    assert local(instants, BERLIN) == ["10-25 02:30 CEST", "10-26 02:30 CET"]


def test_morning_and_evening() -> None:
    instants = schedule("18:30, 07:00", BERLIN, utc(2026, 6, 1, 12), 3)
    assert local(instants, BERLIN) == ["06-01 18:30 CEST", "06-02 07:00 CEST", "06-02 18:30 CEST"]


def test_strictly_after() -> None:
    at = utc(2026, 6, 1, 8)
    assert next_digest_at((time(8, 0),), ZoneInfo("UTC"), at) == at + timedelta(days=1)
    assert next_digest_at((time(8, 0),), ZoneInfo("UTC"), at - timedelta(microseconds=1)) == at


def test_period_key_names_the_instant_and_is_unique_per_occurrence() -> None:
    keys = {period_key(i) for i in schedule("08:00,20:00", BERLIN, utc(2026, 3, 27), 8)}
    assert len(keys) == 8
    assert period_key(utc(2026, 3, 29, 6)) == "2026-03-29T06:00Z"
    # 08:00 in Berlin and 08:00 in Kolkata are different digests: different keys (local keys were equal).
    assert period_key(utc(2026, 3, 29, 2, 30)) == "2026-03-29T02:30Z"
    # 08:00 UTC, then 08:00 in New York the same day: another instant, another key.
    assert period_key(utc(2026, 3, 29, 8)) != period_key(utc(2026, 3, 29, 12))


def test_period_day_is_the_chats_local_day_for_new_and_old_keys() -> None:
    assert period_day("2026-03-29T23:30Z", KOLKATA) == date(2026, 3, 30)  # 05:00 the next morning there
    assert period_day("2026-03-30T03:00Z", NEW_YORK) == date(2026, 3, 29)  # 23:00 the day before
    assert period_day("2026-03-29T08:00", KOLKATA) == date(2026, 3, 29)  # a key written before 0015: local already


@pytest.mark.parametrize("text", ["", "25:00", "8", "07:60", "1:00,2:00,3:00,4:00,5:00"])
def test_bad_times(text: str) -> None:
    with pytest.raises(InvalidSchedule):
        parse_times(text)


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "../etc/passwd", "/UTC"])
def test_bad_zones(name: str) -> None:
    with pytest.raises(InvalidSchedule):
        parse_zone(name)


def test_parse_times_sorts_and_dedups() -> None:
    assert parse_times("18:00 7.30, 07:30") == (time(7, 30), time(18, 0))
