"""Which chats are due for a digest, claimed exactly once (runs inside one transaction per batch).

Claiming is a compare-and-set on `chats.next_digest_at` (storage.outbox.deliveries.claim_chat): the claimer that moves a
chat's next digest from the instant it read to the following one also writes the outbox row, in the same
transaction. Two ticks or two processes reading the same due chat: one UPDATE matches, the other matches
nothing. The row's unique (chat, period) is the second guard. Works alike on SQLite and PostgreSQL; on
PostgreSQL the due chats are read FOR UPDATE SKIP LOCKED, so two processes claim different chats rather than
queue behind each other's locks. The rows made are leased to the claiming process (app.delivery.leases).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.digest_time import InvalidSchedule, next_digest_at, parse_times, parse_zone, period_key
from storage.models import DeliveryStatus
from storage.outbox import deliveries as outbox
from storage.outbox import leases

__all__ = ["ClaimPolicy", "Claimed", "claim_due", "schedule_of", "schedule_unscheduled"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimPolicy:
    max_lateness: timedelta = timedelta(hours=3)
    default_times: str = "08:00"
    default_zone: str = "UTC"
    claim_batch: int = 500


@dataclass
class Claimed:
    seen: int = 0  # due chats read (a full batch means: look again)
    delivery_ids: list[int] = field(default_factory=list)
    late: list[tuple[int, str, timedelta]] = field(default_factory=list)  # (chat id, period, how late): skipped


def schedule_of(chat: outbox.DueChat, policy: ClaimPolicy) -> tuple[tuple[time, ...], ZoneInfo]:
    """The chat's times and zone; a stored value that no longer parses falls back to the defaults."""
    try:
        return parse_times(chat.digest_times), parse_zone(chat.timezone)
    except InvalidSchedule:
        log.warning("chat %d has an invalid schedule %r %r: using the defaults", chat.id, chat.digest_times,
                    chat.timezone)
        return parse_times(policy.default_times), parse_zone(policy.default_zone)


def schedule_unscheduled(session: Session, now: datetime, policy: ClaimPolicy) -> int:
    """Give active chats without a next digest one (chats made before, or reactivated)."""
    count = 0
    for chat in outbox.unscheduled_chats(session, policy.claim_batch):
        times, zone = schedule_of(chat, policy)
        count += outbox.claim_chat(session, chat, next_digest_at(times, zone, now))
    return count


def claim_due(session: Session, now: datetime, policy: ClaimPolicy, lease: leases.Lease | None = None,
              limit: int | None = None) -> Claimed:
    """Claim up to a batch of due chats: advance each one's schedule and write its outbox row.

    Chats due at the same instant with the same times and zone are claimed by one UPDATE ... RETURNING. The next
    digest is the first one after `now`, so a bot that was down for days sends at most one catch-up per chat, and
    only if it is at most `max_lateness` late; otherwise the row is SKIPPED (and logged by the caller). A chat
    without topics gets the top stories (app.digests.digest_for). The rows made are held by `lease`
    (app.delivery.leases).
    """
    claimed = Claimed()
    due = outbox.due_chats(session, now, limit or policy.claim_batch)
    claimed.seen = len(due)
    groups: dict[tuple[str, str, datetime], list[outbox.DueChat]] = defaultdict(list)
    for chat in due:
        assert chat.due_at is not None
        groups[(chat.digest_times, chat.timezone, chat.due_at)].append(chat)
    to_send: list[tuple[int, str]] = []
    too_late: list[tuple[int, str]] = []
    for (_times, _zone, due_at), members in groups.items():
        times, zone = schedule_of(members[0], policy)
        got = outbox.claim_chats(session, [c.id for c in members], due_at, next_digest_at(times, zone, now))
        period = period_key(due_at)
        late_by = now - due_at
        rows = [(c.id, period) for c in members if c.id in got]  # the rest: claimed elsewhere
        if late_by > policy.max_lateness:
            too_late += rows
            claimed.late += [(chat_id, period, late_by) for chat_id, period in rows]
        else:
            to_send += rows
    error = f"more than {policy.max_lateness} late"
    _log_conflicts(too_late, outbox.insert_deliveries(session, too_late, now, DeliveryStatus.SKIPPED, error))
    made = outbox.insert_deliveries(session, to_send, now, lease=lease)
    _log_conflicts(to_send, made)
    claimed.delivery_ids = sorted(delivery_id for delivery_id, _chat_id, _period in made)
    return claimed


def _log_conflicts(wanted: list[tuple[int, str]], made: list[tuple[int, int, str]]) -> None:
    """A claimed (chat, period) whose row exists already: its schedule named an instant it had been sent for.
    Period keys are instants and a claim moves past `now`, so this should never happen; if it does, say so."""
    for chat_id, period in sorted(set(wanted) - {(chat_id, period) for _id, chat_id, period in made}):
        log.warning("digest %s for chat %d has an outbox row already: not written again", period, chat_id)
