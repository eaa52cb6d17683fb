"""cluster_pending: unclustered articles -> the online clusterer -> stories in the database.

The clusterer lives in memory for the life of the process; on first use it is rebuilt by replaying the
assignments of still-open stories, so a restart changes nothing about where the next article goes.
With an encoder (CLUSTER_EMBEDDINGS), each batch of pending articles is embedded in one call, and the
replay re-embeds the open stories' articles (embeddings are not stored).

Story assignment has one writer: with several processes on PostgreSQL, only the clustering leader, the process
holding the advisory lock storage.locks.CLUSTER_LOCK, clusters. The others skip their passes (and only refresh
their digest corpus). When the leader dies its lock goes with its connection; the next process to try leads,
and rebuilds its clusterer from the database first (as does a leader that lost its lock and got it back).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.settings import Settings
from news.cluster import ClusterParams, OnlineClusterer, params_with
from news.embed import Encoder, MiniLMEncoder
from storage import stories as story_store
from storage.db import Database
from storage.locks import CLUSTER_LOCK, SessionLock

__all__ = ["ClusterSummary", "StoryEngine", "cluster_encoder", "cluster_params"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    articles: int
    stories_touched: int
    merges: int
    article_ids: tuple[int, ...] = ()  # the articles clustered in this pass
    story_ids: tuple[int, ...] = ()  # the stories they joined, made or merged
    leader: bool = True  # False: another process is the clustering leader; this pass did nothing

    def line(self) -> str:
        if not self.leader:
            return "another process is clustering (it holds the clustering lock)"
        return f"clustered {self.articles} articles into {self.stories_touched} stories ({self.merges} merges)"


def cluster_params(settings: Settings) -> ClusterParams:
    """ClusterParams from the CLUSTER_* settings. CLUSTER_MERGE_THRESHOLD is the merge threshold of headline-only
    stories; the ones for stories with leads or embeddings keep their tuned values, and above 1 none merges."""
    never = settings.cluster_merge_threshold > 1
    return params_with(
        window_hours=settings.cluster_window_hours,
        threshold=settings.cluster_threshold,
        long_text_threshold=settings.cluster_long_text_threshold,
        merge_threshold=settings.cluster_merge_threshold,
        long_text_merge_threshold=settings.cluster_merge_threshold if never else None,
        hybrid_merge_threshold=settings.cluster_merge_threshold if never else None,
        hybrid_long_text_merge_threshold=settings.cluster_merge_threshold if never else None,
        embedding_weight=settings.cluster_embedding_weight,
        hybrid_threshold=settings.cluster_hybrid_threshold,
        hybrid_long_text_threshold=settings.cluster_hybrid_long_text_threshold,
    )


def cluster_encoder(settings: Settings) -> Encoder | None:
    """The MiniLM encoder when CLUSTER_EMBEDDINGS is on (raises EmbeddingsUnavailable without the extra)."""
    return MiniLMEncoder() if settings.cluster_embeddings else None


class StoryEngine:
    def __init__(
        self, db: Database, params: ClusterParams, clock: Callable[[], datetime], encoder: Encoder | None = None
    ) -> None:
        self.db = db
        self.params = params
        self.clock = clock
        self.encoder = encoder
        self._clusterer: OnlineClusterer | None = None
        self._lock = threading.Lock()  # one clustering pass at a time; the clusterer is not thread-safe
        self.leadership = SessionLock(db.engine, CLUSTER_LOCK)

    def _warm(self) -> OnlineClusterer:
        clusterer = OnlineClusterer(self.params, encoder=self.encoder)
        window = timedelta(hours=self.params.window_hours)
        with self.db.session() as session:
            replay = story_store.active_assignments(session, self.clock() - window)
        clusterer.restore_many(replay)
        merged = clusterer.drain_merges()
        if merged:  # the database must agree with memory about which stories are one
            with self.db.session() as session:
                story_store.merge_stories(session, merged)
        log.info("clusterer rebuilt from %d articles of open stories", len(replay))
        return clusterer

    def cluster_pending(self, batch: int = 5000) -> ClusterSummary:
        """Blocking; call through asyncio.to_thread from the event loop."""
        with self._lock:
            held, newly = self.leadership.hold()
            if not held:
                self._clusterer = None  # whoever leads now writes stories this memory does not know
                return ClusterSummary(0, 0, 0, leader=False)
            if newly:
                log.info("this process is now the clustering leader")
            if self._clusterer is None or newly:
                self._clusterer = self._warm()
            try:
                return self._cluster_batches(self._clusterer, batch)
            except Exception:
                # Memory may now hold assignments the database rolled back: rebuild from the database next time.
                self._clusterer = None
                raise

    def _cluster_batches(self, clusterer: OnlineClusterer, batch: int) -> ClusterSummary:
        merges = 0
        article_ids: list[int] = []
        story_ids: set[int] = set()
        while True:
            with self.db.session() as session:
                items = story_store.unclustered(session, limit=batch)
                if not items:
                    break
                pairs = list(zip((item.key for item in items), clusterer.assign_many(items), strict=True))
                now = self.clock()
                ids = story_store.save_assignments(session, pairs, now)
                merged = clusterer.drain_merges()
                ids |= story_store.merge_stories(session, merged)
            article_ids += [int(item.key) for item in items]
            story_ids |= ids
            merges += len(merged)
            if len(items) < batch:
                break
        return ClusterSummary(len(article_ids), len(story_ids), merges, tuple(article_ids), tuple(sorted(story_ids)))
