"""Every table has a lifecycle: what the daily retention job deletes besides articles, on SQLite and PostgreSQL
(outbox rows, story aliases, send paces, article vectors), and the scheduling scan's partial index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, text

from app.cards import CardCache
from app.retention import Retention
from app.tx import Transactions
from fakes.newsroom import ISS, NOW, Item, seed_story
from storage import chats, feeds, pace
from storage.db import Database
from storage.models import Article, ArticleVector, Delivery, Feed, FeedStatus, SendPace, Story
from storage.outbox import deliveries
from storage.stories import live_story_id, merge_stories
from storage.vectors import save_vectors

LATER = NOW + timedelta(days=40)


def _prune(db: Database, days: int = 30) -> str:
    retention = Retention(Transactions(db, threads=1), lambda: LATER, CardCache(), days=days,
                          cluster_window=timedelta(hours=72))
    return retention.prune(story_batch=2, stray_batch=1).line()


def _sent(db: Database, chat_id: int, period: str, story_ids: list[int], at: timedelta) -> int:
    """A digest sent `at` before LATER (its content dropped, as once it is final)."""
    with db.session() as s:
        [row] = deliveries.add_deliveries(s, [(chat_id, period)], LATER - at)
        deliveries.save_content(s, row, ["part"], story_ids, LATER - at)
        assert deliveries.begin_part(s, row, ())
        deliveries.part_sent(s, row, 100 + row, LATER - at)
    return row


def test_old_outbox_rows_go_recent_ones_and_the_since_mark_stay(db: Database) -> None:
    with db.session() as s:
        chats.ensure_chat(s, 1)
    old = [_sent(db, 1, f"2026-05-{d:02d}T08:00Z", [900 + d], timedelta(days=40 - d)) for d in range(1, 6)]
    recent = _sent(db, 1, "2026-08-09T08:00Z", [7], timedelta(days=1))
    with db.session() as s:
        [pending] = deliveries.add_deliveries(s, [(1, "2026-05-01T09:00Z")], LATER - timedelta(days=39))
        last_digest_at = s.scalar(text("SELECT last_digest_at FROM chats WHERE id = 1"))
    line = _prune(db)
    assert "5 digest records" in line, line
    with db.session() as s:
        assert sorted(s.scalars(select(Delivery.id))) == sorted([recent, pending])  # an open row is never deleted
        assert len(old) == 5 and s.scalar(text("SELECT last_digest_at FROM chats WHERE id = 1")) == last_digest_at
        chat = deliveries.digest_chat(s, 1, sent_since=LATER - timedelta(days=4))
        assert chat is not None and chat.sent_story_ids == {7}  # "already sent" still knows the recent digest
    assert "0 digest records" in _prune(db)


def test_the_outbox_keeps_what_already_sent_reads_even_with_a_short_retention(db: Database) -> None:
    with db.session() as s:
        chats.ensure_chat(s, 1)
    kept = _sent(db, 1, "2026-08-08T08:00Z", [7], timedelta(days=3))  # inside 2 x LOOKBACK (4 days)
    gone = _sent(db, 1, "2026-08-05T08:00Z", [8], timedelta(days=5))
    _prune(db, days=1)
    with db.session() as s:
        assert list(s.scalars(select(Delivery.id))) == [kept] and gone != kept


def test_story_aliases_go_once_nothing_can_name_them(db: Database) -> None:
    with db.session() as s:
        a, b, c = (seed_story(s, key, ISS[n:n + 1], NOW) for n, key in enumerate("abc"))
        merge_stories(s, [("a", "b")])
        merge_stories(s, [("b", "c")])  # a chain: a -> b -> c
        d, e = (seed_story(s, key, ISS[n + 3:n + 4], LATER - timedelta(days=1)) for n, key in enumerate("de"))
        merge_stories(s, [("d", "e")])  # merged yesterday: a digest may still name d
        assert [live_story_id(s, a), live_story_id(s, d)] == [c, e]
    line = _prune(db)
    assert "2 merged story aliases" in line, line
    with db.session() as s:
        assert sorted(s.scalars(select(Story.id))) == sorted([c, d, e])
        assert s.get_one(Story, c).archived_at is not None  # the survivor keeps its card
        assert live_story_id(s, d) == e
        assert live_story_id(s, b) is None  # an id gone is "not found", like any unknown id
    assert "0 merged story aliases" in _prune(db)


def test_idle_send_paces_go_the_global_one_stays(db: Database) -> None:
    with db.session() as s:
        s.add_all([SendPace(key=pace.GLOBAL, next_at=(NOW - timedelta(days=30)).timestamp()),
                   SendPace(key=pace.chat_key(-100), next_at=(LATER - timedelta(days=3)).timestamp()),
                   SendPace(key=pace.chat_key(-200), next_at=(LATER - timedelta(minutes=5)).timestamp())])
    assert "1 send paces" in _prune(db)
    with db.session() as s:
        assert sorted(s.scalars(select(SendPace.key))) == sorted([pace.GLOBAL, pace.chat_key(-200)])


def test_article_vectors_go_with_their_articles(db: Database) -> None:
    with db.session() as s:
        seed_story(s, "old", [Item("BBC", "bbc.com", "Volcano erupts", "Lava reached the coast.", "center")], NOW)
        seed_story(s, "new", ISS[:1], LATER - timedelta(days=1))
        ids = list(s.scalars(select(Article.id).order_by(Article.id)))
        save_vectors(s, "test-model", [(i, b"\x00\x01" * 4) for i in ids])
    _prune(db)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ArticleVector)) == 1
        assert s.scalar(select(ArticleVector.article_id)) == ids[-1]


def test_the_scheduling_scan_reads_only_active_chats(db: Database) -> None:
    """due_chats and unscheduled_chats go through the partial index on active chats (0015): the statements they
    run, explained with their own parameters."""
    ran: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "FROM chats" in statement:
            ran.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.session() as s:
            deliveries.due_chats(s, LATER)
            deliveries.unscheduled_chats(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(ran) == 2
    postgres = db.engine.dialect.name == "postgresql"
    plans = []
    with db.engine.connect() as conn:
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: the planner would not bother
        for statement, parameters in ran:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plans.append(" ".join(str(r[-1]) for r in conn.exec_driver_sql(explain + statement, parameters)))
    assert all("ix_chats_next_digest_at_active" in plan for plan in plans), plans


def test_a_paused_feed_stays_paused_when_the_feed_list_is_loaded_again(db: Database) -> None:
    """A feed failing for FETCH_PAUSE_AFTER_HOURS is paused, not deleted, even when the operator's OPML lists it:
    loading the list again (every start) leaves it paused; `storybot feeds resume` brings it back."""
    url = "https://gone.example/feed.xml"
    with db.session() as s:
        feeds.upsert_feeds(s, [(url, "Gone", "")])
        feed_id = s.scalar(select(Feed.id).where(Feed.url == url))
        assert feed_id is not None
        feeds.record_failure(s, feed_id, now=NOW, error="HTTP 410 (paused: gone for good)",
                             next_check_at=NOW + timedelta(days=1), pause=True)
    with db.session() as s:
        assert feeds.upsert_feeds(s, [(url, "Gone", "")]) == 0
        assert s.get_one(Feed, feed_id).status == FeedStatus.PAUSED
        assert [(h.url, h.status) for h in feeds.feed_health(s, LATER)] == [(url, "paused")]  # `feeds list`
        assert feeds.resume(s, [feed_id]) == 1
        assert s.get_one(Feed, feed_id).status == FeedStatus.ACTIVE and feeds.due_feeds(s, LATER)
