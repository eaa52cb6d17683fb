"""Retention: the stories whose articles are due to go, their archived cards, and deletes in bounded batches.

A story's articles go together, once the story itself (its newest article) is older than the cutoff: what the card
showed is archived on the story row first (`Story.archive`), so counts, coverage and links survive. Articles that
never joined a story go once they are older than the cutoff. Every call here is one short batch; the caller
commits between batches, so no lock is held for long. The search index follows the deletes (SQLite: the FTS5
triggers of migration 0006; PostgreSQL: the GIN index, cleaned by vacuum).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from storage.models import Article, Story

__all__ = ["archive_stories", "delete_story_articles", "delete_stray_articles", "merge_search_index",
           "stale_stories", "story_archive"]


def stale_stories(session: Session, cutoff: datetime, limit: int) -> list[int]:
    """Up to `limit` stories not archived yet whose last update is before `cutoff`, oldest first. On PostgreSQL
    the rows are locked and rows another pruner holds are skipped, so two processes never archive one story."""
    query = (
        select(Story.id)
        .where(Story.archived_at.is_(None), Story.last_updated < cutoff)
        .order_by(Story.archived_at, Story.last_updated)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def archive_stories(session: Session, archives: Mapping[int, str | None], now: datetime) -> None:
    """Mark the stories archived, each with its card as JSON (None: it had no articles left to show)."""
    for story_id, archive in archives.items():
        session.execute(update(Story).where(Story.id == story_id).values(archived_at=now, archive=archive))


def delete_story_articles(session: Session, story_ids: Sequence[int]) -> int:
    """Delete the articles of these stories; how many went."""
    if not story_ids:
        return 0
    result = session.execute(delete(Article).where(Article.story_id.in_(story_ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_stray_articles(session: Session, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` articles that never joined a story and were published before `cutoff`."""
    ids = list(session.scalars(
        select(Article.id).where(Article.story_id.is_(None), Article.published_at < cutoff).limit(limit)
    ))
    if not ids:
        return 0
    result = session.execute(delete(Article).where(Article.id.in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def story_archive(session: Session, story_id: int) -> str | None:
    """The card a story kept when its articles were pruned, as JSON; None when it has none."""
    return session.scalar(select(Story.archive).where(Story.id == story_id))


def merge_search_index(session: Session, pages: int = 500) -> None:
    """SQLite: let FTS5 fold the deletes into its segments, a bounded amount of work at a time ('merge' with a
    page budget), so the index really shrinks without one long 'optimize'. PostgreSQL's vacuum does this."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO article_search(article_search, rank) VALUES ('merge', :pages)"),
                        {"pages": pages})
