"""Followed stories in SQL: a chat's follows, the ones due a look, moving them along merges, ending them.

A follow (storage.models.FollowedStory) remembers what its chat was last told of the story (`told_*`); the follow
tick (app.follows) compares that with the story now. Every read here is a read: only `follow`, `unfollow*`,
`told`, `follow_merges` and `end` write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from storage.models import Chat, FollowedStory, Story
from storage.stories import live_story_id

__all__ = ["Due", "Followed", "count", "due", "end", "follow", "follow_merges", "following", "follows", "seen", "told",
           "unfollow", "unfollow_all"]


@dataclass(frozen=True, slots=True)
class Followed:
    """One line of /following."""

    story_id: int
    since: datetime
    ends_at: datetime
    sources: int  # as last told


@dataclass(frozen=True, slots=True)
class Due:
    """A follow the tick must look at: its story may have developed, or the follow has ended."""

    id: int
    chat_id: int
    story_id: int
    message_id: int | None
    thread_id: int | None
    active: bool  # the chat gets messages (a stopped or blocked one gets none)
    timezone: str
    language: str | None
    told_at: datetime
    told_sources: int
    told_sides: frozenset[str]
    told_headline: str
    merged: bool
    ends_at: datetime
    ended: bool  # the follow's time is up, or its story closed


def count(session: Session, chat_id: int) -> int:
    return int(session.scalar(select(func.count()).where(FollowedStory.chat_id == chat_id)) or 0)


def follows(session: Session, chat_id: int, story_id: int) -> bool:
    return session.scalar(select(FollowedStory.id).where(FollowedStory.chat_id == chat_id,
                                                         FollowedStory.story_id == story_id)) is not None


def follow(session: Session, chat_id: int, story_id: int, message_id: int | None, thread_id: int | None,
           now: datetime,
           ends_at: datetime, articles: int, sources: int, sides: frozenset[str], headline: str,
           quiet_since: datetime) -> bool:
    """Follow (or, followed already, move the reply target to this card and start the time again); False when the
    chat followed it already. `quiet_since` is the throttle's mark: the follow itself is no update, so the story's
    first development is told at once."""
    row = session.scalar(select(FollowedStory).where(FollowedStory.chat_id == chat_id,
                                                     FollowedStory.story_id == story_id))
    if row is not None:
        if message_id is not None:
            row.message_id, row.thread_id = message_id, thread_id
        row.ends_at = ends_at
        return False
    session.add(FollowedStory(chat_id=chat_id, story_id=story_id, message_id=message_id, thread_id=thread_id,
                              created_at=now,
                              ends_at=ends_at, told_at=quiet_since, told_articles=articles, told_sources=sources,
                              told_sides=",".join(sorted(sides)), told_headline=headline, merged=False))
    session.flush()
    return True


def unfollow(session: Session, chat_id: int, story_id: int) -> bool:
    """Stop following the story (or the story an old id merged into); False when the chat didn't follow it."""
    ids = {story_id, live_story_id(session, story_id) or story_id}
    result = session.execute(delete(FollowedStory).where(FollowedStory.chat_id == chat_id,
                                                         FollowedStory.story_id.in_(ids)))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def unfollow_all(session: Session, chat_id: int) -> int:
    result = session.execute(delete(FollowedStory).where(FollowedStory.chat_id == chat_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def following(session: Session, chat_id: int, limit: int) -> list[Followed]:
    query = (select(FollowedStory.story_id, FollowedStory.created_at, FollowedStory.ends_at,
                    FollowedStory.told_sources)
             .where(FollowedStory.chat_id == chat_id).order_by(FollowedStory.id).limit(limit))
    return [Followed(*row) for row in session.execute(query)]


def follow_merges(session: Session, limit: int = 1000) -> int:
    """Follows of a story merged into another follow the survivor (marked `merged`); a chat that followed both
    keeps one follow. How many moved."""
    rows = session.execute(
        select(FollowedStory.id, FollowedStory.chat_id, FollowedStory.story_id)
        .join(Story, Story.id == FollowedStory.story_id).where(Story.merged_into_id.is_not(None))
        .order_by(FollowedStory.id).limit(limit).with_for_update(skip_locked=True, of=FollowedStory)
    ).all()
    moved = 0
    for follow_id, chat_id, story_id in rows:
        survivor = live_story_id(session, story_id)
        taken = survivor is None or session.scalar(select(FollowedStory.id).where(
            FollowedStory.chat_id == chat_id, FollowedStory.story_id == survivor)) is not None
        if taken:
            session.execute(update(FollowedStory).where(FollowedStory.chat_id == chat_id,
                                                        FollowedStory.story_id == survivor).values(merged=True))
            session.execute(delete(FollowedStory).where(FollowedStory.id == follow_id))
        else:
            session.execute(update(FollowedStory).where(FollowedStory.id == follow_id)
                            .values(story_id=survivor, merged=True))
        moved += 1
    return moved


def due(session: Session, now: datetime, quiet_since: datetime, closed_before: datetime, limit: int) -> list[Due]:
    """Follows to look at: those ended (time up, or their story had no article since `closed_before`, or was
    archived), and those of active chats whose story changed since they were told (its articles, or a merge),
    told before `quiet_since` (the throttle). Oldest told first. Locked until the transaction ends: on PostgreSQL
    a follow another process is looking at is skipped, and once it commits the follow is told (or gone)."""
    story = aliased(Story)
    ended = or_(FollowedStory.ends_at <= now, story.last_updated < closed_before, story.archived_at.is_not(None))
    changed = and_(Chat.active, FollowedStory.told_at <= quiet_since,
                   or_(FollowedStory.merged, story.article_count != FollowedStory.told_articles))
    query = (
        select(FollowedStory.id, FollowedStory.chat_id, FollowedStory.story_id, FollowedStory.message_id,
               FollowedStory.thread_id, Chat.active, Chat.timezone, Chat.language, FollowedStory.told_at,
               FollowedStory.told_sources, FollowedStory.told_sides, FollowedStory.told_headline,
               FollowedStory.merged, FollowedStory.ends_at, ended)
        .join(story, story.id == FollowedStory.story_id).join(Chat, Chat.id == FollowedStory.chat_id)
        .where(story.merged_into_id.is_(None), or_(ended, changed))
        .order_by(FollowedStory.told_at, FollowedStory.id).limit(limit)
        .with_for_update(skip_locked=True, of=FollowedStory)  # two workers on PostgreSQL: each follow told once
    )
    return [Due(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], r[7], r[8], r[9],
                frozenset(s for s in r[10].split(",") if s), r[11], bool(r[12]), r[13], bool(r[14]))
            for r in session.execute(query)]


def seen(session: Session, follow_id: int, articles: int) -> None:
    """The story changed, but not enough to tell: not looked at again until it changes again (what was told stays
    the mark, so small changes add up)."""
    session.execute(update(FollowedStory).where(FollowedStory.id == follow_id).values(told_articles=articles))


def told(session: Session, follow_id: int, now: datetime, articles: int, sources: int, sides: frozenset[str],
         headline: str) -> None:
    """The chat was told the story as it is now."""
    session.execute(update(FollowedStory).where(FollowedStory.id == follow_id).values(
        told_at=now, told_articles=articles, told_sources=sources, told_sides=",".join(sorted(sides)),
        told_headline=headline, merged=False))


def end(session: Session, follow_ids: Sequence[int]) -> int:
    if not follow_ids:
        return 0
    result = session.execute(delete(FollowedStory).where(FollowedStory.id.in_(list(follow_ids))))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
