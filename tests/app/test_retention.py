"""Retention on SQLite and PostgreSQL: what goes, what stays, the search index, batches and a second run."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from app.cards import CardCache
from app.retention import Retention
from app.tx import Transactions
from fakes.newsroom import ISS, NOW, Item, seed_story
from storage.db import Database
from storage.models import Article, Feed, Story
from storage.search import group_matches, search_window

LATER = NOW + timedelta(days=40)
OLD = [Item("BBC", "bbc.com", f"Volcano erupts on island {n}", "Lava reached the coast.", "center", 1)
       for n in range(3)]


def _retention(db: Database, days: int = 30) -> Retention:
    return Retention(Transactions(db, threads=1), lambda: LATER, CardCache(), days=days,
                     cluster_window=timedelta(hours=72))


def _articles(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Article.id))) or 0)


def test_old_stories_go_whole_recent_and_long_running_ones_stay(db: Database) -> None:
    with db.session() as s:
        old = [seed_story(s, f"old{n}", OLD[n:n + 1] + ISS[:2], NOW) for n in range(3)]
        recent = seed_story(s, "recent", ISS, LATER - timedelta(days=5))
        # A story still growing: its first articles are 45 days old, its last one arrived yesterday.
        long_running = seed_story(s, "long", [Item("AP", "apnews.com", "Drought enters its second month", "",
                                                   None, 24 * 45), Item("AP", "apnews.com", "Drought goes on", "",
                                                                       None, 24)], LATER)
        feed_id = s.scalar(select(Feed.id).limit(1))
        s.add(Article(feed_id=feed_id, dedup_key="stray-old", url="https://x.org/stray-old", title="Stray old",
                      summary="", published_at=NOW - timedelta(days=1)))
        s.add(Article(feed_id=feed_id, dedup_key="stray-new", url="https://x.org/stray-new", title="Stray new",
                      summary="", published_at=LATER - timedelta(hours=1)))
    summary = _retention(db).prune(story_batch=2, stray_batch=1)  # batches smaller than the work
    assert (summary.stories, summary.articles, summary.strays) == (3, 9, 1)
    with db.session() as s:
        left = dict(s.execute(select(Article.story_id, func.count()).group_by(Article.story_id)).all())
        assert left == {recent: 5, long_running: 2, None: 1}
        counts = dict(s.execute(select(Story.id, Story.article_count).where(Story.id.in_(old))).all())
        assert counts == dict.fromkeys(old, 3)  # the pruned stories keep their counts
        assert s.scalar(select(func.count()).where(Story.archived_at.is_not(None))) == 3
    again = _retention(db).prune()
    assert (again.stories, again.articles, again.strays) == (0, 0, 0)
    assert _articles(db) == 8


def test_the_search_index_shrinks_with_the_articles(db: Database) -> None:
    with db.session() as s:
        seed_story(s, "volcano", OLD, NOW)
        kept = seed_story(s, "iss", ISS, LATER)
    since = NOW - timedelta(days=7)
    with db.session() as s:
        assert {sid for sid, _, _ in group_matches(s, ["volcano"], search_window(s, since))}
        if s.get_bind().dialect.name == "sqlite":
            indexed_before = s.scalar(text("SELECT count(*) FROM article_search_docsize"))
    _retention(db).prune()
    with db.session() as s:
        assert group_matches(s, ["volcano"], search_window(s, since)) == []
        assert group_matches(s, ["lava"], search_window(s, since)) == []
        assert {sid for sid, _, _ in group_matches(s, ["roscosmos"], search_window(s, since))} == {kept}
        if s.get_bind().dialect.name == "sqlite":  # FTS5 keeps one docsize row per indexed article
            assert s.scalar(text("SELECT count(*) FROM article_search_docsize")) == indexed_before - len(OLD) == 5
            s.execute(text("INSERT INTO article_search(article_search) VALUES ('integrity-check')"))  # raises if not


def test_retention_never_reaches_into_the_clustering_window(db: Database) -> None:
    with db.session() as s:
        seed_story(s, "two-days", ISS, LATER - timedelta(days=2))
    summary = _retention(db, days=1).prune()  # RETENTION_DAYS=1, CLUSTER_WINDOW_HOURS=72: the story is still open
    assert summary.articles == 0 and _articles(db) == 5

