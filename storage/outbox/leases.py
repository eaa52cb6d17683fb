"""Which process holds which outbox row: leases on digest rows (the `lease_owner` and `lease_until` columns).

A row is leased to the process that claimed it and renewed while it works on it (app.delivery.leases); only a row whose
lease has expired (its process died, or handed it back on stopping) is taken over, by `recover`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, true, update
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus

__all__ = ["Lease", "Recovery", "hand_back", "recover", "renew"]


@dataclass(frozen=True, slots=True)
class Lease:
    owner: str  # one process (bot.runtime makes a unique id per process)
    until: datetime


@dataclass(frozen=True, slots=True)
class Recovery:
    unknown: list[tuple[int, int, str]]  # (delivery id, chat id, period) caught mid-send
    late: list[tuple[int, int, str]]  # pending rows too old to send now
    pending: list[int]


def _free(now: datetime, everyone: bool) -> ColumnElement[bool]:
    if everyone:
        return true()
    return or_(Delivery.lease_until.is_(None), Delivery.lease_until < now)


def recover(session: Session, now: datetime, max_lateness: timedelta, lease: Lease | None = None, *,
            everyone: bool = True, limit: int = 1000) -> Recovery:
    """Take over rows whose lease has expired (`everyone`: every open row, for a process that knows it is alone):
    those caught mid-send become UNKNOWN, pending ones too old SKIPPED, the rest (up to `limit`) held by `lease`.
    Rows another process is taking over right now are skipped (FOR UPDATE SKIP LOCKED)."""
    free = _free(now, everyone)
    caught = session.execute(
        select(Delivery.id, Delivery.chat_id, Delivery.period).where(Delivery.status == DeliveryStatus.SENDING, free)
        .order_by(Delivery.id).with_for_update(skip_locked=True)
    ).all()
    if caught:
        session.execute(
            update(Delivery).where(Delivery.id.in_([r.id for r in caught]), Delivery.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.UNKNOWN, error="caught mid-send by a crash; not re-sent", messages=None)
        )
    pending = session.execute(
        select(Delivery.id, Delivery.chat_id, Delivery.period, Delivery.created_at)
        .where(Delivery.status == DeliveryStatus.PENDING, free).order_by(Delivery.id).limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    late = [(r.id, r.chat_id, r.period) for r in pending if now - r.created_at > max_lateness]
    if late:
        session.execute(
            update(Delivery).where(Delivery.id.in_([r[0] for r in late]), Delivery.status == DeliveryStatus.PENDING)
            .values(status=DeliveryStatus.SKIPPED, error="too late after a restart", messages=None)
        )
    late_ids = {r[0] for r in late}
    taken = [r.id for r in pending if r.id not in late_ids]
    if taken and lease is not None:
        session.execute(update(Delivery).where(Delivery.id.in_(taken))
                        .values(lease_owner=lease.owner, lease_until=lease.until))
    return Recovery([(r.id, r.chat_id, r.period) for r in caught], late, taken)


def hand_back(session: Session, owner: str, now: datetime) -> int:
    """A stopping process lets go of its PENDING rows at once (its lease ends now), so another process, or the
    next start, takes them over without waiting for the lease to run out; how many."""
    result = session.execute(
        update(Delivery).where(Delivery.lease_owner == owner, Delivery.status == DeliveryStatus.PENDING)
        .values(lease_until=now - timedelta(seconds=1))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def renew(session: Session, delivery_ids: Sequence[int], lease: Lease) -> int:
    """Extend this process's lease on the open rows it still holds; how many."""
    if not delivery_ids:
        return 0
    result = session.execute(
        update(Delivery).where(Delivery.id.in_(list(delivery_ids)), Delivery.lease_owner == lease.owner,
                               Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]))
        .values(lease_until=lease.until)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
