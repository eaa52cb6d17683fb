"""Hot paths cost a bounded number of SQL statements, not one per row: the digest fan-out reads each chat once,
and a clustering pass writes its new stories and their counts in a few statements per batch, whatever its size.
Counted with SQLAlchemy's `before_cursor_execute` event (an executemany counts once), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from app.cards import CardCache
from app.clustering import StoryEngine
from app.delivery import DeliveryPolicy, DigestDelivery
from app.digests import Digest, Digests
from app.tx import Transactions
from fakes.newsroom import ISS, Item, seed_articles, seed_story
from news.cluster import ClusterParams
from storage import chats
from storage.db import Database
from storage.models import Delivery, DeliveryStatus

NOW = datetime(2026, 7, 31, 18, 0, tzinfo=UTC)
DUE = NOW + timedelta(days=1)
CHATS = 50


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile (from any thread)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def reads_of_a_chat(seen: list[str]) -> int:
    """SELECTs of one chat's row by its id (what loading a chat for its digest starts with)."""
    return sum(1 for s in seen if re.match(r"\s*SELECT\b", s) and re.search(r"\bFROM chats\s+WHERE chats\.id\s*=", s))


class Sender:
    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, chat_id: int, text: str, before: Any, after: Any,
                   thread_id: int | None = None) -> int | None:
        """app.delivery.sending.Sender: the write ahead, the send, then the part recorded."""
        if not await before():
            return None
        self.sent.append(chat_id)
        await after(len(self.sent))
        return len(self.sent)


def render(digest: Digest) -> list[str]:
    return [f"{len(digest.picked)} stories"]


async def test_the_digest_fan_out_reads_each_chat_once(db: Database) -> None:
    tx = Transactions(db, threads=4)
    digests = Digests(tx, tx, lambda: DUE, 5, CardCache())
    sender = Sender()
    delivery = DigestDelivery(tx, digests, sender, render, DeliveryPolicy(workers=8), lambda: DUE, alone=True)
    with db.session() as s:
        seed_story(s, "iss", ISS, DUE)
        for chat_id in range(1, CHATS + 1):
            chats.ensure_chat(s, chat_id, type="private", timezone="UTC", digest_times="00:00", next_digest_at=DUE)
            chats.subscribe(s, chat_id, "space")
    await digests.corpus(DUE)  # loaded ahead, as the jobs do in the background
    try:
        with statements(db) as seen:
            assert await delivery.tick(DUE) == CHATS
            for _ in range(500):
                if len(sender.sent) == CHATS and not delivery._active:
                    break
                await asyncio.sleep(0.02)
        with db.session() as s:
            assert set(s.scalars(select(Delivery.status))) == {DeliveryStatus.SENT}
        assert sorted(sender.sent) == list(range(1, CHATS + 1))
        print(f"fan-out of {CHATS} chats: {len(seen)} statements, {len(seen) / CHATS:.1f} per chat, "
              f"{reads_of_a_chat(seen)} reads of a chat")
        assert reads_of_a_chat(seen) == CHATS, "each chat is loaded once for its digest"
    finally:
        await delivery.stop()
        tx.close()


def _pass_statements(db: Database, stories: int) -> int:
    """Statements of one clustering pass over `stories` new stories of two articles each."""
    engine = StoryEngine(db, ClusterParams(), lambda: NOW)
    engine.cluster_pending()  # leadership taken, clusterer warmed: what every later pass finds
    with db.session() as s:
        for n in range(stories):
            seed_articles(s, f"s{stories}-{n}", [
                Item("Reuters", "reuters.com", f"Quokka{n}x{stories} festival opens in Perth{n}", f"Zebra{n} news."),
                Item("AP", "apnews.com", f"Perth{n} opens quokka{n}x{stories} festival", f"Zebra{n} report."),
            ], NOW)
    try:
        with statements(db) as seen:
            summary = engine.cluster_pending()
        assert summary.articles == 2 * stories
        assert summary.stories_touched == stories, "each pair is a story of its own"
        return len(seen)
    finally:
        engine.leadership.release()


def test_a_clustering_pass_costs_the_same_statements_for_10_or_60_new_stories(db: Database) -> None:
    few, many = _pass_statements(db, 10), _pass_statements(db, 60)
    print(f"clustering pass: {few} statements for 10 new stories, {many} for 60")
    assert many == few, "statements grow with the stories of a pass"
