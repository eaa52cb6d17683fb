"""Daily digests: due chats -> outbox rows -> content -> paced sends -> recorded. Idempotent and crash-safe.

`tick(now)` (the JobQueue calls it every minute) only picks work: it schedules chats that have no next digest,
claims the due ones in batches and enqueues their outbox rows (app.delivery.claims). A bounded pool of workers
sends them: each worker builds a row's parts once (stored before the first is sent), then sends part after part
through `Sender`, which paces, has the row written SENDING right before each request and the part recorded right
after its answer (storage.outbox.deliveries has the states).

Several processes may share one PostgreSQL outbox. Each row is leased to the process that claimed it
(app.delivery.leases); a process holds at most `backlog` rows, claiming more as it works them off, so the others get
their share. `recover` (at start, then every tick) takes over only rows whose lease has expired, i.e. whose
process died: those caught mid-send become UNKNOWN (logged, never re-sent), pending ones too late are skipped, the
rest enqueued here. A process on SQLite is alone (bot.runtime locks the file), so its first recovery takes all.

A 429 sends the row back to the queue after `retry_after` (that chat only), a 5xx or refused connection after a
backoff; a chat gone is deactivated; a migrated group gets its digest at its new id;
a deleted forum topic is forgotten and the digest goes to the chat's main thread. The content is `digest_for`, the
one selection (app.digests), rendered by the function the runtime hands in.

`drain(grace)` (on SIGTERM) stops claiming and starting rows and parts; the parts already on their way are given
`grace` seconds to finish. A row left half-sent stays PENDING with its sent parts recorded, so the next start
(or another process) sends only the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from app.delivery import repairs
from app.delivery.claims import claim_due, schedule_unscheduled
from app.delivery.leases import LeaseKeeper
from app.delivery.policy import DeliveryPolicy
from app.delivery.pool import WorkPool
from app.delivery.sending import ChatGone, ChatMoved, MaybeSent, RateLimited, Refused, Sender, ThreadGone, Transient
from app.digest_time import period_day, zone_or_utc
from app.digests import LOOKBACK, Corpus, Digest, Digests, digest_for
from app.metrics import Metrics
from app.tx import Transactions
from storage.models import DeliveryStatus
from storage.outbox import deliveries as outbox
from storage.outbox import leases as outbox_leases

__all__ = ["DigestDelivery"]

log = logging.getLogger(__name__)
Render = Callable[[Digest], list[str]]  # a digest -> its messages; [] when there is nothing to send


class DigestDelivery(WorkPool):
    def __init__(self, tx: Transactions, digests: Digests, sender: Sender, render: Render, policy: DeliveryPolicy,
                 clock: Callable[[], datetime], *, metrics: Metrics | None = None, alone: bool = False,
                 owner: str | None = None, part_tx: Transactions | None = None) -> None:
        super().__init__(policy.workers, "digest")
        self.tx, self.digests, self.sender, self.render = tx, digests, sender, render
        # The writes around each request, on threads of their own: a slot waits for them, never for a build.
        self.part_tx = part_tx or tx
        self.policy, self.clock = policy, clock
        self.metrics = metrics or Metrics()
        self.metrics.send_queue.set_function(lambda: len(self._active))
        self.alone = alone  # no other process uses this database (SQLite): the first recovery takes every row
        self.leases = LeaseKeeper(tx, clock, policy.lease, owner)
        self._more = False  # the last claim was cut short by the backlog: due chats may be left
        self._refill: asyncio.Task[None] | None = None
        self._tick_lock = asyncio.Lock()
        self._recovered = False

    # --- the pool (app.delivery.pool) -----------------------------------------------------------------

    def start(self) -> None:
        self.start_workers()
        self.leases.start(lambda: self._active)

    async def stop(self) -> None:
        await self.leases.stop()
        if self._refill is not None:
            self._refill.cancel()
            await asyncio.gather(self._refill, return_exceptions=True)
        await self.stop_workers()

    async def drain(self, grace: float) -> int:
        """Stop starting rows and parts; wait up to `grace` seconds for the parts on their way, then hand this
        process's pending rows back. How many workers were still busy at the deadline (their part may be marked
        unknown at the next start)."""
        busy = await self.quiesce(grace)
        if busy:
            log.warning("%d digest sends still in flight after %.0f s: stopped", busy, grace)
        await self.leases.stop()
        with contextlib.suppress(Exception):  # the database is away: the leases run out by themselves
            await self.tx(outbox_leases.hand_back, self.leases.owner, self.clock())
        return busy

    def _refilling(self) -> bool:
        refilling = self._refill is not None and not self._refill.done()
        if self._more and not refilling and not self._closing and len(self._active) <= self.policy.backlog // 2:
            self._refill = asyncio.create_task(self._top_up(), name="digest-refill")
            refilling = True
        return refilling

    async def _top_up(self) -> None:
        """Claim more due chats as the backlog empties (ticks come once a minute; the pool is faster)."""
        try:
            async with self._tick_lock:
                await self._claim(self.clock())
        except Exception:
            log.exception("claiming more due digests failed; the next tick tries again")
        finally:
            if not self._active:
                self._idle.set()

    # --- picking work ------------------------------------------------------------------------------

    async def recover(self, now: datetime) -> outbox_leases.Recovery:
        """Take over the rows of processes that died (leases expired; at the first call on SQLite, every row):
        rows caught mid-send become UNKNOWN (logged), too-late pending rows SKIPPED, the rest enqueued here."""
        everyone = self.alone and not self._recovered
        self._recovered = True
        self.start()
        room = max(0, self.policy.backlog - len(self._active))
        found = await self.tx(outbox_leases.recover, now, self.policy.max_lateness, self.leases.lease(now),
                              everyone=everyone, limit=room)
        for delivery_id, chat_id, period in found.unknown:
            log.warning("digest %s for chat %d was mid-send when its process died: marked unknown, not re-sent "
                        "(row %d)", period, chat_id, delivery_id)
        for delivery_id, chat_id, period in found.late:
            log.warning("digest %s for chat %d is too late after a restart: skipped (row %d)",
                        period, chat_id, delivery_id)
        for delivery_id in found.pending:
            self.enqueue(delivery_id)
        return found

    async def tick(self, now: datetime | None = None) -> int:
        """Take over dead processes' rows, then claim due chats (up to the backlog) and enqueue their digests;
        returns how many were claimed."""
        now = now or self.clock()
        if self._closing:
            return 0
        async with self._tick_lock:
            self.start()
            await self.recover(now)
            await self.tx(schedule_unscheduled, now, self.policy)
            return await self._claim(now)

    async def _claim(self, now: datetime) -> int:
        enqueued = 0
        while not self._closing:
            room = self.policy.backlog - len(self._active)
            if room <= 0:
                self._more = True
                return enqueued
            limit = min(room, self.policy.claim_batch)
            batch = await self.tx(claim_due, now, self.policy, self.leases.lease(now), limit)
            for chat_id, period, late_by in batch.late:
                log.warning("digest %s for chat %d is %s late: skipped", period, chat_id, late_by)
            for delivery_id in batch.delivery_ids:
                self.enqueue(delivery_id)
            enqueued += len(batch.delivery_ids)
            if batch.seen < limit:
                self._more = False
                return enqueued
        return enqueued

    # --- one delivery ------------------------------------------------------------------------------

    def _build(self, session: Session, item: outbox.OutboxItem, chat: outbox.DigestChat, corpus: Corpus,
               now: datetime) -> outbox.OutboxItem | None:
        digest = digest_for(corpus, chat, now, self.policy.per_topic,
                            day=period_day(item.period, zone_or_utc(chat.timezone)))
        parts = self.render(digest)
        if not parts:
            outbox.finish(session, item.id, DeliveryStatus.SKIPPED, "nothing new")
            self._count(DeliveryStatus.SKIPPED)
            return None
        return outbox.save_content(session, item.id, parts, digest.story_ids, now)

    def _load(self, session: Session, delivery_id: int,
              now: datetime) -> tuple[outbox.OutboxItem, outbox.DigestChat] | None:
        """The row and its chat, read once: the thread its parts go to and, while its digest is still to be built,
        everything the digest needs (the stories its recent digests sent)."""
        item = outbox.load(session, delivery_id)
        if item is None or item.status is not DeliveryStatus.PENDING:
            return None
        sent_since = now - 2 * LOOKBACK if item.messages is None else None
        chat = outbox.digest_chat(session, item.chat_id, sent_since=sent_since)
        if chat is None or not chat.active:  # stopped (/stop, blocked) after its digest was claimed
            outbox.finish(session, item.id, DeliveryStatus.SKIPPED, "chat inactive")
            self._count(DeliveryStatus.SKIPPED)
            return None
        return item, chat  # a chat with no topics gets the top stories (app.digests)

    async def deliver(self, delivery_id: int) -> bool:
        """Send what is left of one outbox row. True when it was handed back to the queue for later."""
        now = self.clock()
        loaded = await self.tx(self._load, delivery_id, now)
        if loaded is None:
            return False
        item, chat = loaded
        # A followed story's update answers the card it was followed from, in that card's forum topic.
        thread_id, reply = ((item.thread_id, {"reply_to": item.reply_to}) if item.reply_to is not None
                            else (chat.thread_id, {}))
        if item.messages is None:
            corpus = await self.digests.corpus(now)
            try:
                built = await self.tx(self._build, item, chat, corpus, now)
            except Exception as exc:  # a bug in one chat's selection or rendering: that row only
                return await self._build_failed(item, exc)
            if built is None:
                return False
            item = built
        assert item.messages is not None
        while len(item.sent) < len(item.messages):
            sent = item.sent
            if self._closing:
                return self._left(item)
            before = functools.partial(self._begin_part, delivery_id, sent)
            recorded: list[outbox.OutboxItem | None] = []
            record = functools.partial(self._record_part, delivery_id, recorded)
            try:
                message_id = await self.sender.send(item.chat_id, item.messages[len(sent)], before, record,
                                                    thread_id, **reply)
            except (RateLimited, Transient, ChatMoved, ChatGone, ThreadGone, Refused, MaybeSent) as exc:
                return await self._failed(item, exc)
            if message_id is None:
                if self._closing:
                    return self._left(item)
                log.info("digest row %d was taken by another sender", delivery_id)
                return False
            [updated] = recorded
            if updated is None:
                log.warning("digest row %d left SENDING while its part was sent (message %d)", delivery_id, message_id)
                return False
            item = updated
        self._count(item.status)
        return False

    @staticmethod
    def _left(item: outbox.OutboxItem) -> bool:
        assert item.messages is not None
        log.info("digest row %d for chat %d: %d of %d parts sent; the rest after the restart", item.id,
                 item.chat_id, len(item.sent), len(item.messages))
        return False

    async def _begin_part(self, delivery_id: int, sent: tuple[int, ...]) -> bool:
        """The outbox write ahead of a part; refused once draining (the part was not started)."""
        if self._closing:
            return False
        return await self.part_tx(outbox.begin_part, delivery_id, sent, self.leases.owner)

    async def _record_part(self, delivery_id: int, recorded: list[outbox.OutboxItem | None], message_id: int) -> None:
        """The outbox write right after a part's answer (the row as it is now, into `recorded`)."""
        recorded.append(await self.part_tx(outbox.part_sent, delivery_id, message_id, self.clock()))

    def _count(self, status: DeliveryStatus) -> None:
        if status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN, DeliveryStatus.SKIPPED):
            self.metrics.digests.labels(status.value).inc()

    async def _build_failed(self, item: outbox.OutboxItem, exc: Exception) -> bool:
        """Building or rendering raised, most likely the same way every time: `build_attempts` tries with backoff
        (counted on the row, across restarts), one traceback, then FAILED (app.delivery.repairs.build_failed). The
        chat's schedule moved on at the claim: its next digest comes as usual."""
        tries = await self.tx(repairs.build_failed, item, f"{type(exc).__name__}: {exc}", self.policy.build_attempts)
        if tries == 1:
            log.error("digest row %d for chat %d could not be built", item.id, item.chat_id, exc_info=exc)
        if tries is None or tries >= self.policy.build_attempts:  # None: taken over or finished meanwhile
            if tries is not None:
                log.error("digest row %d for chat %d could not be built %d times (%s): failed", item.id,
                          item.chat_id, tries, exc)
                self.metrics.digest_build_failures.inc()
                self._count(DeliveryStatus.FAILED)
            return False
        delay = min(self.policy.backoff_cap, 2.0 ** tries) * random.uniform(0.8, 1.2)
        log.warning("digest row %d for chat %d could not be built (%s, try %d of %d); again in %.1f s", item.id,
                    item.chat_id, exc, tries, self.policy.build_attempts, delay)
        self._later(item.id, delay)
        return True

    async def _failed(self, item: outbox.OutboxItem, exc: Exception) -> bool:
        if isinstance(exc, RateLimited):
            await self.tx(outbox.release, item.id, str(exc))
            self._later(item.id, exc.retry_after)
            return True
        if isinstance(exc, Transient) and item.failures + 1 < self.policy.max_failures:
            await self.tx(outbox.release, item.id, str(exc))
            delay = min(self.policy.backoff_cap, 2.0 ** (item.failures + 1)) * random.uniform(0.8, 1.2)
            log.info("digest row %d: %s; retrying in %.1f s", item.id, exc, delay)
            self._later(item.id, delay)
            return True
        if isinstance(exc, ChatMoved):
            moved = await self.tx(repairs.follow_move, item, exc.new_chat_id, self.clock())
            if moved:
                self._later(item.id, 0)
            else:
                self._count(DeliveryStatus.FAILED)
            return moved
        if isinstance(exc, ThreadGone):
            log.info("chat %d: its forum topic is gone (%s); digests go to the main thread from now on",
                     item.chat_id, exc)
            await self.tx(repairs.to_main_thread, item, str(exc))
            self._later(item.id, 0)
            return True
        if isinstance(exc, ChatGone):
            log.info("chat %d is gone (%s): deactivated, its digests stop", item.chat_id, exc)
            await self.tx(repairs.chat_gone, item, str(exc), self.clock())
            self._count(DeliveryStatus.FAILED)
            return False
        status = DeliveryStatus.UNKNOWN if isinstance(exc, MaybeSent) else DeliveryStatus.FAILED
        log.warning("digest row %d for chat %d: %s -> %s", item.id, item.chat_id, exc, status.value)
        await self.tx(outbox.finish, item.id, status, str(exc))
        self._count(status)
        return False
