"""The soak's population: what each chat does, and the bench's own model of which digests it is owed.

The model is kept apart from the product: a chat's schedule history is a list of spans (active from, until, times,
zone), and the instants owed in a span are computed here from the IANA rules, without app.digest_time:

- an instant is owed when the chat is active at it and it is one of the times of the schedule in force then;
  a change at τ (times, zone, /stop, coming back, a block) applies to the instants after τ, so the first instant
  of a new schedule is owed even when the chat had a digest that same local day under the old one;
- a local time that does not exist (a DST gap) is owed at the wall time pushed forward by the gap's length
  (Berlin 02:30 on the spring-forward day: 03:30 CEST); a local time that occurs twice (fall back), once, at its
  first occurrence; two local times that fall on one instant owe one digest;
- a stopped or blocked chat is owed nothing; a chat that only reads (/topics, /settings, /mutes, /digest) keeps
  its state; a group that migrates keeps its schedule under its new id.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe",
         "Europe/London", "America/Los_Angeles")
TOPICS = ("election", "bitcoin", "apple", "google", "ukraine", "obama", "stocks", "health", "china", "microsoft",
          "ebola", "football", "oil", "samsung", "climate")
MUTES = ("kardashian", "bieber", "crimea", "lottery")
DEFAULT = ((time(8, 0),), "UTC")  # the product's default schedule (DIGEST_TIME, DIGEST_TIMEZONE)
# Whole and half hours, as people pick them; those around the DST changes (01:00-03:30 local: the gap, the hour
# repeated) are over-represented on purpose. Every instant then falls on :00 or :30 UTC (Kolkata and Lord Howe
# included), so a day has at most 48 digest ticks.
TIME_CHOICES = tuple(time(h, m) for h in range(24) for m in (0, 30)) + tuple(
    time(h, m) for h in (1, 2, 3) for m in (0, 30) for _ in range(3))


@lru_cache(maxsize=65_536)
def wall_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The instant a local wall time names: its first occurrence, or past a gap by the gap's length."""
    zone = ZoneInfo(zone_name)
    wall = datetime.combine(day, at)
    offsets = {(wall + timedelta(hours=h)).replace(tzinfo=UTC).astimezone(zone).utcoffset() for h in (-30, 0, 30)}
    real = [(wall - off).replace(tzinfo=UTC) for off in offsets if off is not None
            and ((wall - off).replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None) == wall)]
    if real:
        return min(real)
    before = (wall - timedelta(days=1)).replace(tzinfo=UTC).astimezone(zone).utcoffset()  # the offset before the gap
    assert before is not None
    return (wall - before).replace(tzinfo=UTC)


def scheduled(times: tuple[time, ...], zone: str, lo: datetime, hi: datetime) -> list[datetime]:
    """The distinct instants of a schedule in [lo, hi)."""
    first = lo.astimezone(ZoneInfo(zone)).date() - timedelta(days=1)
    last = hi.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    found = {wall_to_utc(first + timedelta(days=n), at, zone)
             for n in range((last - first).days + 1) for at in times}
    return sorted(t for t in found if lo <= t < hi)


@dataclass
class Span:
    start: datetime
    end: datetime | None
    times: tuple[time, ...]
    zone: str


@dataclass
class Member:
    key: int  # the id it joined with
    chat_id: int  # the id now (a migrated group's new id)
    group: bool
    joins_on: int  # the simulated day it first writes
    joined: bool = False
    active: bool = False
    blocked: bool = False
    told_left: bool = False  # the edge saw the block (my_chat_member) and called Chats.left
    times: tuple[time, ...] = DEFAULT[0]
    zone: str = DEFAULT[1]
    topics: set[str] = field(default_factory=set)
    spans: list[Span] = field(default_factory=list)
    aliases: set[int] = field(default_factory=set)  # every id it had
    history: list[str] = field(default_factory=list)  # its last actions, for a violation's details

    def open(self, at: datetime) -> None:
        self.active = True
        self.spans.append(Span(at, None, self.times, self.zone))

    def close(self, at: datetime) -> None:
        self.active = False
        if self.spans and self.spans[-1].end is None:
            self.spans[-1].end = at

    def reschedule(self, at: datetime, times: tuple[time, ...], zone: str) -> None:
        was = self.active
        if was:
            self.close(at)
        self.times, self.zone = times, zone
        if was:
            self.open(at)

    def owed(self, lo: datetime, hi: datetime) -> list[datetime]:
        instants: set[datetime] = set()
        for span in self.spans:
            start, end = max(lo, span.start), min(hi, span.end or hi)
            if start < end:
                instants.update(t for t in scheduled(span.times, span.zone, start, end) if t > span.start)
        return sorted(instants)

    def active_at(self, at: datetime) -> bool:
        return any(s.start < at and (s.end is None or at <= s.end) for s in self.spans)

    def forget_before(self, at: datetime) -> None:
        self.spans = [s for s in self.spans if s.end is None or s.end >= at]

    def did(self, action: Action) -> None:
        self.history = [*self.history[-5:], f"{action.at:%m-%d %H:%M:%S} {action.kind} {action.arg}".rstrip()]


@dataclass(frozen=True, slots=True)
class Action:
    at: datetime
    member: Member
    kind: str  # join, follow, unfollow, mute, times, zone, both, read, stop, back, block, unblock, migrate
    arg: str = ""


def population(chats: int, days: int, rng: random.Random) -> list[Member]:
    """Private chats and (one in six) groups; most write on the first day, the rest over the first quarter."""
    members = []
    for n in range(chats):
        group = n % 6 == 5
        chat_id = -(1_000 + n) if group else 10_000 + n
        joins_on = 0 if rng.random() < 0.7 else rng.randrange(max(1, days // 4))
        members.append(Member(chat_id, chat_id, group, joins_on, aliases={chat_id}))
    return members


def actions_for_day(members: list[Member], day: int, midnight: datetime, rng: random.Random,
                    next_group_id: list[int], churn: float = 1.0) -> list[Action]:
    """The day's user actions, at instants with a seconds part (never on a scheduled minute); `churn` multiplies
    the odds of every change (a short run sees as many as a long one)."""
    out: list[Action] = []

    def at() -> datetime:
        return midnight + timedelta(seconds=rng.randrange(86_400 // 60) * 60 + rng.randrange(1, 60))

    for m in members:
        if not m.joined:
            if m.joins_on == day:
                out.append(Action(at(), m, "join", rng.choice(TOPICS)))
            continue
        r = rng.random() / churn
        if m.blocked:
            if r < 0.04:
                out.append(Action(at(), m, "unblock"))
            continue
        if not m.active:
            if r < 0.15:
                out.append(Action(at(), m, "read", rng.choice(("topics", "settings", "mutes", "digest"))))
            elif r < 0.19:
                out.append(Action(at(), m, "back", rng.choice(("start", "follow"))))
            continue
        for kind, p in (("follow", 0.04), ("unfollow", 0.02), ("mute", 0.01), ("times", 0.03), ("zone", 0.03),
                        ("both", 0.01), ("read", 0.10), ("stop", 0.012), ("block", 0.006)):
            if rng.random() < p * churn:
                out.append(Action(at(), m, kind, _argument(kind, rng)))
        if m.group and m.chat_id == m.key and rng.random() < 0.004 * churn:
            next_group_id[0] -= 1
            out.append(Action(at(), m, "migrate", str(next_group_id[0])))
    return sorted(out, key=lambda a: a.at)


def _argument(kind: str, rng: random.Random) -> str:
    if kind in ("follow", "unfollow"):
        return rng.choice(TOPICS)
    if kind == "mute":
        return rng.choice(MUTES)
    if kind == "read":
        return rng.choice(("topics", "settings", "mutes", "digest"))
    if kind in ("times", "both"):
        count = 1 if rng.random() < 0.7 else rng.randrange(2, 4)
        times = ",".join(sorted({rng.choice(TIME_CHOICES).strftime("%H:%M") for _ in range(count)}))
        return times + (f" {rng.choice(ZONES)}" if kind == "both" else "")
    if kind == "zone":
        return rng.choice(ZONES)
    return ""
