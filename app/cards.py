"""Story cards, built once per version of a story and shared by search, cards and digests.

A card (StoryView) is a summary of the story's articles (news.summary), and summarizing costs milliseconds, so
cards are cached by what they are built from: a story whose articles are unchanged is summarized once however
often, and by whichever use case, it is asked for. Transactions run on threads, hence the lock.

A card's blindspot depends on the window as well as on the story (news.coverage.blindspot_of): each corpus load
(app.digests) hands the cache the window's recent stories (`judge`), which become the expectation every card is
then judged against, whoever asks for it: /story, a card's buttons, digests, /blindspot. Whether a story is
public affairs (news.affairs) is decided once per version of the story.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from news.affairs import load_affairs_model
from news.coverage import SideMix, blindspot_of, coverage_of
from news.summary import build_story_view
from news.types import StoryArticle, StoryView

__all__ = ["CardCache", "Window"]

Key = tuple[object, ...]
T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class Window:
    """The window's public-affairs stories: their pooled partisan mix, and each one's own part of it."""

    mix: SideMix = dataclasses.field(default_factory=SideMix)
    parts: Mapping[int, SideMix] = dataclasses.field(default_factory=dict)

    def expected_for(self, story_id: int) -> SideMix:
        """What a story of this kind expects: the other stories' mix (a story is not its own norm)."""
        own = self.parts.get(story_id)
        return SideMix(self.mix.left - own.left, self.mix.right - own.right) if own else self.mix


def _key(story_id: int, articles: Sequence[StoryArticle]) -> Key:
    newest = max((a.published for a in articles if a.published is not None), default=None)
    return (story_id, len(articles), articles[-1].url, newest)


class _Lru(Generic[T]):
    """A bounded map that forgets the least recently used entry; safe across threads."""

    def __init__(self, size: int) -> None:
        self.size, self._items, self._lock = size, OrderedDict[Key, T](), threading.Lock()

    def get(self, key: Key) -> T | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Key, value: T) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class CardCache:
    def __init__(self, size: int = 8192) -> None:
        self._views = _Lru[StoryView](size)
        self._affairs = _Lru[bool](size)
        self.window = Window()

    def public_affairs(self, story_id: int, articles: Sequence[StoryArticle]) -> bool:
        key = _key(story_id, articles)
        if (found := self._affairs.get(key)) is not None:
            return found
        verdict = load_affairs_model().is_public_affairs(articles)
        self._affairs.put(key, verdict)
        return verdict

    def view(self, story_id: int, articles: Sequence[StoryArticle], now: datetime) -> StoryView:
        key = _key(story_id, articles)
        if (view := self._views.get(key)) is None:
            view = build_story_view(story_id, articles, now)
            self._views.put(key, view)
        side = blindspot_of(view.coverage, self.window.expected_for(story_id))
        if side is None or not self.public_affairs(story_id, articles):  # the cheap test first
            return view
        return dataclasses.replace(view, coverage=dataclasses.replace(view.coverage, blindspot=side))

    def judge(self, stories: Mapping[int, Sequence[StoryArticle]]) -> None:
        """Make `stories` (the window's, as a corpus loads them) the expectation of every card from now on."""
        mixes = {sid: SideMix().plus(coverage_of(articles)) for sid, articles in stories.items() if articles}
        parts = {sid: mix for sid, mix in mixes.items()  # a story without partisan outlets adds nothing
                 if mix.left + mix.right and self.public_affairs(sid, stories[sid])}
        mix = SideMix(sum(p.left for p in parts.values()), sum(p.right for p in parts.values()))
        self.window = Window(mix, parts)
