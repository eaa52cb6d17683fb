"""Card robustness on UCI dev (headlines only): does the card speak for the story's core?

UCI dev is clustered with the production clusterer (news.cluster.cluster_records), and for every story of
8+ articles the card is built. Printed, against the aggregator's gold stories:
- headline share: the share of the story's articles in the gold story the headline comes from (mean);
  multi-day stories hold several gold stories of one event, so 1.0 is not the aim, but a stray is near 0;
- line share: the same for the bullets (UCI has no leads, so bullets are titles);
- centrality rank of the headline among the story's core titles (1 = the most central);
- minority wins: two gold stories that the clusterer merged are mixed again, the smaller one at 20% and 30%
  of the articles (3 draws each), and we count the cards whose headline comes from the minority;
- MH370 + Courtney Love: the 18 March MH370 story with 5-40% of Courtney Love's take mixed in (5 draws).

    .venv/bin/python bench/card_quality.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from news.cluster import cluster_records
from news.sources import OutletDirectory, load_outlets
from news.summary import card_lines, clean_title, pick_headline
from news.summary.similarity import article_text, core_mask, unit_vectors
from news.summary.titles import casing_of
from news.types import StoryArticle

MH370, COURTNEY = "dZqPur_Xtkpjv-M0bIhrbG4A_ZC0M", "dtZ-nZvhHTlKkbMF3Mym6KztvkxIM"
Item = dict[str, str]


def _article(item: Item, outlets: OutletDirectory) -> StoryArticle:
    return StoryArticle(title=item["title"], url=item["url"], source_name=item["source"],
                        outlet=outlets.by_domain(item["url"]) if item["url"] else None,
                        published=datetime.fromisoformat(item["published"].replace("Z", "+00:00")))


def card(articles: list[StoryArticle]) -> tuple[int, list[str], int]:
    """(headline index, bullets, the headline's centrality rank), as build_story_view makes them."""
    n = len(articles)
    vectors = unit_vectors([a.title for a in articles] + [article_text(a) for a in articles])
    core = core_mask(vectors[n:], articles)
    casing = casing_of([a.title for a in articles])
    headline = pick_headline(articles, vectors[:n], vectors[n:], core, casing)
    lines = card_lines(articles, headline.title, core, headline.voices, casing)
    return headline.index, [line for line in (lines.lede, *lines.bullets) if line], headline.centrality_rank


def _mix(core: list[Item], side: list[Item], share: float, seed: int) -> tuple[list[Item], set[int]]:
    rng = random.Random(seed)
    extra = rng.sample(side, min(len(side), round(share * len(core) / (1 - share))))
    mixed = core + extra
    rng.shuffle(mixed)
    return mixed, {id(item) for item in extra}


def _minority_wins(pairs: list[tuple[str, str]], gold: dict[str, list[Item]], shares: tuple[float, ...],
                   draws: int, outlets: OutletDirectory) -> str:
    cells = []
    for share in shares:
        wins = total = 0
        for major, minor in pairs:
            for seed in range(draws):
                items, minority = _mix(gold[major], gold[minor], share, seed)
                index = card([_article(i, outlets) for i in items])[0]
                wins += id(items[index]) in minority
                total += 1
        cells.append(f"{share:.0%}: {wins}/{total}")
    return "  ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args(argv)
    items: list[Item] = [json.loads(line) for line in (args.shared / "bench" / "uci-dev.jsonl").open() if line.strip()]
    outlets = load_outlets()
    started = time.perf_counter()
    predicted: dict[str, list[Item]] = defaultdict(list)
    by_id = {item["id"]: item for item in items}
    for item_id, story in cluster_records(items):
        predicted[story].append(by_id[item_id])
    gold: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        gold[item["story"]].append(item)
    head_share, line_share, ranks, pairs = [], [], [], set()
    for members in (m for m in predicted.values() if len(m) >= 8):
        counts = Counter(item["story"] for item in members)
        index, bullets, rank = card([_article(i, outlets) for i in members])
        head_share.append(counts[members[index]["story"]] / len(members))
        titles = {clean_title(item["title"], item["source"]): item["story"] for item in members}
        line_share += [counts[titles[b]] / len(members) for b in bullets if b in titles]
        ranks.append(rank)
        top = counts.most_common(2)
        if len(top) == 2 and top[1][1] >= 20:
            pairs.add((top[0][0], top[1][0]))
    print(f"stories of 8+: {len(ranks)}  ({time.perf_counter() - started:.0f}s to cluster and build cards)")
    print(f"headline share {sum(head_share) / len(head_share):.3f}  (headlines from a gold story under 25%: "
          f"{sum(s < 0.25 for s in head_share)})")
    print(f"bullet share {sum(line_share) / max(len(line_share), 1):.3f} over {len(line_share)} title bullets")
    print(f"headline centrality rank: mean {sum(ranks) / len(ranks):.2f}, first {ranks.count(1) / len(ranks):.1%}")
    print(f"minority wins over {len(pairs)} merged pairs: "
          f"{_minority_wins(sorted(pairs), gold, (0.2, 0.3), 3, outlets)}")
    print(f"MH370 + Courtney Love, Courtney's headline: "
          f"{_minority_wins([(MH370, COURTNEY)], gold, (0.05, 0.1, 0.2, 0.3, 0.4), 5, outlets)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
