"""When a chat's next digest is due: local times in an IANA zone, correct across DST changes (pure).

On a spring-forward day a time that does not exist (02:30 in Berlin) is delivered at the same instant the clock
jumps to (03:30 local) rather than skipped; on a fall-back day a time that occurs twice is delivered once, at its
first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "MAX_TIMES",
    "TIME",
    "InvalidSchedule",
    "format_times",
    "local_instant",
    "next_digest_at",
    "parse_time",
    "parse_times",
    "parse_zone",
    "period_day",
    "period_key",
    "zone_or_utc",
]

TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
MAX_TIMES = 4


class InvalidSchedule(ValueError):
    """The message is meant for the user: `template` (English, extracted for translation: babel.cfg) with its
    `fields` filled in; the Telegram edge shows it in the chat's language."""

    def __init__(self, template: str, **fields: object) -> None:
        super().__init__(template.format(**fields))
        self.template, self.fields = template, fields


def parse_time(text: str) -> time:
    match = TIME.match(text.strip())
    if not match:
        raise InvalidSchedule("“{text}” is not a time: use 24-hour HH:MM, e.g. 07:30 or 18:00.", text=text.strip()[:20])
    return time(int(match.group(1)), int(match.group(2)))


def parse_times(text: str) -> tuple[time, ...]:
    """"08:00" or "08:00, 18:30" (morning and evening) -> sorted unique times."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not parts:
        raise InvalidSchedule("Give a time as HH:MM, e.g. /time 07:30 (or two: /time 07:30 18:00).")
    if len(parts) > MAX_TIMES:
        raise InvalidSchedule("At most {limit} digests a day.", limit=MAX_TIMES)
    return tuple(sorted({parse_time(p) for p in parts}))


def format_times(times: tuple[time, ...]) -> str:
    return ",".join(t.strftime("%H:%M") for t in times)


@lru_cache(maxsize=1)
def zone_names() -> dict[str, str]:
    """Every IANA zone name the system knows, by its case-folded form."""
    return {name.casefold(): name for name in available_timezones()}


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone from its name, in any case ("europe/berlin" too). Only names of the tz database count: a
    directory of it ("Europe"), a path or a file name is refused, with a message for the user."""
    name = name.strip()
    if not name:
        raise InvalidSchedule("Give an IANA timezone such as Europe/Berlin, America/New_York or Asia/Kolkata.")
    known = zone_names().get(name.casefold())
    if known is None:
        raise InvalidSchedule(
            "I don't know the timezone “{zone}”. Use an IANA name such as Europe/Berlin or Asia/Kolkata.",
            zone=name[:64])
    try:
        return ZoneInfo(known)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # listed, but its file is unreadable
        raise InvalidSchedule("The timezone “{zone}” can't be used on this server. Try another one.",
                              zone=known) from None


def zone_or_utc(name: str) -> ZoneInfo:
    """A stored zone name, or UTC when it no longer parses (a zone removed from the tz database)."""
    try:
        return parse_zone(name)
    except InvalidSchedule:
        return ZoneInfo("UTC")


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` on `day` in `zone` (first occurrence; a skipped time maps past the gap)."""
    # zoneinfo resolves a nonexistent wall time (fold=0) with the offset from before the gap: past the jump.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_digest_at(times: tuple[time, ...], zone: ZoneInfo, after: datetime) -> datetime:
    """The first scheduled instant strictly after `after` (aware)."""
    if not times:
        raise InvalidSchedule("no digest times")
    # The earliest candidate, not the first in wall-clock order: on a spring-forward day a skipped 02:30 maps to
    # 03:30 local, after a scheduled 03:15, so sorted local times are not sorted instants.
    start = after.astimezone(zone).date() - timedelta(days=1)
    candidates = (
        local_instant(start + timedelta(days=offset), at, zone) for offset in range(0, 4) for at in times
    )
    return min(instant for instant in candidates if instant > after)


def period_key(instant: datetime) -> str:
    """Names one scheduled digest of a chat by its instant in UTC, e.g. '2026-03-29T06:00Z'; the outbox is unique
    per chat and key. The instant, not the local wall time: after a change of zone or time, the next digest is
    another instant, hence another key, even when its local time is the one just sent (08:00 UTC, then 08:00 in
    New York), so it is never lost to the unique key."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def period_day(period: str, zone: ZoneInfo) -> date:
    """The chat's local day of a period key. Keys written before 0015 name the local wall time ('2026-03-29T08:00',
    no 'Z'): their first ten characters are that day already."""
    if not period.endswith("Z"):
        return date.fromisoformat(period[:10])
    instant = datetime.strptime(period, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    return instant.astimezone(zone).date()
