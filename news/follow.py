"""When a followed story has developed enough to tell its followers, and when a chat is asleep (pure).

A story develops when, since the chat was last told (app.follows):
- at least MIN_NEW_SOURCES outlets joined it, and at least MIN_SHARE as many as it had (the digest's "grew
  markedly" rule, app.digests). bench/follow_updates.py replays the UCI week (366 stories, followed at 3 outlets):
  with 1 new outlet a followed story sends a median 6 updates in its life, 5.9 a day while it grows, 17 % of them
  saying only "+1 or +2 sources"; 3 new: 6 (5.4 a day); 3 new and half again: 3 (3.3 a day). The throttle
  (app.follows.UPDATE_EVERY) and the night bound the rest;
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
MIN_SHARE = 0.5
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


def developed(told: StoryState, now: StoryState, merged: bool = False, min_new_sources: int = MIN_NEW_SOURCES,
              min_share: float = MIN_SHARE) -> Development | None:
    """What is new enough to tell, or None."""
    joined = now.sources - told.sources
    new_sources = joined if joined >= max(min_new_sources, min_share * told.sources) else 0
    new_sides = tuple(side for side in SIDES if side in now.sides and side not in told.sides)
    headline = None if same_headline(told.headline, now.headline) or not now.headline else now.headline
    if not (new_sources or new_sides or headline or merged):
        return None
    return Development(new_sources, now.sources, new_sides, headline, merged)


def is_night(local: datetime) -> bool:
    """Between NIGHT_START and NIGHT_END on the chat's own clock."""
    clock = local.time()
    return clock >= NIGHT_START or clock < NIGHT_END
