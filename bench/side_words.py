"""Compare sides and the neutral headline on the UCI dev week (stories by their gold label, outlets and sides from
the bundled outlet table by URL, as the bot rates them):

1. Distinctive words (news.logodds): how many sides of multi-side stories show words, say there is no word
   apart, or have too few outlets; and the same with each story's sides shuffled among its outlets (the
   outlets and their words unchanged): words shown for shuffled sides are words the test finds by chance.
2. The neutral headline (news.summary.headline): with the rules off (LOADED_WEIGHT 0, NEUTRAL_BONUS 1, the
   code before issue 22) and on, how many headlines change, and the share of headlines holding a word that sets
   their own side apart; and the median time to choose a headline, off and on, in the same run.

    .venv/bin/python bench/side_words.py [--shared ../shared] [--limit 366]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np

from news.logodds import content_words, side_of, side_words
from news.sides import Evidence, side_parts
from news.sources import OutletDirectory, domain_of, load_outlets
from news.summary import choose_headline
from news.summary import headline as headline_module
from news.types import Bias, StoryArticle


def _read(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        yield from (json.loads(line) for line in handle if line.strip())


def _stories(path: Path, outlets: OutletDirectory) -> list[list[StoryArticle]]:
    stories: dict[str, list[StoryArticle]] = {}
    for item in _read(path):
        url = str(item.get("url") or "")
        article = StoryArticle(title=str(item.get("title") or ""), url=url, source_name=str(item.get("source") or ""),
                               outlet=outlets.by_domain(domain_of(url)) if url else None)
        stories.setdefault(str(item["story"]), []).append(article)
    return list(stories.values())


def _shuffled(articles: list[StoryArticle], rng: random.Random) -> list[StoryArticle]:
    """The story with its rated outlets' sides shuffled among them (each outlet keeps its words)."""
    sides: dict[str, Bias] = {}
    for a in articles:
        if a.outlet is not None and a.outlet.bias is not None:
            sides.setdefault(a.outlet.name, a.outlet.bias)
    names = list(sides)
    permuted = list(sides.values())
    rng.shuffle(permuted)
    new: dict[str, Bias] = dict(zip(names, permuted, strict=True))
    return [replace(a, outlet=replace(a.outlet, bias=new[a.outlet.name]))
            if a.outlet is not None and a.outlet.name in new else a for a in articles]


def _loaded(articles: list[StoryArticle], chosen: StoryArticle, apart: dict[str, dict[str, float]]) -> bool:
    words = apart.get(side_of(chosen) or "", {})
    return any(root in words for _w, root in content_words(chosen.title))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--limit", type=int, default=0, help="only the N largest stories (0: all)")
    args = parser.parse_args(argv)
    stories = _stories(args.shared / "bench" / "uci-dev.jsonl", load_outlets())
    stories.sort(key=len, reverse=True)
    if args.limit:
        stories = stories[: args.limit]
    rng = random.Random(22)
    real: Counter[str] = Counter()
    chance: Counter[str] = Counter()
    multi = changed = loaded_off = loaded_on = 0
    off_times: list[float] = []
    on_times: list[float] = []
    for articles in stories:
        rated_sides = {side_of(a) for a in articles} - {None}
        if len(rated_sides) >= 2:
            multi += 1
            real.update(p.evidence.value for p in side_parts(articles) if p.side is not None and p.outlets)
            chance.update(p.evidence.value for p in side_parts(_shuffled(articles, rng))
                          if p.side is not None and p.outlets)
        with mock.patch.object(headline_module, "LOADED_WEIGHT", 0.0), \
                mock.patch.object(headline_module, "NEUTRAL_BONUS", 1.0), \
                mock.patch.object(headline_module, "loaded_shares", lambda arts, _t: np.zeros(len(arts))):
            started = time.perf_counter()
            before = choose_headline(articles)
            off_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        after = choose_headline(articles)
        on_times.append(time.perf_counter() - started)
        changed += before is not after
        apart = side_words(articles)
        loaded_off += _loaded(articles, before, apart)
        loaded_on += _loaded(articles, after, apart)
    n = max(len(stories), 1)
    print(f"stories={len(stories)}, with two or more rated sides: {multi}")
    for name, counts in (("real sides", real), ("shuffled sides", chance)):
        total = max(sum(counts.values()), 1)
        cells = "  ".join(f"{e.value} {counts[e.value]} ({counts[e.value] / total:.1%})"
                          for e in (Evidence.SHOWN, Evidence.NONE_APART, Evidence.TOO_FEW))
        print(f"  {name:<15} sides covered: {sum(counts.values())}  {cells}")
    print(f"headline: changed in {changed} stories ({changed / n:.1%}); holding a word of its own side's: "
          f"rules off {loaded_off} ({loaded_off / n:.1%}), on {loaded_on} ({loaded_on / n:.1%})")
    print(f"time to choose a headline, median: off {statistics.median(off_times) * 1e3:.2f} ms, "
          f"on {statistics.median(on_times) * 1e3:.2f} ms; slowest: off {max(off_times, default=0) * 1e3:.1f} ms, "
          f"on {max(on_times, default=0) * 1e3:.1f} ms (largest story {len(stories[0]) if stories else 0} articles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
