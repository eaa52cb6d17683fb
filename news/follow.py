"""When a followed story has developed enough to tell its followers, and when a chat is asleep (pure).

A story develops when, since the chat was last told (app.follows):
- at least MIN_NEW_SOURCES outlets joined it (bench/follow_updates.py measures how often each threshold speaks
  on the UCI stories: 3 gives about one update per day of a growing story, 1 about three, and most of those say
  "+1 source", which is news to nobody);
- a side that had no outlet on it now has one (one outlet is enough: that is the news);
- its headline changed (compared case- and punctuation-blind, so a reworded quote mark is no change);
- it merged with another story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

__all__ = ["MIN_NEW_SOURCES", "NIGHT_END", "NIGHT_START", "SIDES", "Development", "StoryState", "developed",
           "is_night", "same_headline"]

MIN_NEW_SOURCES = 3
SIDES = ("left", "center", "right")
NIGHT_START, NIGHT_END = time(22, 0), time(7, 0)  # the chat's local night: updates wait for the morning
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class StoryState:
    """What a follower knows of a story: how many outlets carry it, on which sides, under which headline."""

    sources: int
    sides: frozenset[str]
    headline: str


@dataclass(frozen=True, slots=True)
class Development:
    new_sources: int  # outlets that joined since the chat was told (0 when below the threshold)
    sources: int  # outlets now
    new_sides: tuple[str, ...]  # sides that started covering it, in SIDES order
    headline: str | None  # the new headline, when it changed
    merged: bool


def same_headline(a: str, b: str) -> bool:
    return _WORDS.findall(a.casefold()) == _WORDS.findall(b.casefold())


def developed(told: StoryState, now: StoryState, merged: bool = False,
              min_new_sources: int = MIN_NEW_SOURCES) -> Development | None:
    """What is new enough to tell, or None."""
    joined = now.sources - told.sources
    new_sources = joined if joined >= min_new_sources else 0
    new_sides = tuple(side for side in SIDES if side in now.sides and side not in told.sides)
    headline = None if same_headline(told.headline, now.headline) or not now.headline else now.headline
    if not (new_sources or new_sides or headline or merged):
        return None
    return Development(new_sources, now.sources, new_sides, headline, merged)


def is_night(local: datetime) -> bool:
    """Between NIGHT_START and NIGHT_END on the chat's own clock."""
    clock = local.time()
    return clock >= NIGHT_START or clock < NIGHT_END
