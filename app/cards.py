"""Story cards, built once per version of a story and shared by search, cards and digests.

A card (StoryView) is a summary of the story's articles (news.summary), and summarizing costs milliseconds, so
cards are cached by what they are built from: a story whose articles are unchanged is summarized once however
often, and by whichever use case, it is asked for. Transactions run on threads, hence the lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime

from news.summary import build_story_view
from news.types import StoryArticle, StoryView

__all__ = ["CardCache"]


class CardCache:
    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._views: OrderedDict[tuple[object, ...], StoryView] = OrderedDict()
        self._lock = threading.Lock()

    def view(self, story_id: int, articles: Sequence[StoryArticle], now: datetime) -> StoryView:
        newest = max((a.published for a in articles if a.published is not None), default=None)
        key = (story_id, len(articles), articles[-1].url, newest)
        with self._lock:
            if (found := self._views.get(key)) is not None:
                self._views.move_to_end(key)
                return found
        view = build_story_view(story_id, articles, now)
        with self._lock:
            self._views[key] = view
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        return view
