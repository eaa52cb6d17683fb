"""What the retention job deletes besides articles (app.retention): old outbox rows, story aliases nothing can
reference any more, and send paces no longer in use. Each call is one short batch; the caller commits between.

- `deliveries`: a final row (its content dropped already, storage.outbox.deliveries.FINAL) is deleted once it is older
  than the cutoff. Found in id order: rows are written in time order, so the oldest are the first ids.
- `stories` merged into another (`merged_into_id`): an alias keeps a story id that a digest row or an old card
  named working. Deleted with the cutoff the caller derives from the deliveries' (app.retention), and only when no
  other alias points at it and no article belongs to it (a chain goes from its first link, one batch per link).
- `stories` archived (their articles pruned, their card kept as JSON: app.retention) go once archived before the
  cutoff, with every alias that still leads to them (the chain, in the same statement: a foreign key is checked at
  the statement's end, on SQLite and PostgreSQL). Outbox rows may still name them: "already sent" reads ids, not
  rows (storage.stories.live_story_ids), and an old card's button answers that the story is no longer kept.
- `send_pace`: a group's pace whose slot passed long ago is worth nothing (the global one stays).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, aliased

from storage import pace
from storage.models import Article, Delivery, Story
from storage.outbox.deliveries import TERMINAL

__all__ = ["delete_aliases", "delete_archived", "delete_deliveries", "delete_paces"]

MAX_CHAIN = 10  # merge chains are short (storage.stories.live_story_ids): the bound guards against a cycle


def delete_deliveries(session: Session, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` final outbox rows created before `cutoff`; how many went."""
    ids = list(session.scalars(
        select(Delivery.id).where(Delivery.created_at < cutoff, Delivery.status.in_(TERMINAL))
        .order_by(Delivery.id).limit(limit)
    ))
    if not ids:
        return 0
    result = session.execute(delete(Delivery).where(Delivery.id.in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_aliases(session: Session, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` stories merged into another whose last update is before `cutoff` and that nothing
    points at (no alias merged into them, no article); how many went. On PostgreSQL rows another pruner holds
    are skipped."""
    pointing = aliased(Story)
    ids = list(session.scalars(
        select(Story.id)
        .where(Story.merged_into_id.is_not(None), Story.last_updated < cutoff,
               ~exists().where(pointing.merged_into_id == Story.id), ~exists().where(Article.story_id == Story.id))
        .order_by(Story.last_updated).limit(limit).with_for_update(skip_locked=True, of=Story)
    ))
    if not ids:
        return 0
    result = session.execute(delete(Story).where(Story.id.in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_archived(session: Session, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` archived stories (not aliases) archived before `cutoff` that hold no article, with the
    aliases merged into them; how many archived stories went. On PostgreSQL rows another pruner holds are skipped."""
    ids = set(session.scalars(
        select(Story.id)
        .where(Story.archived_at < cutoff, Story.merged_into_id.is_(None),
               ~exists().where(Article.story_id == Story.id))
        .order_by(Story.archived_at).limit(limit).with_for_update(skip_locked=True)
    ))
    if not ids:
        return 0
    doomed, frontier = set(ids), set(ids)
    for _ in range(MAX_CHAIN):
        frontier = set(session.scalars(select(Story.id).where(Story.merged_into_id.in_(frontier)))) - doomed
        if not frontier:
            break
        doomed |= frontier
    session.execute(delete(Story).where(Story.id.in_(doomed)))
    return len(ids)


def delete_paces(session: Session, before: float) -> int:
    """Forget the groups' send paces whose next slot was before `before` (seconds since the epoch)."""
    return pace.prune(session, before)
