"""How often a followed story speaks, for each "new sources" threshold (news.follow.MIN_NEW_SOURCES).

    .venv/bin/python bench/follow_updates.py [--shared ../shared]

Replays the UCI dev week (the aggregator's own stories, 24,090 headlines): every story is followed when it first has
3 outlets, and its later articles arrive at their day with a time of day drawn at random (seeded: UCI gives days
only). The follow tick's rule is applied as the bot applies it (news.follow.developed, at most one update every
app.follows.UPDATE_EVERY, none in the night, news.follow.is_night, in UTC), for thresholds 1, 2, 3, 5 and 8; a side
starting counts too (outlet sides from the bundled outlet table, by the article's domain); headline changes are left
out (they need each card rebuilt). Prints, per threshold: updates per followed story per day it grew, the share of
stories that got any, and the share of updates that only say "+N sources" with N below 3.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from app.follows import UPDATE_EVERY
from news.follow import StoryState, developed, is_night
from news.sources import domain_of, load_outlets

REPO = Path(__file__).resolve().parent.parent
THRESHOLDS = ((1, 0.0), (2, 0.0), (3, 0.0), (5, 0.0), (8, 0.0), (3, 0.25), (3, 0.5))
FOLLOW_AT = 3  # outlets a story has when the reader follows it
TICK = timedelta(minutes=5)


def arrivals(path: Path) -> dict[str, list[tuple[datetime, str, str | None]]]:
    """Story -> (time, outlet, side) in time order."""
    outlets = load_outlets()
    rng = random.Random(22)
    stories: dict[str, list[tuple[datetime, str, str | None]]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            day = datetime.fromisoformat(item["published"].replace("Z", "+00:00"))
            outlet = outlets.by_domain(domain_of(item["url"])) if item["url"] else None
            side = outlet.bias.side if outlet is not None and outlet.bias is not None else None
            when = day + timedelta(seconds=rng.randrange(86_400))
            stories[item["story"]].append((when, item["source"] or item["url"], side))
    return {key: sorted(items) for key, items in stories.items()}


def replay(items: list[tuple[datetime, str, str | None]], threshold: tuple[int, float]) -> tuple[int, int, int, float]:
    """(updates, of which small ones, days it grew after the follow, hours followed) for one story."""
    seen: dict[str, str | None] = {}
    start = None
    for i, (_when, outlet, side) in enumerate(items):
        seen.setdefault(outlet, side)
        if len(seen) >= FOLLOW_AT:
            start = i + 1
            break
    if start is None:
        return 0, 0, 0, 0.0
    told = StoryState(len(seen), frozenset(s for s in seen.values() if s), "")
    told_at = now = items[start - 1][0]
    rest, updates, small = items[start:], 0, 0
    end = items[-1][0] + UPDATE_EVERY + timedelta(hours=9)  # long enough for the last change to be told
    i = 0
    while now <= end:
        while i < len(rest) and rest[i][0] <= now:
            seen.setdefault(rest[i][1], rest[i][2])
            i += 1
        if now - told_at >= UPDATE_EVERY and not is_night(now):
            state = StoryState(len(seen), frozenset(s for s in seen.values() if s), "")
            change = developed(told, state, min_new_sources=threshold[0], min_share=threshold[1])
            if change is not None:
                updates += 1
                small += bool(change.new_sources and change.new_sources < 3 and not change.new_sides)
                told, told_at = state, now
        now += TICK
    days = len({when.date() for when, _o, _s in rest})
    return updates, small, days, (items[-1][0] - items[start - 1][0]).total_seconds() / 3600


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    stories = arrivals(args.shared / "bench" / "uci-dev.jsonl")
    followed = {key: items for key, items in stories.items() if len({o for _w, o, _s in items}) >= FOLLOW_AT + 1}
    print(f"{len(stories)} stories, {len(followed)} grow past {FOLLOW_AT} outlets (followed there)")
    print("new sources (and share)  updates/story-day  median/story  stories with any  small-only updates")
    for threshold in THRESHOLDS:
        results = [replay(items, threshold) for items in followed.values()]
        days = sum(max(1, d) for _u, _s, d, _h in results)
        total = sum(u for u, _s, _d, _h in results)
        small = sum(s for _u, s, _d, _h in results)
        median = statistics.median(u for u, _s, _d, _h in results)
        anyone = sum(1 for u, _s, _d, _h in results if u) / len(results)
        label = f"{threshold[0]}" + (f" and {threshold[1]:.0%}" if threshold[1] else "")
        print(f"{label:>23}  {total / days:>17.2f}  {median:>12.0f}  {anyone:>16.0%}  "
              f"{small / max(total, 1):>18.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
