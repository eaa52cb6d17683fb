"""The soak's fake messenger and its daily audit: what was owed (bench/soak_world.py) against what happened.

`RecordingSender` is an app.delivery.sending.Sender with no delay: it raises ChatGone for a chat that blocked the bot,
ChatMoved for a group's old id after its migration, and records every message with the virtual time otherwise.

`audit` matches, per chat, each owed instant of the day with what happened, in time order:
- a message sent at or after the instant (before the chat's next owed instant, within the hour): delivered;
- else an outbox row SKIPPED (nothing new) made in that window: accounted for;
- else a FAILED or UNKNOWN row: a violation ("failed"), else none at all: a violation ("missing").
Messages left over are violations too: "duplicate" (another message went to the chat at the same instant),
"while inactive" (the model has the chat stopped or blocked then) or "unscheduled" (active, but at no owed instant).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from soak_world import Member
from sqlalchemy import select

from app.delivery.sending import ChatGone, ChatMoved
from storage.db import Database
from storage.models import Delivery, DeliveryStatus

WINDOW = timedelta(hours=1)


class RecordingSender:
    def __init__(self, clock: list[datetime], members: dict[int, Member], moved: dict[int, int]) -> None:
        self.clock, self.members, self.moved = clock, members, moved
        self.sent: list[tuple[int, datetime]] = []
        self.refused = Counter[str]()
        self._next_id = 0

    async def send(self, chat_id: int, text: str, before: Callable[[], Awaitable[bool]],
                   after: Callable[[int], Awaitable[object]], thread_id: int | None = None,
                   reply_to: int | None = None) -> int | None:
        """bot.sender.TelegramSender.send's contract: `before()` right ahead of the request (None when it refuses),
        `await after(message_id)` right after the answer; a refusal raises before either."""
        if chat_id in self.moved:
            self.refused["moved"] += 1
            raise ChatMoved(self.moved[chat_id])
        member = self.members.get(chat_id)
        if member is not None and member.blocked:
            self.refused["blocked"] += 1
            raise ChatGone("Forbidden: bot was blocked by the user")
        if not await before():
            return None
        self.sent.append((chat_id, self.clock[0]))
        self._next_id += 1
        await after(self._next_id)
        return self._next_id


@dataclass
class Violation:
    kind: str
    chat: int
    at: datetime
    detail: str

    def line(self) -> str:
        return f"{self.kind}: chat {self.chat} at {self.at:%Y-%m-%d %H:%M} UTC: {self.detail}"


@dataclass
class DayAudit:
    owed: int = 0
    sent: int = 0
    skipped: int = 0
    violations: list[Violation] = field(default_factory=list)
    skip_reasons: Counter[str] = field(default_factory=Counter)


def outbox_rows(db: Database, lo: datetime, hi: datetime) -> list[tuple[int, DeliveryStatus, str, datetime, str]]:
    with db.session() as session:
        rows = session.execute(select(Delivery.chat_id, Delivery.status, Delivery.error, Delivery.created_at,
                                      Delivery.period)
                               .where(Delivery.created_at >= lo, Delivery.created_at < hi))
        return [(r[0], r[1], r[2] or "", r[3], r[4]) for r in rows]


def audit(members: list[Member], by_id: dict[int, Member], sent: list[tuple[int, datetime]],
          rows: list[tuple[int, DeliveryStatus, str, datetime, str]], lo: datetime, hi: datetime) -> DayAudit:
    day = DayAudit()
    sends: dict[int, list[datetime]] = defaultdict(list)
    strangers: list[tuple[int, datetime]] = []
    for chat_id, at in sent:
        if lo <= at < hi:
            if chat_id in by_id:
                sends[by_id[chat_id].key].append(at)
            else:
                strangers.append((chat_id, at))
    outbox: dict[int, list[tuple[datetime, DeliveryStatus, str, str]]] = defaultdict(list)
    for chat_id, status, error, created, period in rows:
        if chat_id in by_id:
            outbox[by_id[chat_id].key].append((created, status, error, period))
    day.violations += [Violation("unknown chat", c, at, "a message to a chat the soak never made")
                       for c, at in strangers]
    for member in members:
        owed = member.owed(lo, hi)
        mine = sorted(sends.get(member.key, []))
        if not owed and not mine:
            continue
        day.owed += len(owed)
        used = [False] * len(mine)
        row_used: set[int] = set()
        mine_rows = sorted(outbox.get(member.key, []), key=lambda r: r[0])
        for n, instant in enumerate(owed):
            until = min(instant + WINDOW, owed[n + 1] if n + 1 < len(owed) else hi)
            k = bisect.bisect_left(mine, instant)
            while k < len(mine) and mine[k] < until and used[k]:
                k += 1
            if k < len(mine) and mine[k] < until:
                used[k] = True
                day.sent += 1
                if mine[k] > instant:
                    day.violations.append(Violation("late", member.chat_id, instant, f"sent at {mine[k]:%H:%M}"))
                continue
            found = [(i, r) for i, r in enumerate(mine_rows) if instant <= r[0] < until and i not in row_used]
            skipped = [(i, r) for i, r in found if r[1] is DeliveryStatus.SKIPPED]
            if skipped:
                row_used.add(skipped[0][0])
                day.skipped += 1
                day.skip_reasons[skipped[0][1][2][:40]] += 1
            elif found:
                _, (created, status, error, period) = found[0]
                day.violations.append(Violation("failed", member.chat_id, instant,
                                                f"row {period} {status.value}: {error[:80]}"))
            else:
                day.violations.append(Violation("missing", member.chat_id, instant, _context(member, mine_rows)))
        for k, at in enumerate(mine):
            if used[k]:
                continue
            if any(used[j] and mine[j] == at for j in range(len(mine))) or mine.count(at) > 1:
                kind, detail = "duplicate", "a second message for one instant"
            elif not member.active_at(at):
                kind, detail = "while inactive", "sent to a chat the model has stopped or blocked"
            else:
                kind, detail = "unscheduled", f"no owed instant; owed today: {_hhmm(owed)}"
            day.violations.append(Violation(kind, member.chat_id, at, f"{detail} ({member.zone} {_times(member)}; "
                                                                      f"did: {'; '.join(member.history)})"))
    return day


def _hhmm(instants: list[datetime]) -> str:
    return ",".join(f"{t:%H:%M}" for t in instants) or "none"


def _times(member: Member) -> str:
    return ",".join(t.strftime("%H:%M") for t in member.times)


def _context(member: Member, rows: list[tuple[datetime, DeliveryStatus, str, str]]) -> str:
    made = "; ".join(f"{r[3]} made {r[0]:%H:%M} {r[1].value}" for r in rows[-3:]) or "no rows today"
    return (f"no outbox row and no message (schedule {_times(member)} {member.zone}; rows: {made}; "
            f"did: {'; '.join(member.history)})")
