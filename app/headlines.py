"""Today's top stories (/top) and blindspots (/blindspot), from the corpus digests share (app.digests.Corpus):
whatever the chat follows, without the stories it muted and without its muted outlets' links. No query per
request: the corpus is built in the background after each clustering pass, and the chat (its zone and mutes) comes
from app.chat_view."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.chat_view import ChatView
from app.digest_time import zone_or_utc
from app.digests import Corpus, Digests, blindspots, top_stories
from app.mutes import hide_outlets
from news.types import StoryView

__all__ = ["HEADLINES", "Headlines", "Today"]

HEADLINES = 5  # stories /top and /blindspot show


@dataclass(frozen=True, slots=True)
class Today:
    stories: list[StoryView]
    zone: ZoneInfo  # the asking chat's timezone


class Headlines:
    def __init__(self, digests: Digests, clock: Callable[[], datetime], zone: str = "UTC") -> None:
        self.digests, self.clock, self.zone = digests, clock, zone

    async def top(self, chat: ChatView | None) -> Today:
        """The day's biggest stories."""
        return await self._today(chat, top_stories)

    async def blindspots(self, chat: ChatView | None) -> Today:
        """The day's biggest stories that the left or the right barely covers."""
        return await self._today(chat, blindspots)

    async def _today(self, chat: ChatView | None, pick: Callable[[Corpus, frozenset[int], int], list[int]]) -> Today:
        corpus = await self.digests.corpus(self.clock())
        return await asyncio.to_thread(self._pick, corpus, chat, pick)  # topic matching runs off the event loop

    def _pick(self, corpus: Corpus, chat: ChatView | None,
              pick: Callable[[Corpus, frozenset[int], int], list[int]]) -> Today:
        if chat is None:
            return Today([corpus.view(sid) for sid in pick(corpus, frozenset(), HEADLINES)], zone_or_utc(self.zone))
        chosen = pick(corpus, corpus.muted(chat.muted_words), HEADLINES)
        views = [hide_outlets(corpus.view(sid), corpus.articles[sid], chat.muted_outlets) for sid in chosen]
        return Today(views, zone_or_utc(chat.timezone))
