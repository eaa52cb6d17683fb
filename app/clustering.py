"""cluster_pending: unclustered articles -> the online clusterer -> stories in the database.

The clusterer lives in memory for the life of the process; on first use it is rebuilt by replaying the
assignments of still-open stories, so a restart changes nothing about where the next article goes.
`refine` runs a refinement pass (news.cluster.refine) over the open stories and writes what it changed:
articles moved, parts split off as new stories, absorbed stories marked as merged into the older one.
With an encoder (CLUSTER_EMBEDDINGS), each batch of pending articles is embedded in one call and the vectors are
stored as float16 (storage.vectors), so the replay after a restart loads them rather than encoding again; only
articles without a stored vector (e.g. from before the embeddings were turned on) are encoded.

Story assignment has one writer: with several processes on PostgreSQL, only the clustering leader, the process
holding the advisory lock storage.locks.CLUSTER_LOCK, clusters. The others skip their passes (and only refresh
their digest corpus). When the leader dies its lock goes with its connection; the next process to try leads,
and rebuilds its clusterer from the database first (as does a leader that lost its lock and got it back).
The refinement pass is the leader's too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from app.settings import Settings
from news.cluster import ClusterParams, OnlineClusterer, params_with
from news.embed import Encoder, FloatMatrix, MiniLMEncoder, embedding_text
from news.types import ClusterItem
from storage import stories as story_store
from storage import vectors as vector_store
from storage.db import Database
from storage.locks import CLUSTER_LOCK, SessionLock

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["ClusterSummary", "RefineSummary", "StoryEngine", "cluster_encoder", "cluster_params", "vector_model"]

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


@dataclass(frozen=True, slots=True)
class RefineSummary:
    open_articles: int
    moved: int  # articles whose story changed (churn)
    merges: int
    splits: int
    story_ids: tuple[int, ...] = ()  # the stories that gained or lost articles
    article_ids: tuple[int, ...] = ()  # the articles that moved
    leader: bool = True  # False: another process is the clustering leader; this pass did nothing

    def line(self) -> str:
        if not self.leader:
            return "refinement skipped: another process leads clustering"
        return (f"refined {self.open_articles} open articles: {self.moved} moved, {self.merges} merges, "
                f"{self.splits} splits")


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


def vector_model(encoder: Encoder) -> str:
    """The name an encoder's vectors are stored under (storage.vectors): a new model's vectors never mix in."""
    return f"{type(encoder).__name__}:{encoder.dim}"[:64]


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
        embeddings = self._stored_embeddings([item for item, _ in replay])
        for (item, key), embedding in zip(replay, embeddings, strict=True):
            clusterer.restore(item, key, embedding)
        merged = clusterer.drain_merges()
        if merged:  # the database must agree with memory about which stories are one
            with self.db.session() as session:
                story_store.merge_stories(session, merged)
        log.info("clusterer rebuilt from %d articles of open stories", len(replay))
        return clusterer

    def cluster_pending(self, batch: int = 5000) -> ClusterSummary:
        """Blocking; call through asyncio.to_thread from the event loop."""
        with self._lock:
            clusterer = self._leading()
            if clusterer is None:
                return ClusterSummary(0, 0, 0, leader=False)
            try:
                return self._cluster_batches(clusterer, batch)
            except Exception:
                # Memory may now hold assignments the database rolled back: rebuild from the database next time.
                self._clusterer = None
                raise

    def _leading(self) -> OnlineClusterer | None:
        """The clusterer, when this process leads clustering (call with self._lock held); None when another does."""
        held, newly = self.leadership.hold()
        if not held:
            self._clusterer = None  # whoever leads now writes stories this memory does not know
            return None
        if newly:
            log.info("this process is now the clustering leader")
        if self._clusterer is None or newly:
            self._clusterer = self._warm()
        return self._clusterer

    def _cluster_batches(self, clusterer: OnlineClusterer, batch: int) -> ClusterSummary:
        merges = 0
        article_ids: list[int] = []
        story_ids: set[int] = set()
        while True:
            with self.db.session() as session:
                items = story_store.unclustered(session, limit=batch)
                if not items:
                    break
                pairs = list(zip((item.key for item in items), self._assign(clusterer, items, session), strict=True))
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

    def _model(self) -> str:
        assert self.encoder is not None
        return vector_model(self.encoder)

    def _assign(self, clusterer: OnlineClusterer, items: list[ClusterItem], session: Session) -> list[str]:
        """Assign a batch (one encoder call); with embeddings, store each article's vector as float16."""
        if self.encoder is None:
            return clusterer.assign_many(items)
        embeddings = clusterer.encode(items)
        rows = [(int(item.key), np.asarray(e, dtype=np.float16).tobytes())
                for item, e in zip(items, embeddings, strict=True) if e is not None]
        vector_store.save_vectors(session, self._model(), rows)
        return [clusterer.assign(item, e) for item, e in zip(items, embeddings, strict=True)]

    def _stored_embeddings(self, items: list[ClusterItem]) -> list[FloatMatrix | None]:
        """The replayed articles' vectors: stored ones loaded, the missing ones encoded (and stored)."""
        if self.encoder is None or not items:
            return [None] * len(items)
        model, dim = self._model(), self.encoder.dim
        with self.db.session() as session:
            stored = vector_store.load_vectors(session, model, [int(item.key) for item in items])
        found: list[FloatMatrix | None] = [
            np.frombuffer(data, dtype=np.float16).astype(np.float32) if len(data) == 2 * dim else None
            for data in (stored.get(int(item.key), b"") for item in items)]
        missing = [i for i, vec in enumerate(found) if vec is None]
        if missing:
            encoded = self.encoder.encode([embedding_text(items[i].title, items[i].summary) for i in missing])
            for i, vec in zip(missing, encoded, strict=True):
                found[i] = vec
            with self.db.session() as session:
                vector_store.save_vectors(session, model, [(int(items[i].key), np.asarray(
                    encoded[n], dtype=np.float16).tobytes()) for n, i in enumerate(missing)])
        log.info("vectors of %d open articles loaded, %d encoded", len(items) - len(missing), len(missing))
        return found

    def refine(self) -> RefineSummary:
        """One refinement pass over the open stories, written in one transaction (blocking, like cluster_pending)."""
        with self._lock:
            clusterer = self._leading()
            if clusterer is None:
                return RefineSummary(0, 0, 0, 0, leader=False)
            before = clusterer.open_members()
            try:
                revision = clusterer.refine()
                after = clusterer.open_members()
                moves = [(article, key) for article, key in after.items() if before.get(article) != key]
                with self.db.session() as session:
                    ids = story_store.apply_revision(session, moves, revision.merges, self.clock())
                    if self.encoder is not None:  # closed stories' articles are never replayed again
                        closed = self.clock() - 2 * timedelta(hours=self.params.window_hours)
                        vector_store.prune_vectors(session, closed)
            except Exception:
                self._clusterer = None  # memory may disagree with the database now: rebuild from it
                raise
        return RefineSummary(len(after), len(moves), len(revision.merges), len(revision.splits),
                             tuple(sorted(ids)), tuple(int(a) for a, _ in moves))
