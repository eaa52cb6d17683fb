"""Feeds: the list to follow, what is due, and each fetch's outcome."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Article, Feed, FeedStatus

__all__ = [
    "FeedHealth",
    "FeedRef",
    "FeedRow",
    "all_feeds",
    "claim_due",
    "count_due",
    "due_feeds",
    "feed_health",
    "record_failure",
    "record_success",
    "resume",
    "upsert_feeds",
]


@dataclass(frozen=True, slots=True)
class FeedRef:
    """What a fetch worker needs to know of a feed."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None
    error_count: int
    failing_since: datetime | None
    title: str = ""
    aggregator: bool = False


@dataclass(frozen=True, slots=True)
class FeedHealth:
    id: int
    url: str
    title: str
    category: str
    status: str
    last_success_at: datetime | None
    last_error: str | None
    error_count: int
    next_check_at: datetime | None
    articles_24h: int


FeedRow = tuple[str, str, str] | tuple[str, str, str, bool]  # url, title, category[, aggregator]


def upsert_feeds(session: Session, specs: Iterable[FeedRow]) -> int:
    """Add (url, title, category[, aggregator]) feeds not yet known; returns how many were added.

    A known feed keeps its title and category, and takes the aggregator mark the list gives: the feed list an
    operator loads is what says which feeds are aggregators. Processes starting together on one database may add
    the same list at once: a feed another added meanwhile is left to it (ON CONFLICT DO NOTHING)."""
    known = {feed.url: feed for feed in session.scalars(select(Feed))}
    new: dict[str, dict[str, object]] = {}
    for url, title, category, *mark in specs:
        aggregator = bool(mark and mark[0])
        if url in known:
            known[url].aggregator = aggregator
        elif url not in new:
            new[url] = {"url": url, "title": title[:512], "category": category[:128], "aggregator": aggregator}
    session.flush()
    if not new:
        return 0
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows, added = list(new.values()), 0
    for start in range(0, len(rows), 1000):  # within the databases' bound-parameter limits
        statement = insert(Feed).values(rows[start:start + 1000]).on_conflict_do_nothing(index_elements=["url"])
        added += len(session.scalars(statement.returning(Feed.id)).all())
    return added


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(Feed.status == FeedStatus.ACTIVE, or_(Feed.next_check_at.is_(None), Feed.next_check_at <= now))


def _ref(f: Feed) -> FeedRef:
    return FeedRef(f.id, f.url, f.etag, f.last_modified, f.error_count, f.failing_since, f.title, f.aggregator)


def due_feeds(session: Session, now: datetime, limit: int | None = None) -> list[FeedRef]:
    query = select(Feed).where(_due(now)).order_by(Feed.next_check_at.is_not(None), Feed.next_check_at, Feed.id)
    if limit:
        query = query.limit(limit)
    return [_ref(f) for f in session.scalars(query)]


def count_due(session: Session, now: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(Feed).where(_due(now))) or 0)


def claim_due(session: Session, now: datetime, hold_until: datetime, limit: int) -> list[FeedRef]:
    """Up to `limit` feeds due at `now`, each claimed by one process: its next check moves to `hold_until`, a
    lease (the fetch's outcome then sets the real next check; a process that dies leaves the feed due again at
    `hold_until`). One UPDATE whose WHERE re-checks the feed is still due, so two claimers never both get it; on
    PostgreSQL feeds another process is claiming at this moment are skipped (FOR UPDATE SKIP LOCKED)."""
    due = (
        select(Feed.id).where(_due(now)).order_by(Feed.next_check_at.is_not(None), Feed.next_check_at, Feed.id)
        .limit(limit).with_for_update(skip_locked=True)
    )
    claimed = session.scalars(
        update(Feed).where(Feed.id.in_(due), _due(now)).values(next_check_at=hold_until).returning(Feed.id),
        execution_options={"synchronize_session": False},
    ).all()
    if not claimed:
        return []
    feeds = session.scalars(select(Feed).where(Feed.id.in_(claimed)).order_by(Feed.id))
    return [_ref(f) for f in feeds]


def record_success(
    session: Session,
    feed_id: int,
    *,
    now: datetime,
    next_check_at: datetime,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
    new_url: str | None = None,
    warning: str | None = None,
    not_modified: bool = False,
) -> None:
    """A fetch that worked. `warning` (a recovered parse, skipped entries) stays visible as the feed's last error
    until a later body parses cleanly; a 304 keeps it, since the body has not changed."""
    feed = session.get_one(Feed, feed_id)
    if not (not_modified and feed.error_count == 0):
        feed.last_error = f"warning: {warning}"[:1000] if warning else None
    feed.last_checked_at = now
    feed.last_success_at = now
    feed.next_check_at = next_check_at
    feed.etag = etag
    feed.last_modified = last_modified
    feed.error_count = 0
    feed.failing_since = None
    if title and not feed.title:
        feed.title = title[:512]
    if new_url and session.scalar(select(Feed.id).where(Feed.url == new_url)) is None:
        feed.url = new_url


def record_failure(
    session: Session, feed_id: int, *, now: datetime, error: str, next_check_at: datetime, pause: bool
) -> None:
    feed = session.get_one(Feed, feed_id)
    feed.last_checked_at = now
    feed.last_error = error[:1000]
    feed.error_count += 1
    feed.failing_since = feed.failing_since or now
    feed.next_check_at = next_check_at
    if pause:
        feed.status = FeedStatus.PAUSED


def feed_health(session: Session, now: datetime) -> Sequence[FeedHealth]:
    recent = (
        select(Article.feed_id, func.count().label("n"))
        .where(Article.fetched_at >= now - timedelta(hours=24))
        .group_by(Article.feed_id)
        .subquery()
    )
    rows = session.execute(
        select(Feed, func.coalesce(recent.c.n, 0)).outerjoin(recent, recent.c.feed_id == Feed.id).order_by(Feed.id)
    )
    return [
        FeedHealth(f.id, f.url, f.title, f.category, f.status.value, f.last_success_at, f.last_error,
                   f.error_count, f.next_check_at, int(n))
        for f, n in rows
    ]


def resume(session: Session, feed_ids: Sequence[int] | None) -> int:
    """Un-pause feeds (all paused ones when `feed_ids` is None) and make them due now; returns how many."""
    query = select(Feed).where(Feed.status == FeedStatus.PAUSED)
    if feed_ids is not None:
        query = query.where(Feed.id.in_(feed_ids))
    feeds = list(session.scalars(query))
    for feed in feeds:
        feed.status = FeedStatus.ACTIVE
        feed.error_count = 0
        feed.failing_since = None
        feed.next_check_at = None
    return len(feeds)


def all_feeds(session: Session) -> list[tuple[str, str, str, bool]]:
    return [(f.url, f.title, f.category, f.aggregator) for f in session.scalars(select(Feed).order_by(Feed.id))]
