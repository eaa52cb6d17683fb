"""Story purity on the dev sets: how many articles sit outside their story's event, and how many cards show them.

    .venv/bin/python bench/purity.py [--shared ../shared] [--orders 2] [--set uci|allsides|both]
                                     [--params name=value ...]

Each set is clustered with the production path (news.cluster.cluster_stream: online assignment, refinement
passes paced by `published`), in file order and in `--orders - 1` shuffles of the ties (seeds 1, 2, ...).
Printed per set and order, beside the clustering scores (score.py) and the cost in items/s:

- article impurity: the share of articles outside their story's main gold group. UCI reuses an event under
  a new gold id each day (see ../shared/bench/README.md), so there the main group is taken per story and day;
- card impurity: the share of cards (stories of 2+ articles) whose headline, lede or a bullet comes from an
  article of another gold story (UCI: of no day's main group of that story). Cards are built by
  news.summary.build_story_view, as the bot builds them; a line is traced to the articles that carry its text.

`--params eject_core_share=0` (for example) scores another parameter set. For a before/after in one sitting, run
main's code beside it: `PYTHONPATH=<a clone of main> python bench/purity.py` runs this script with the
engine of that clone.

Figures (one sitting, 2 shared cores, load about 2; mean of file order and shuffle 1; base = 2a677f1 beside the
code with #24's incremental refinement and this eject merged): UCI B3 0.838 -> 0.839, pairwise 0.822 -> 0.823,
articles outside 10.81% -> 10.66%, impure cards 28.3% -> 26.4%, clustering 4,335/4,162 -> 4,814/4,789 items/s;
AllSides B3 0.746 and pairwise 0.550 unchanged, articles outside 11.74% unchanged (no outlet names there, and its
mixed stories are same-topic events, a trial and its verdict, that share every name), impure cards 29.5% -> 24.7%.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cluster_quality import score, sort_key, summary_scores

from news.cluster import ClusterParams, cluster_stream, params_with
from news.summary import build_story_view
from news.types import StoryArticle

REPO = Path(__file__).resolve().parent.parent
SETS = {"uci": ("uci-dev.jsonl", ["--per-day"]), "allsides": ("allsides-dev.jsonl", [])}
_NOW = datetime(2030, 1, 1, tzinfo=UTC)
Row = dict[str, Any]


def ordered(rows: list[Row], seed: int) -> list[Row]:
    positions = list(range(len(rows)))
    if seed:
        random.Random(seed).shuffle(positions)
    return [rec for _, rec in sorted(zip(positions, rows, strict=True), key=sort_key)]


def _day(row: Row) -> str:
    return str(row.get("published") or "")[:10]


def _main_groups(members: list[Row]) -> dict[str, str]:
    """Day -> the gold story most of the story's articles of that day belong to (one pool when undated)."""
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    for row in members:
        by_day[_day(row)][row["story"]] += 1
    return {day: counts.most_common(1)[0][0] for day, counts in by_day.items()}


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def _carriers(line: str, members: list[Row]) -> list[Row]:
    """The articles whose title or lead carries `line` (a title may have lost its site name, "..." or case)."""
    squashed = _squash(line.rstrip("…"))
    return [r for r in members if line in (r.get("summary") or "") or (squashed and squashed in _squash(r["title"]))]


def _article(row: Row) -> StoryArticle:
    published = row.get("published")
    when = datetime.fromisoformat(str(published).replace("Z", "+00:00")) if published else None
    return StoryArticle(title=row["title"], url=row.get("url") or "", summary=row.get("summary") or "",
                        source_name=row.get("source") or "", published=when)


def card_is_impure(members: list[Row]) -> bool:
    mains = set(_main_groups(members).values())
    view = build_story_view(1, [_article(r) for r in members], _NOW)
    for line in (view.headline, view.lede, *view.bullets):
        carriers = _carriers(line, members) if line else []
        if carriers and all(r["story"] not in mains for r in carriers):
            return True
    return False


def purity(rows: list[Row], final: dict[str, str]) -> tuple[float, float, int]:
    """(article impurity, card impurity, cards) of one clustering."""
    stories: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        stories[final[str(row["id"])]].append(row)
    outside = 0
    cards = impure = 0
    for members in stories.values():
        mains = _main_groups(members)
        outside += sum(r["story"] != mains[_day(r)] for r in members)
        if len(members) >= 2:
            cards += 1
            impure += card_is_impure(members)
    return outside / len(rows), impure / max(cards, 1), cards


def run_set(bench_dir: Path, name: str, score_args: list[str], orders: int, params: ClusterParams) -> None:
    gold = bench_dir / name
    rows = [json.loads(line) for line in gold.open(encoding="utf-8") if line.strip()]
    print(f"\n== {name}")
    figures: list[tuple[float, float, float, float]] = []
    for seed in range(orders):
        records = [{k: v for k, v in rec.items() if k != "story"} for rec in ordered(rows, seed)]
        start = time.perf_counter()
        result = cluster_stream(records, params)
        rate = len(records) / (time.perf_counter() - start)
        with tempfile.TemporaryDirectory(prefix="purity-") as tmp:
            pred = Path(tmp) / "pred.jsonl"
            pred.write_text("".join(json.dumps({"id": k, "story": v}) + "\n" for k, v in result.final.items()))
            code, out = score(bench_dir, gold, pred, score_args)
        if code:
            print(out)
            sys.exit(code)
        b3, pw = summary_scores(out)
        articles, cards, count = purity(rows, result.final)
        figures.append((b3, pw, articles, cards))
        label = "file order" if seed == 0 else f"shuffle {seed}"
        print(f"{label:11s} bcubed_f1={b3:.3f} pairwise_f1={pw:.3f}  articles outside their story's gold group "
              f"{articles:.2%}  impure cards {cards:.2%} of {count}  ({rate:,.0f} items/s clustering)")
    if orders > 1:
        means = [statistics.mean(f[i] for f in figures) for i in range(4)]
        print(f"mean of {orders}   bcubed_f1={means[0]:.3f} pairwise_f1={means[1]:.3f}  articles outside "
              f"{means[2]:.2%}  impure cards {means[3]:.2%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="dir holding bench/")
    parser.add_argument("--orders", type=int, default=2, help="file order plus N-1 shuffles of ties")
    parser.add_argument("--set", choices=("uci", "allsides", "both"), default="both")
    parser.add_argument("--params", nargs="*", default=[], metavar="NAME=VALUE", help="cluster parameter overrides")
    args = parser.parse_args()
    overrides = {k: (v.lower() == "true" if v.lower() in ("true", "false") else float(v))
                 for k, v in (p.split("=", 1) for p in args.params)}
    params = params_with(**overrides)
    print(f"overrides: {overrides or 'none (the defaults)'}")
    for key in ("uci", "allsides") if args.set == "both" else (args.set,):
        name, score_args = SETS[key]
        run_set(args.shared / "bench", name, score_args, args.orders, params)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
