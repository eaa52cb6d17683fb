"""Repost detection (news.originals): precision and recall on labelled pairs, and what reposts change.

    .venv/bin/python bench/reposts.py [--shared ../shared]

1. The labelled check, `bench/data/repost_pairs.jsonl`: 290 article pairs from ../shared/bench, each labelled
   `copy`, `not` or `unsure` by reading both texts (how they were drawn and labelled: bench/data/README.md).
   Printed: precision and recall of `news.originals.is_copy` on copy/not (unsure pairs left out, and how many of
   them it calls copies), per band, beside a baseline that calls a pair a copy when the headlines' word sets
   overlap by 70 % (Jaccard).
2. What reposts change on UCI dev (gold stories, one per story and day, outlets rated by the bundled table):
   the share of sources that are reposts, how many stories' bias bar (10 cells) would change if reposting
   outlets were left out, and how many of each day's 10 biggest stories would change if stories were ranked by
   original sources instead of sources.
3. What it costs: a card's build time with repost counting, and the share of it that counting takes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from news.coverage import outlet_key, source_lines
from news.originals import find_reposts, is_copy
from news.sources import load_outlets
from news.summary import build_story_view
from news.types import Bias, StoryArticle

HERE = Path(__file__).resolve().parent
Item = dict[str, str]


def _article(item: Item) -> StoryArticle:
    return StoryArticle(title=item["title"], url=item.get("url") or "", summary=item.get("summary") or "",
                        source_name=item.get("source") or item["id"])


def _headline_jaccard(a: StoryArticle, b: StoryArticle) -> bool:
    wa, wb = set(a.title.lower().split()), set(b.title.lower().split())
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.7


def _score(pairs: list[tuple[str, StoryArticle, StoryArticle]],
           rule: Callable[[StoryArticle, StoryArticle], bool]) -> str:
    tp = fp = fn = tn = 0
    for label, a, b in pairs:
        said = rule(a, b)
        tp += said and label == "copy"
        fp += said and label == "not"
        fn += not said and label == "copy"
        tn += not said and label == "not"
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return f"precision {precision:.3f} ({tp}/{tp + fp})  recall {recall:.3f} ({tp}/{tp + fn})"


def labelled_check(items: dict[str, Item]) -> None:
    rows = [json.loads(line) for line in (HERE / "data" / "repost_pairs.jsonl").open() if line.strip()]
    pairs = [(r["label"], _article(items[r["a"]]), _article(items[r["b"]])) for r in rows]
    counts = {label: sum(1 for r in rows if r["label"] == label) for label in ("copy", "not", "unsure")}
    print(f"labelled pairs: {len(rows)} ({counts['copy']} copy, {counts['not']} not, {counts['unsure']} unsure)")
    print(f"  news.originals.is_copy       {_score(pairs, is_copy)}")
    print(f"  baseline headline Jaccard>=.7 {_score(pairs, _headline_jaccard)}")
    print(f"  main (no detection: every source original) recall 0.000 (0/{counts['copy']})")
    unsure = [(a, b) for label, a, b in pairs if label == "unsure"]
    print(f"  unsure pairs called copies: {sum(is_copy(a, b) for a, b in unsure)} of {len(unsure)}")
    bands = sorted({r["band"] for r in rows})
    for band in bands:
        chosen = [p for p, r in zip(pairs, rows, strict=True) if r["band"] == band]
        print(f"    {band:12s} {len(chosen):3d} pairs  {_score(chosen, is_copy)}")


def _cells(articles: list[StoryArticle]) -> tuple[int, int, int] | None:
    seen: dict[str, Bias] = {}
    for a in articles:
        if a.outlet is not None and a.outlet.bias is not None:
            seen.setdefault(outlet_key(a), a.outlet.bias)
    sides = [sum(1 for b in seen.values() if b.side == s) for s in ("left", "center", "right")]
    total = sum(sides)
    return None if total == 0 else (round(sides[0] * 10 / total), 0, round(sides[2] * 10 / total))


def what_reposts_change(uci: list[Item]) -> None:
    outlets = load_outlets()
    groups: dict[tuple[str, str], list[StoryArticle]] = defaultdict(list)
    for item in uci:
        day = item["published"][:10]
        groups[(item["story"], day)].append(StoryArticle(
            title=item["title"], url=item["url"], source_name=item["source"],
            outlet=outlets.by_domain(item["url"]) if item["url"] else None,
            published=datetime.fromisoformat(item["published"].replace("Z", "+00:00"))))
    started = time.perf_counter()
    sources = originals = bars = barred = 0
    by_day: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for (story, day), articles in groups.items():
        reposts = find_reposts(articles, outlet_key)
        keys = {outlet_key(a) for a in articles}
        kept = {outlet_key(a) for i, a in enumerate(articles) if not reposts.copied[i]}
        sources += len(keys)
        originals += len(kept)
        by_day[day].append((len(keys), len(kept), story))
        before = _cells(articles)
        if before is not None and sum(1 for a in articles if a.outlet and a.outlet.bias) >= 3:
            barred += 1
            bars += before != _cells([a for i, a in enumerate(articles) if not reposts.copied[i]])
    took = time.perf_counter() - started
    print(f"UCI dev, {len(groups)} story-days, {sources} sources: {sources - originals} reposting outlets "
          f"({(sources - originals) / sources:.1%}); find_reposts over all took {took:.2f} s")
    print(f"  bias bar (10 cells) changes without reposting outlets: {bars} of {barred} stories with 3+ rated")
    changed = 0
    for stories in by_day.values():
        top = {s for _n, _o, s in sorted(stories, reverse=True)[:10]}
        top_original = {s for _n, _o, s in sorted(stories, key=lambda t: (t[1], t[0]), reverse=True)[:10]}
        changed += len(top - top_original)
    print(f"  biggest stories: {changed} of {10 * len(by_day)} day-top-10 places change if ranked by originals")
    card_cost(groups)


def card_cost(groups: dict[tuple[str, str], list[StoryArticle]]) -> None:
    """What counting originals adds to building a card: the 10 story-days nearest 300 articles, each card built
    (news.summary.build_story_view, which now counts reposts) and find_reposts + source_lines alone, medians."""
    chosen = sorted(groups.values(), key=lambda arts: abs(len(arts) - 300))[:10]
    now = datetime(2014, 3, 20, tzinfo=UTC)
    cards, extra = [], []
    for articles in chosen:
        started = time.perf_counter()
        build_story_view(1, articles, now)
        cards.append(time.perf_counter() - started)
        started = time.perf_counter()
        source_lines(articles, find_reposts(articles, outlet_key))
        extra.append(time.perf_counter() - started)
    card, added = statistics.median(cards), statistics.median(extra)
    print(f"  card build, {len(chosen)} stories of {min(map(len, chosen))}-{max(map(len, chosen))} articles: median "
          f"{card * 1000:.0f} ms with originals counted, of which reposts {added * 1000:.0f} ms "
          f"(main's card: about {(card - added) * 1000:.0f} ms, ratio {card / max(card - added, 1e-9):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared", help="dir holding bench/")
    args = parser.parse_args()
    items: dict[str, Item] = {}
    uci: list[Item] = []
    for name in ("uci-dev.jsonl", "allsides-dev.jsonl"):
        for line in (args.shared / "bench" / name).open():
            item = json.loads(line)
            items[item["id"]] = item
            if name.startswith("uci"):
                uci.append(item)
    labelled_check(items)
    what_reposts_change(uci)


if __name__ == "__main__":
    main()
