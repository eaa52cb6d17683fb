"""Today's top stories (/top) and blindspots (/blindspot), from the corpus digests share (app.digests.Corpus):
whatever the chat follows, without the stories it muted and without its muted outlets' links. No query per
request beyond the chat's own mutes: the corpus is built in the background after each clustering pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.digest_time import zone_or_utc
from app.digests import Corpus, Digests, blindspots, top_stories
from app.mutes import hide_outlets
from app.tx import Transactions
from news.types import StoryView
from storage import deliveries as outbox

__all__ = ["HEADLINES", "Headlines", "Today"]

HEADLINES = 5  # stories /top and /blindspot show


@dataclass(frozen=True, slots=True)
class Today:
    stories: list[StoryView]
    zone: ZoneInfo  # the asking chat's timezone


class Headlines:
    def __init__(self, tx: Transactions, digests: Digests, clock: Callable[[], datetime], zone: str = "UTC") -> None:
        self.tx, self.digests, self.clock, self.zone = tx, digests, clock, zone

    async def top(self, chat_id: int | None) -> Today:
        """The day's biggest stories."""
        return await self._today(chat_id, top_stories)

    async def blindspots(self, chat_id: int | None) -> Today:
        """The day's biggest stories that the left or the right barely covers."""
        return await self._today(chat_id, blindspots)

    async def _today(self, chat_id: int | None, pick: Callable[[Corpus, frozenset[int], int], list[int]]) -> Today:
        corpus = await self.digests.corpus(self.clock())
        return await self.tx(self._pick, corpus, chat_id, pick)

    def _pick(self, session: Session, corpus: Corpus, chat_id: int | None,
              pick: Callable[[Corpus, frozenset[int], int], list[int]]) -> Today:
        chat = outbox.digest_chat(session, chat_id) if chat_id is not None else None
        if chat is None:
            return Today([corpus.view(sid) for sid in pick(corpus, frozenset(), HEADLINES)], zone_or_utc(self.zone))
        chosen = pick(corpus, corpus.muted(chat.muted_words), HEADLINES)
        views = [hide_outlets(corpus.view(sid), corpus.articles[sid], chat.muted_outlets) for sid in chosen]
        return Today(views, zone_or_utc(chat.timezone))
