"""Storage against SQLite and PostgreSQL: idempotent writes, subscriptions, stories, migration of chats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from news.types import ArticleIn, Bias, Outlet
from storage import articles as article_store
from storage import chats as chat_store
from storage import feeds as feed_store
from storage import stats as stats_store
from storage import stories as story_store
from storage.db import Database
from storage.migrate import alembic_config, upgrade
from storage.models import Article, Chat, Story, Subscription

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
REUTERS = Outlet("Reuters", ("reuters.com",), "US", Bias.CENTER, "very high")


def article(n: int, *, url: str | None = None, key: str | None = None) -> ArticleIn:
    return ArticleIn(
        dedup_key=key or f"guid-{n}",
        url=url or f"https://reuters.com/a/{n}",
        title=f"Title {n}",
        summary=f"Summary {n}",
        published=NOW - timedelta(minutes=n),
        domain="reuters.com",
    )


def two_feeds(db: Database) -> tuple[int, int]:
    with db.session() as s:
        feed_store.upsert_feeds(s, [("http://a.test/rss", "A", "world"), ("http://b.test/rss", "B", "")])
        refs = feed_store.due_feeds(s, NOW)
    return refs[0].id, refs[1].id


def test_migrations_are_idempotent_and_create_every_table(db: Database) -> None:
    upgrade(db)  # a second run is a no-op
    with db.session() as s:
        # Features add migrations on branches from the initial schema: every head is applied, once.
        heads = ScriptDirectory.from_config(alembic_config(db.url)).get_heads()
        assert sorted(s.scalars(text("select version_num from alembic_version"))) == sorted(heads)
        assert s.scalar(select(func.count(Story.id))) == 0


def test_article_inserts_are_idempotent_within_and_across_feeds(db: Database) -> None:
    feed_a, feed_b = two_feeds(db)
    batch = [article(1), article(2), article(2)]  # a duplicate GUID inside one body
    with db.session() as s:
        source = article_store.source_id_for(s, "reuters.com", "Reuters", REUTERS)
        assert article_store.insert_articles(s, feed_a, batch, [source] * 3) == 2
    with db.session() as s:  # the same body again: nothing new
        assert article_store.insert_articles(s, feed_a, batch, [source] * 3) == 0
    with db.session() as s:  # syndicated in another feed under another guid: same canonical URL, one article
        assert article_store.insert_articles(s, feed_b, [article(1, key="other-guid")], [None]) == 0
        assert s.scalar(select(func.count(Article.id))) == 2
        assert article_store.source_id_for(s, "reuters.com", "Reuters", REUTERS) == source


def test_feed_failure_and_success_are_recorded(db: Database) -> None:
    feed_a, _ = two_feeds(db)
    with db.session() as s:
        feed_store.record_failure(s, feed_a, now=NOW, error="HTTP 500", next_check_at=NOW + timedelta(hours=1),
                                  pause=False)
    with db.session() as s:
        assert [f.id for f in feed_store.due_feeds(s, NOW)] == [feed_a + 1]
        health = {h.id: h for h in feed_store.feed_health(s, NOW)}
        assert health[feed_a].error_count == 1 and health[feed_a].last_error == "HTTP 500"
        assert stats_store.counts(s)["feeds"] == {"total": 2, "ok": 1, "failing": 1, "paused": 0}
        feed_store.record_success(s, feed_a, now=NOW, next_check_at=NOW, etag='"x"', last_modified=None)
    with db.session() as s:
        assert {f.id: f.etag for f in feed_store.due_feeds(s, NOW)}[feed_a] == '"x"'


def test_subscriptions_are_unique_and_capped(db: Database) -> None:
    with db.session() as s:
        chat_store.ensure_chat(s, -100123, type="supergroup", title="News room")
        assert chat_store.subscribe(s, -100123, "climate", max_topics=2)
        assert not chat_store.subscribe(s, -100123, "climate", max_topics=2)
        assert chat_store.subscribe(s, -100123, "mars", max_topics=2)
        with pytest.raises(chat_store.TooManyTopics):
            chat_store.subscribe(s, -100123, "nasa", max_topics=2)
    with db.session() as s:
        assert chat_store.topics(s, -100123) == ["climate", "mars"]
        assert chat_store.unsubscribe(s, -100123, "climate")
        assert not chat_store.unsubscribe(s, -100123, "climate")


def test_group_migration_keeps_subscriptions(db: Database) -> None:
    with db.session() as s:
        chat_store.ensure_chat(s, -42, type="group")
        chat_store.subscribe(s, -42, "science")
    with db.session() as s:
        chat_store.migrate(s, -42, -1000000000042)
    with db.session() as s:
        assert s.get(Chat, -42) is None
        assert chat_store.topics(s, -1000000000042) == ["science"]
        assert s.scalar(select(func.count(Subscription.id))) == 1


def test_assignments_create_stories_with_counts_and_merges(db: Database) -> None:
    feed_a, feed_b = two_feeds(db)
    with db.session() as s:
        src = article_store.source_id_for(s, "reuters.com", "Reuters", REUTERS)
        other = article_store.source_id_for(s, "b.test/rss", "B", None)
        article_store.insert_articles(s, feed_a, [article(1), article(2)], [src, src])
        article_store.insert_articles(s, feed_b, [article(3)], [other])
    with db.session() as s:
        items = story_store.unclustered(s)
        assert [i.title for i in items] == ["Title 3", "Title 2", "Title 1"]  # oldest first
        ids = story_store.save_assignments(s, [(items[0].key, "k1"), (items[1].key, "k2"), (items[2].key, "k2")],
                                           NOW)
        assert len(ids) == 2
    with db.session() as s:
        assert story_store.unclustered(s) == []
        k2 = s.scalar(select(Story).where(Story.key == "k2"))
        assert k2 is not None and (k2.article_count, k2.source_count) == (2, 1)
        story_store.merge_stories(s, [("k1", "k2")])
    with db.session() as s:
        k2 = s.scalar(select(Story).where(Story.key == "k2"))
        assert k2 is not None and (k2.article_count, k2.source_count) == (3, 2)
        replay = story_store.active_assignments(s, NOW - timedelta(days=3))
        assert {key for _, key in replay} == {"k2"}
        views = story_store.story_articles(s, [k2.id])
        assert {a.source_name for a in views[k2.id]} == {"Reuters", "B"}


def test_paused_feeds_resume(db: Database) -> None:
    feed_a, feed_b = two_feeds(db)
    with db.session() as s:
        for feed_id in (feed_a, feed_b):
            feed_store.record_failure(s, feed_id, now=NOW, error="HTTP 410", next_check_at=NOW + timedelta(days=1),
                                      pause=True)
    with db.session() as s:
        assert feed_store.due_feeds(s, NOW + timedelta(days=2)) == []
        assert feed_store.resume(s, [feed_a]) == 1
    with db.session() as s:
        assert [f.id for f in feed_store.due_feeds(s, NOW)] == [feed_a]
        assert feed_store.resume(s, None) == 1
        assert len(feed_store.due_feeds(s, NOW)) == 2


def test_an_article_without_a_source_is_its_feeds_never_its_links(db: Database) -> None:
    """Articles stored before feeds were credited may have no source: a card names their feed, not reuters.com."""
    feed_a, _ = two_feeds(db)
    with db.session() as s:
        article_store.insert_articles(s, feed_a, [article(1)], [None])
        ids = story_store.save_assignments(s, [(str(s.scalar(select(Article.id))), "k")], NOW)
    with db.session() as s:
        [view] = story_store.story_articles(s, sorted(ids)).values()
    assert [a.source_name for a in view] == ["A"] and view[0].outlet is None
