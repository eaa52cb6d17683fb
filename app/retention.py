"""Retention: articles older than RETENTION_DAYS go; their stories keep the card they had. Then the outbox rows,
story aliases and send paces no longer needed (app.lifecycle).

`Retention.prune` runs daily (bot.jobs) and from `storybot prune`. A story's articles go together once the story's
newest article is older than the cutoff, and never while the story is still open to new articles (the clustering
window), so a story never loses part of its articles and its counts stay true. Before they go, the story's card,
its source lines and its articles' times are written on the story row (`StoryArchive`, as JSON): `/start s<id>`,
a card's buttons and the coverage chart still work, with the same counts, bias line and links. Search no longer
finds the pruned text. Each batch is its own short transaction; a second run finds nothing to do.

The same daily run deletes the chats that have got no digests for INACTIVE_CHAT_DAYS (stopped, blocked, kicked,
migrated: storage.models.ChatState), with their topics, mutes and outbox rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from app.cards import CardCache
from app.lifecycle import Kept, prune_kept
from app.tx import Transactions
from news.coverage import outlet_key, source_lines
from news.first_report import FirstReport, first_report
from news.originals import find_reposts
from news.types import SourceLine, StoryView
from storage import chats as chat_store
from storage import retention as store
from storage import stories as story_store

__all__ = ["INACTIVE_CHAT_DAYS", "PruneSummary", "Retention", "StoryArchive", "decode_archive"]

log = logging.getLogger(__name__)
STORY_BATCH = 200  # stories archived per transaction
STRAY_BATCH = 5000  # unclustered articles deleted per transaction
INACTIVE_CHAT_DAYS = 180  # a chat without digests this long is deleted (a returning user starts afresh)
CHAT_BATCH = 500  # chats deleted per transaction


@dataclass(frozen=True, slots=True)
class StoryArchive:
    """What a story's card needs once its articles are gone."""

    view: StoryView
    sources: tuple[SourceLine, ...]
    published: tuple[datetime, ...]
    first: FirstReport | None = None  # who broke it (none in archives written before it was kept)


_ARCHIVE = TypeAdapter(StoryArchive)


def decode_archive(data: str) -> StoryArchive:
    return _ARCHIVE.validate_json(data)


@dataclass(frozen=True, slots=True)
class PruneSummary:
    cutoff: datetime
    stories: int = 0  # stories archived
    articles: int = 0  # their articles, deleted
    strays: int = 0  # articles that never joined a story, deleted
    kept: Kept = field(default_factory=Kept)  # outbox rows, story aliases and send paces deleted (app.lifecycle)

    def line(self) -> str:
        return (f"pruned {self.articles} articles of {self.stories} stories and {self.strays} unclustered articles "
                f"older than {self.cutoff:%Y-%m-%d %H:%M} UTC; and {self.kept.line()} no longer needed")


class Retention:
    def __init__(self, tx: Transactions, clock: Callable[[], datetime], cards: CardCache, *, days: int,
                 cluster_window: timedelta) -> None:
        self.tx, self.clock, self.cards = tx, clock, cards
        self.keep = max(timedelta(days=days), cluster_window)
        self.days, self.cluster_window = days, cluster_window

    def prune(self, story_batch: int = STORY_BATCH, stray_batch: int = STRAY_BATCH) -> PruneSummary:
        """Blocking (the CLI, or a worker thread): archive and prune in batches until nothing is older."""
        now = self.clock()
        cutoff = now - self.keep
        stories = articles = strays = 0
        while True:
            archived, deleted = self.tx.sync(self._story_batch, cutoff, now, story_batch)
            stories, articles = stories + archived, articles + deleted
            if archived < story_batch:
                break
        while (deleted := self.tx.sync(store.delete_stray_articles, cutoff, stray_batch)) > 0:
            strays += deleted
            if deleted < stray_batch:
                break
        if articles or strays:
            self.tx.sync(store.merge_search_index)
        kept = prune_kept(self.tx, now, self.days, self.cluster_window)
        kept = replace(kept, chats=self.forget_chats(now - timedelta(days=INACTIVE_CHAT_DAYS)))
        summary = PruneSummary(cutoff, stories, articles, strays, kept)
        log.info(summary.line())
        return summary

    def forget_chats(self, before: datetime, batch: int = CHAT_BATCH) -> int:
        """Delete the chats inactive since before `before`, in batches; how many."""
        deleted = 0
        while (done := self.tx.sync(chat_store.delete_inactive, before, batch)) > 0:
            deleted += done
            if done < batch:
                break
        if deleted:
            log.info("deleted %d chats inactive since before %s", deleted, f"{before:%Y-%m-%d}")
        return deleted

    def _story_batch(self, session: Session, cutoff: datetime, now: datetime, limit: int) -> tuple[int, int]:
        ids = store.stale_stories(session, cutoff, limit)
        articles = story_store.story_articles(session, ids)
        archives: dict[int, str | None] = {}
        for story_id, arts in articles.items():
            if not arts:
                archives[story_id] = None  # merged away, or never had any: nothing to show
                continue
            reposts = find_reposts(arts, outlet_key)
            archive = StoryArchive(self.cards.view(story_id, arts, now), tuple(source_lines(arts, reposts)),
                                   tuple(a.published for a in arts if a.published is not None),
                                   first_report(arts, reposts))
            archives[story_id] = _ARCHIVE.dump_json(archive).decode()
        store.archive_stories(session, archives, now)
        return len(ids), store.delete_story_articles(session, ids)
