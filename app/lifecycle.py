"""The rest of retention (app.retention runs it after the articles): outbox rows, story aliases, archived stories,
send paces.

- An outbox row lives `RETENTION_DAYS` (at least 2 × LOOKBACK: "already sent" reads the story ids of the digests
  sent that long back). "+N since your last digest" reads `chats.last_digest_at`, not the rows.
- A story merged away (an alias) lives until every row that could name it is gone: a digest names a story before
  it is merged, and a story merges at most CLUSTER_WINDOW_HOURS after its last update; so once its last update is
  older than the outbox cutoff minus the window, no outbox row names it. An old card's buttons on such an id
  answer that the story is no longer kept from then on (bot.handlers.cards.gone), like any id unknown.
- An archived story (its articles pruned RETENTION_DAYS after its last one, its card kept on the row) lives
  RETENTION_DAYS more, then goes with the aliases merged into it: a card answers 2 x RETENTION_DAYS in all, then
  its buttons and "Full card" link say the story is no longer kept. Outbox rows naming it are harmless: "already
  sent" reads the ids, and a story gone is never offered again.
- A group's send pace (PostgreSQL, bot.pace) whose next slot is a day past is forgotten; the next message to the
  group starts a new one.
- A followed story (`followed_stories`) is not this job's: the follow tick (app.follows) deletes it when its story
  closes or FOLLOW_DAYS after it was followed (after one last line), `/stop` and the unfollow button delete it, and
  the database deletes it with its chat or its story (ON DELETE CASCADE). Its updates are outbox rows, deleted as
  above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.digests import LOOKBACK
from app.tx import Transactions
from storage import lifecycle as store

__all__ = ["Kept", "prune_kept"]

BATCH = 5000  # rows deleted per transaction
PACE_IDLE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Kept:
    deliveries: int = 0  # outbox rows deleted
    aliases: int = 0  # merged-away stories deleted
    paces: int = 0  # send paces forgotten
    chats: int = 0  # chats inactive for longer than app.retention.INACTIVE_CHAT_DAYS, deleted
    archives: int = 0  # archived stories deleted, RETENTION_DAYS after they were archived

    def line(self) -> str:
        return (f"{self.deliveries} digest records, {self.aliases} merged story aliases, {self.paces} send paces, "
                f"{self.chats} long-inactive chats and {self.archives} archived stories")


def prune_kept(tx: Transactions, now: datetime, days: int, cluster_window: timedelta, batch: int = BATCH) -> Kept:
    """Blocking (a worker thread, or the CLI): delete in batches until nothing is older."""
    outbox_cutoff = now - max(timedelta(days=days), 2 * LOOKBACK)
    deliveries = _drain(tx, store.delete_deliveries, outbox_cutoff, batch)
    aliases = _drain(tx, store.delete_aliases, outbox_cutoff - cluster_window, batch)
    archives = _drain(tx, store.delete_archived, now - timedelta(days=days), batch)
    paces = tx.sync(store.delete_paces, (now - PACE_IDLE).timestamp())
    return Kept(deliveries, aliases, paces, archives=archives)


def _drain(tx: Transactions, delete: Callable[[Session, datetime, int], int], cutoff: datetime, batch: int) -> int:
    """Until a batch finds nothing (not merely less than a batch: an alias chain goes one link per batch)."""
    total = 0
    while (deleted := tx.sync(delete, cutoff, batch)) > 0:
        total += deleted
    return total
