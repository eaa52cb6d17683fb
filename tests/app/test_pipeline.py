"""Feeds served over local HTTP -> Ingestor -> StoryEngine, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.clustering import StoryEngine
from app.feeds import Ingestor, IngestPolicy
from fakes.feed_server import FeedServer
from news.cluster import ClusterParams
from news.fetch import Fetcher
from news.normalize import canonical_url
from news.sources import load_outlets
from storage import feeds as feed_store
from storage import stories as story_store
from storage.db import Database
from storage.models import Article, Feed, Story
from tests.conftest import FIXTURES

NOW = datetime(2014, 3, 18, 14, 0, tzinfo=UTC)
# truth.json holds the dataset's raw URLs; the database holds canonical ones (tracking parameters dropped).
TRUTH: dict[str, str] = {
    canonical_url(url): story for url, story in json.loads((FIXTURES / "feeds" / "truth.json").read_text()).items()
}


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        server.add_dir(FIXTURES / "feeds")
        yield server


def make_ingestor(db: Database) -> Ingestor:
    return Ingestor(db, Fetcher(Fetcher.make_client(), timeout=5), load_outlets(), IngestPolicy(), lambda: NOW)


async def test_fetch_store_refetch_and_cluster(db: Database, feed_server: FeedServer) -> None:
    urls = [feed_server.url(f"/{p.name}") for p in sorted((FIXTURES / "feeds").glob("*.xml"))]
    broken = feed_server.add("/broken.xml", b"<html><body>not a feed</body></html>", content_type="text/html")
    missing = feed_server.url("/gone.xml")
    with db.session() as s:
        feed_store.upsert_feeds(s, [(u, "", "") for u in [*urls, broken, missing]])
    ingestor = make_ingestor(db)

    first = await ingestor.fetch_due()
    assert (first.feeds, first.ok, first.failed, first.new_articles) == (8, 6, 2, len(TRUTH))
    assert any("storybot" in ua for ua in feed_server.user_agents)
    with db.session() as s:
        assert set(s.scalars(select(Article.url))) == set(TRUTH)
        errors = {f.url: f.last_error for f in s.scalars(select(Feed))}
        assert "HTTP 404" in (errors[missing] or "")
        assert "not an RSS or Atom feed" in (errors[broken] or "")
        for feed in s.scalars(select(Feed)):  # everything due again
            feed.next_check_at = None

    again = await ingestor.fetch_due()
    assert (again.not_modified, again.new_articles) == (6, 0)
    assert sum(feed_server.not_modified.values()) == 6

    engine = StoryEngine(db, ClusterParams(), lambda: NOW)
    summary = engine.cluster_pending()
    assert summary.articles == len(TRUTH)
    assert engine.cluster_pending().articles == 0
    with db.session() as s:
        assert s.scalar(select(func.count(Article.id)).where(Article.story_id.is_(None))) == 0
        biggest = s.scalars(select(Story).order_by(Story.article_count.desc())).first()
        assert biggest is not None and biggest.article_count >= 3 and biggest.source_count >= 2
        members = set(s.scalars(select(Article.url).where(Article.story_id == biggest.id)))
        labels = [TRUTH[u] for u in members]
        assert max(labels.count(x) for x in set(labels)) / len(labels) >= 0.75  # mostly one real story
    await ingestor.fetcher.aclose()


async def test_a_restarted_engine_continues_the_same_stories(sqlite_db: Database, feed_server: FeedServer) -> None:
    urls = [feed_server.url(f"/{p.name}") for p in sorted((FIXTURES / "feeds").glob("*.xml"))]
    with sqlite_db.session() as s:
        feed_store.upsert_feeds(s, [(u, "", "") for u in urls[:3]])
    ingestor = make_ingestor(sqlite_db)
    await ingestor.fetch_due()
    StoryEngine(sqlite_db, ClusterParams(), lambda: NOW).cluster_pending()
    with sqlite_db.session() as s:
        stories_before = s.scalar(select(func.count(Story.id)))
        feed_store.upsert_feeds(s, [(u, "", "") for u in urls[3:]])
    await ingestor.fetch_due()
    StoryEngine(sqlite_db, ClusterParams(), lambda: NOW).cluster_pending()  # a new process: rebuilt from the DB
    with sqlite_db.session() as s:
        grown = s.scalar(select(func.count(Story.id)).where(Story.article_count > 1, Story.id <= stories_before))
        assert grown and grown > 0  # later articles joined stories made before the restart
    await ingestor.fetcher.aclose()


async def test_a_failed_clustering_pass_loses_nothing(sqlite_db: Database, feed_server: FeedServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [feed_server.url(f"/{p.name}") for p in sorted((FIXTURES / "feeds").glob("*.xml"))]
    with sqlite_db.session() as s:
        feed_store.upsert_feeds(s, [(u, "", "") for u in urls])
    ingestor = make_ingestor(sqlite_db)
    await ingestor.fetch_due()
    await ingestor.fetcher.aclose()
    engine = StoryEngine(sqlite_db, ClusterParams(), lambda: NOW)

    real_save = story_store.save_assignments

    def crash(*args: object, **kwargs: object) -> set[int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(story_store, "save_assignments", crash)
    with pytest.raises(RuntimeError):
        engine.cluster_pending(batch=10)
    monkeypatch.setattr(story_store, "save_assignments", real_save)
    assert engine.cluster_pending(batch=10).articles == len(TRUTH)  # rebuilt from the database, nothing skipped
    with sqlite_db.session() as s:
        assert s.scalar(select(func.count(Article.id)).where(Article.story_id.is_(None))) == 0
        assert s.scalar(select(func.sum(Story.article_count))) == len(TRUTH)
