"""How many stories the blindspot rule flags on the UCI dev week, before and after, and a file of flagged
stories to check by hand: one command.

    .venv/bin/python bench/blindspot_check.py [--shared ../shared] [--out bench/data/blindspot-check.jsonl]

The stories are UCI's gold stories cut per day (a story of a day is its articles published that day); each
day's window is that day's and the previous day's stories, as the bot's corpus holds 48 hours. Outlets are
rated by the bundled table (news/data/outlets.csv) from the article's URL, as the bot rates its feeds. Printed:

- the window's partisan mix (left and right appearances over public-affairs stories, and over all);
- stories flagged by main's rule (copied below as `old_rule`: at least 6 rated outlets making a quarter of the
  sources, the missing side at most 15 % and the other at least half), by the binomial test alone (every story,
  public affairs or not), and by the bot's rule (public affairs, news.affairs, and the test, news.coverage);
- with --out, the stories for the hand check as JSON lines (counts, public-affairs score, verdicts): every story
  flagged by either rule, then, as the new rule flags few or none here, the stories nearest to being flagged by
  the test alone (smallest p-value against all the window's stories, public affairs or not), up to --check.
  bench/data/blindspot-check.md holds the 50 checked by hand and the verdicts.

Measured: gold stories over the week: 366 stories, 5 public affairs, main's rule 6 flags, the test alone 0, the
bot's rule 0. --clustered (850 stories of the production clusterer): 47 public affairs (small stories),
main's rule 1, the test alone 0, the bot's rule 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from news.affairs import load_affairs_model
from news.cluster import cluster_records
from news.coverage import SideMix, blindspot_of, coverage_of, lower_tail
from news.sources import load_outlets
from news.types import Coverage, StoryArticle

REPO = Path(__file__).resolve().parent.parent


def old_rule(coverage: Coverage) -> str | None:
    """main's rule before this change (news/coverage.py at 2a677f1)."""
    rated, sources = coverage.rated, coverage.rated + coverage.unrated
    if rated < 6 or rated < 0.25 * sources:
        return None
    left, right = coverage.left / rated, coverage.right / rated
    if left <= 0.15 and right >= 0.5:
        return "left"
    if right <= 0.15 and left >= 0.5:
        return "right"
    return None


def _p_value(coverage: Coverage, expected: SideMix) -> float:
    """The smaller one-sided binomial p-value of the two sides (1.0 without partisan outlets)."""
    n = coverage.left + coverage.right
    if not n:
        return 1.0
    return min(lower_tail(coverage.left, n, expected.expected("left")),
               lower_tail(coverage.right, n, expected.expected("right")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--check", type=int, default=50, help="stories written for the hand check")
    parser.add_argument("--per-day", action="store_true", help="cut the gold stories per day (default: whole)")
    parser.add_argument("--clustered", action="store_true",
                        help="the production clusterer's stories (news.cluster.cluster_records), not the gold ones")
    args = parser.parse_args()
    outlets, model = load_outlets(), load_affairs_model()
    with (args.shared / "bench" / "uci-dev.jsonl").open(encoding="utf-8") as handle:
        items = [json.loads(line) for line in handle]
    story_of = dict(cluster_records(items)) if args.clustered else {item["id"]: item["story"] for item in items}
    stories: dict[tuple[str, str], list[StoryArticle]] = defaultdict(list)
    for item in items:
        stories[(item["published"][:10] if args.per_day else "week", story_of[item["id"]])].append(StoryArticle(
            title=item["title"], url=item["url"], source_name=item["source"],
            outlet=outlets.by_domain(item["url"]) if item["url"] else None))
    days = sorted({day for day, _story in stories})
    coverage = {key: coverage_of(articles) for key, articles in stories.items()}
    affairs = {key: model.score(articles) for key, articles in stories.items()}
    counts = {"stories": 0, "public affairs": 0, "old rule": 0, "test alone": 0, "new rule": 0}
    flagged = []
    for n, day in enumerate(days):
        window = [key for key in stories if key[0] in days[max(0, n - 1): n + 1]]
        public = [key for key in window if affairs[key] >= 0.35]
        mix = SideMix(sum(coverage[k].left for k in public), sum(coverage[k].right for k in public))
        everything = SideMix(sum(coverage[k].left for k in window), sum(coverage[k].right for k in window))
        print(f"{day}: {len([k for k in window if k[0] == day])} stories; window of {len(window)}, "
              f"{len(public)} public affairs: partisan appearances {mix.left} left, {mix.right} right "
              f"(all stories: {everything.left} left, {everything.right} right)")
        for key in (k for k in stories if k[0] == day):
            cov, is_public = coverage[key], affairs[key] >= 0.35
            own = SideMix(mix.left - cov.left, mix.right - cov.right) if is_public else mix
            old, alone = old_rule(cov), blindspot_of(cov, SideMix(everything.left - cov.left,
                                                                  everything.right - cov.right))
            new = blindspot_of(cov, own) if is_public else None
            counts["stories"] += 1
            counts["public affairs"] += is_public
            counts["old rule"] += old is not None
            counts["test alone"] += alone is not None
            counts["new rule"] += new is not None
            alike = SideMix(everything.left - cov.left, everything.right - cov.right)
            flagged.append({"day": day, "title": stories[key][0].title, "articles": len(stories[key]),
                            "left": cov.left, "center": cov.center, "right": cov.right, "unrated": cov.unrated,
                            "public_affairs": round(affairs[key], 3), "old": old, "new": new,
                            "p": round(_p_value(cov, alike), 5)})
    print(", ".join(f"{name}: {value}" for name, value in counts.items()))
    if args.out:
        with args.out.open("w", encoding="utf-8") as handle:
            chosen = sorted(flagged, key=lambda r: (not (r["old"] or r["new"]), r["p"], r["title"]))[: args.check]
            for row in chosen:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"wrote {len(chosen)} stories to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
