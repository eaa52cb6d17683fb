"""Following one story: the Follow button, /following, and the updates a followed story sends as it develops.

An update is the outbox's third kind of message, beside replies and digests (storage.models.DeliveryKind.FOLLOW):
the follow tick writes one outbox row per update, already rendered and held by this process's lease, and the
digest workers send it like a digest part (app.delivery: the same pace, the same write before and after the
request, at most once), as a reply to the card the chat followed the story from.

The tick, every minute:
- moves the follows of stories merged away to their survivor (following either part follows the survivor);
- ends the follows whose story closed (no article for CLUSTER_WINDOW_HOURS, or archived) or that are FOLLOW_DAYS
  old, with one last line; a stopped or blocked chat's end silently;
- tells each active chat whose followed story developed (news.follow.developed) what is new, at most once per
  story every UPDATE_EVERY, never in the chat's night (news.follow.is_night: it waits for the morning).

An update's row names its story, so the chat's next digest counts the story as sent, and counts its growth from
the update (app.digests), never repeating what the update said.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.cards import CardCache
from app.chats import ChatRef, Chats
from app.delivery import DigestDelivery
from app.digest_time import zone_or_utc
from app.tx import Transactions
from news.follow import SIDES, Development, StoryState, developed, is_night
from news.types import StoryView
from storage import follows as store
from storage import stories as story_store
from storage.models import DeliveryKind
from storage.outbox import messages as outbox
from storage.outbox.leases import Lease

__all__ = ["FOLLOW_DAYS", "MAX_FOLLOWS", "UPDATE_EVERY", "Ending", "FollowNote", "FollowUpdates", "Followed",
           "Follows", "Outcome", "state_of"]

log = logging.getLogger(__name__)

MAX_FOLLOWS = 30  # stories one chat follows at once
FOLLOW_DAYS = 7  # a follow ends after this many days, if its story has not closed before
UPDATE_EVERY = timedelta(hours=3)  # at most one update per followed story this often
BATCH = 500  # follows looked at per tick


class Outcome(enum.Enum):
    ADDED = "added"
    ALREADY = "already"
    FULL = "full"  # the chat follows MAX_FOLLOWS stories already
    GONE = "gone"  # no such story (any more)


class Ending(enum.Enum):
    CLOSED = "closed"  # no new article for CLUSTER_WINDOW_HOURS
    EXPIRED = "expired"  # followed FOLLOW_DAYS ago


@dataclass(frozen=True, slots=True)
class FollowNote:
    """One message to a follower, for the renderer (bot.render_follow): an update, or the last line."""

    chat_id: int
    language: str | None
    view: StoryView
    development: Development | None  # None: the last line (`ending` says why)
    ending: Ending | None = None


@dataclass(frozen=True, slots=True)
class Followed:
    """A line of /following: the story's card now (None: it is gone) and when the follow ends."""

    story_id: int
    view: StoryView | None
    ends_at: datetime


def state_of(view: StoryView) -> StoryState:
    counts = {"left": view.coverage.left, "center": view.coverage.center, "right": view.coverage.right}
    return StoryState(view.source_count, frozenset(side for side in SIDES if counts[side]), view.headline)


class Follows:
    def __init__(self, tx: Transactions, chats: Chats, cards: CardCache, clock: Callable[[], datetime]) -> None:
        self.tx, self.chats, self.cards, self.clock = tx, chats, cards, clock

    def _view(self, session: Session, story_id: int, now: datetime) -> StoryView | None:
        articles = story_store.story_articles(session, [story_id]).get(story_id)
        return self.cards.view(story_id, articles, now) if articles else None

    async def follow(self, chat: ChatRef, story_id: int, message_id: int | None) -> tuple[Outcome, StoryView | None]:
        """Follow the story an id stands for now (merges followed), replying later to `message_id`; a stopped chat
        comes back, as with a topic. A story already closed can't be followed."""
        now = self.clock()

        def run(session: Session) -> tuple[Outcome, StoryView | None]:
            live = story_store.live_story_id(session, story_id)
            view = self._view(session, live, now) if live is not None else None
            if view is None:
                return Outcome.GONE, None
            if store.count(session, chat.id) >= MAX_FOLLOWS and not store.follows(session, chat.id, view.story_id):
                return Outcome.FULL, view
            state = state_of(view)
            added = store.follow(session, chat.id, view.story_id, message_id, chat.thread_id, now,
                                 now + timedelta(days=FOLLOW_DAYS), view.article_count, state.sources, state.sides,
                                 state.headline, now - UPDATE_EVERY)
            return (Outcome.ADDED if added else Outcome.ALREADY), view

        return await self.chats.resuming(chat, run)

    async def unfollow(self, chat_id: int, story_id: int) -> bool:
        return await self.tx(store.unfollow, chat_id, story_id)

    async def following(self, chat_id: int) -> list[Followed]:
        """What the chat follows, oldest first, with each story's card now. Never writes."""
        now = self.clock()

        def run(session: Session) -> list[Followed]:
            rows = store.following(session, chat_id, MAX_FOLLOWS)
            articles = story_store.story_articles(session, [f.story_id for f in rows])
            return [Followed(f.story_id, self.cards.view(f.story_id, articles[f.story_id], now)
                             if articles.get(f.story_id) else None, f.ends_at) for f in rows]

        return await self.tx(run)


class FollowUpdates:
    """The follow tick: looks at the follows due, writes the updates and last lines to the outbox, hands them to
    the digest workers."""

    def __init__(self, tx: Transactions, delivery: DigestDelivery, cards: CardCache,
                 render: Callable[[FollowNote], str], clock: Callable[[], datetime], closed_after: timedelta) -> None:
        self.tx, self.delivery, self.cards, self.render = tx, delivery, cards, render
        self.clock, self.closed_after = clock, closed_after

    async def tick(self, now: datetime | None = None) -> int:
        """How many messages were written to the outbox."""
        now = now or self.clock()
        if self.delivery.closing:
            return 0
        await self.tx(store.follow_merges)
        made = await self.tx(self._pass, now, self.delivery.leases.lease(now))
        if made:
            self.delivery.start()
            for delivery_id in made:
                self.delivery.enqueue(delivery_id)
        return len(made)

    def _pass(self, session: Session, now: datetime, lease: Lease) -> list[int]:
        due = store.due(session, now, now - UPDATE_EVERY, now - self.closed_after, BATCH)
        articles = story_store.story_articles(session, sorted({d.story_id for d in due}))
        messages: list[outbox.Message] = []
        ended: list[int] = []
        for follow in due:
            if follow.active and is_night(now.astimezone(zone_or_utc(follow.timezone))):
                continue  # the morning's first tick tells it
            story = articles.get(follow.story_id)
            view = self.cards.view(follow.story_id, story, now) if story else None
            if follow.ended or view is None:  # a story without articles is archived: closed
                ended.append(follow.id)
                if follow.active and view is not None:
                    ending = Ending.EXPIRED if now >= follow.ends_at else Ending.CLOSED
                    text = self.render(FollowNote(follow.chat_id, follow.language, view, None, ending))
                    messages.append(outbox.Message(follow.chat_id, f"follow:{follow.id}:end", text, (),
                                                   follow.message_id, follow.thread_id))
                continue
            state = state_of(view)
            told = StoryState(follow.told_sources, follow.told_sides, follow.told_headline)
            change = developed(told, state, follow.merged)
            if change is None:
                store.seen(session, follow.id, view.article_count)
                continue
            store.told(session, follow.id, now, view.article_count, state.sources, state.sides, state.headline)
            text = self.render(FollowNote(follow.chat_id, follow.language, view, change))
            messages.append(outbox.Message(follow.chat_id, f"follow:{follow.id}:{now:%Y-%m-%dT%H:%M}", text,
                                           (view.story_id,), follow.message_id, follow.thread_id))
        store.end(session, ended)
        return outbox.add_messages(session, messages, now, DeliveryKind.FOLLOW, lease)
