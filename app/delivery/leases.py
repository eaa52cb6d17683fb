"""This process's hold on the outbox rows it works on (storage.outbox.deliveries has the lease columns).

Every process has one owner id. A digest row it claims is leased to it for `duration`; a heartbeat renews the
leases of the rows it still holds (queued, in flight, waiting to retry) every third of that. A process that dies
stops renewing: once its leases expire, another process takes its rows over (DigestDelivery.recover), and only
the parts that were in flight at the death become UNKNOWN. A live process's rows are never touched.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from app.tx import Transactions
from storage.outbox import leases

__all__ = ["LeaseKeeper", "process_owner"]

log = logging.getLogger(__name__)


def process_owner() -> str:
    """Unique per process, and readable in the database: host, pid and a random tail."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class LeaseKeeper:
    def __init__(self, tx: Transactions, clock: Callable[[], datetime], duration: timedelta,
                 owner: str | None = None) -> None:
        self.tx, self.clock, self.duration = tx, clock, duration
        self.owner = owner or process_owner()
        self._task: asyncio.Task[None] | None = None

    def lease(self, now: datetime | None = None) -> leases.Lease:
        return leases.Lease(self.owner, (now or self.clock()) + self.duration)

    def start(self, held: Callable[[], Collection[int]]) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._beat(held), name="lease-heartbeat")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _beat(self, held: Callable[[], Collection[int]]) -> None:
        while True:
            await asyncio.sleep(self.duration.total_seconds() / 3)
            ids = list(held())
            try:
                await self.tx(leases.renew, ids, self.lease())
            except Exception:  # the database is away: the next beat tries again, well within the lease
                log.warning("could not renew the leases of %d digest rows", len(ids), exc_info=True)
