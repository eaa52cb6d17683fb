"""Archived stories have a lifecycle too: RETENTION_DAYS after a story was archived (its articles pruned, its card
kept on the row), the row goes, with the aliases that lead to it. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update

from app.cards import CardCache
from app.retention import Retention
from app.tx import Transactions
from fakes.newsroom import ISS, NOW, seed_story
from storage import chats
from storage import lifecycle as store
from storage.db import Database
from storage.models import Story
from storage.outbox import deliveries
from storage.stories import live_story_id, merge_stories

ARCHIVED_OLD = NOW + timedelta(days=31)  # archives `old` (its last article at NOW) and nothing newer
ARCHIVED_YOUNG = NOW + timedelta(days=40)  # archives `young` (its last article 5 days after NOW)
GONE_OLD = NOW + timedelta(days=62)  # `old` archived 31 days ago: it goes; `young`, archived 22 days ago, stays


def _prune(db: Database, now: datetime) -> str:
    retention = Retention(Transactions(db, threads=1), lambda: now, CardCache(), days=30,
                          cluster_window=timedelta(hours=72))
    return retention.prune(story_batch=2, stray_batch=1).line()


def test_an_archived_story_goes_retention_days_after_it_was_archived(db: Database) -> None:
    with db.session() as s:
        old = seed_story(s, "old", ISS[:2], NOW)
        young = seed_story(s, "young", ISS[2:3], NOW + timedelta(days=5))
    assert "0 archived stories" in _prune(db, ARCHIVED_OLD)
    assert "0 archived stories" in _prune(db, ARCHIVED_YOUNG)
    with db.session() as s:
        chats.ensure_chat(s, 1)
        [row] = deliveries.add_deliveries(s, [(1, "p")], GONE_OLD - timedelta(hours=1))
        deliveries.save_content(s, row, ["part"], [old, young], GONE_OLD - timedelta(hours=1))
        assert deliveries.begin_part(s, row, ())
        deliveries.part_sent(s, row, 100, GONE_OLD - timedelta(hours=1))
    line = _prune(db, GONE_OLD)
    assert line.endswith("0 long-inactive chats and 1 archived stories no longer needed"), line
    with db.session() as s:
        assert list(s.scalars(select(Story.id))) == [young]
        assert s.get_one(Story, young).archive is not None
        # An outbox row naming a story gone: "already sent" reads ids, and carries on.
        chat = deliveries.digest_chat(s, 1, GONE_OLD - timedelta(days=2))
        assert chat is not None and chat.sent_story_ids == {old, young}
    assert "0 archived stories" in _prune(db, GONE_OLD)


def test_an_archived_story_goes_with_the_aliases_that_lead_to_it(db: Database) -> None:
    """Aliases normally go first (app.lifecycle: their last update is older); one merged late goes with it."""
    with db.session() as s:
        seed_story(s, "survivor", ISS[:1], NOW)
        first, second = (seed_story(s, key, ISS[n + 1:n + 2], NOW) for n, key in enumerate(("first", "second")))
        merge_stories(s, [("first", "survivor")])
        merge_stories(s, [("second", "first")])  # a chain: second -> first -> survivor
    _prune(db, ARCHIVED_OLD)
    with db.session() as s:
        s.execute(update(Story).where(Story.id.in_([first, second])).values(last_updated=GONE_OLD))
    line = _prune(db, GONE_OLD)
    assert "0 merged story aliases" in line and "1 archived stories" in line, line
    with db.session() as s:
        assert list(s.scalars(select(Story.id))) == []
        assert live_story_id(s, second) is None


def test_the_archive_deletion_reads_the_archived_at_index(db: Database) -> None:
    """delete_archived's selection goes through ix_stories_archived_at_last_updated (0011), not a scan."""
    ran: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "FROM stories" in statement and "archived_at <" in statement:
            ran.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.session() as s:
            assert store.delete_archived(s, GONE_OLD, 10) == 0
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(ran) == 1
    postgres = db.engine.dialect.name == "postgresql"
    statement, parameters = ran[0]
    with db.engine.connect() as conn:
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: the planner would not bother
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(explain + statement, parameters))
    assert "ix_stories_archived_at_last_updated" in plan, plan
