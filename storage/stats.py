"""Counts for `storybot stats` and the operator's /stats."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, Chat, Delivery, Feed, FeedStatus, Story, Subscription

__all__ = ["counts", "feed_states", "ping"]


def counts(session: Session) -> dict[str, Any]:
    def n(query: Any) -> int:
        return int(session.scalar(query) or 0)

    feeds_total = n(select(func.count(Feed.id)))
    failing = n(select(func.count(Feed.id)).where(Feed.error_count > 0, Feed.status == FeedStatus.ACTIVE))
    paused = n(select(func.count(Feed.id)).where(Feed.status == FeedStatus.PAUSED))
    deliveries = {
        status.value: int(count)
        for status, count in session.execute(select(Delivery.status, func.count(Delivery.id)).group_by(Delivery.status))
    }
    return {
        "feeds": {"total": feeds_total, "ok": feeds_total - failing - paused, "failing": failing, "paused": paused},
        "articles": n(select(func.count(Article.id))),
        "articles_unclustered": n(select(func.count(Article.id)).where(Article.story_id.is_(None))),
        "stories": n(select(func.count(Story.id)).where(Story.merged_into_id.is_(None))),
        "chats": n(select(func.count(Chat.id)).where(Chat.active.is_(True))),
        "chats_inactive": n(select(func.count(Chat.id)).where(Chat.active.is_(False))),
        "subscriptions": n(select(func.count(Subscription.id))),
        "deliveries": deliveries,
    }


def feed_states(session: Session) -> dict[str, int]:
    """Feeds by state in one query: ok, failing (active with errors), paused (for /metrics)."""
    failing = (Feed.status == FeedStatus.ACTIVE) & (Feed.error_count > 0)
    rows = session.execute(select(Feed.status, failing, func.count(Feed.id)).group_by(Feed.status, failing))
    states = {"ok": 0, "failing": 0, "paused": 0}
    for status, is_failing, count in rows:
        key = "paused" if status == FeedStatus.PAUSED else ("failing" if is_failing else "ok")
        states[key] += int(count)
    return states


def ping(session: Session) -> None:
    """A real read of the schema (not just SELECT 1): the database is reachable and migrated."""
    session.execute(select(Feed.id).limit(1)).all()
