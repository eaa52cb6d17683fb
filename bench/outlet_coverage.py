"""How much of the news the outlet table rates: bundled feeds, articles and stories, before and after.

    python bench/outlet_coverage.py [--mbfc combined.json] [--allsides allsides_pub_data.json]

Tables compared, each on the same data:
- `main`: news/data/outlets.csv as on the `main` branch (`git show main:...`), the baseline;
- `bundled`: the table in this tree;
- `+ MBFC import` / `+ AllSides import`: the bundled table after `storybot outlets import` of the copy given
  (news.outlets_import, as the command runs it), when a path is given.
Data: the 102 bundled feeds (news/data/default_feeds.opml), and ../shared/bench's UCI week (uci-dev.jsonl:
an article's outlet by its link's domain) and AllSides roundups (allsides-dev.jsonl: by link, else by the source
name). Printed per table: feeds whose outlet has a bias (and how many of those cite a page), articles whose
outlet has a bias, stories with at least one rated outlet, and the median story's share of rated outlets.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
from collections import defaultdict
from pathlib import Path

from news.opml import load_default_feeds
from news.outlets_import import merge_published
from news.published import read_published
from news.sources import OutletDirectory, domain_of, load_outlets, parse_outlets_csv
from news.types import Outlet

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"  # ../shared/bench


def _main_table() -> OutletDirectory:
    text = subprocess.run(["git", "show", "main:news/data/outlets.csv"], capture_output=True, text=True,
                          check=True).stdout
    return OutletDirectory(parse_outlets_csv(text, "main:news/data/outlets.csv"))


def _imported(path: Path, checked: str) -> OutletDirectory:
    bundled = load_outlets()
    result = merge_published(bundled, [], read_published(path.read_bytes()), checked)
    return bundled.with_overrides(result.rows)


def _items(name: str) -> list[dict[str, str]]:
    path = BENCH / name
    return [json.loads(line) for line in path.open(encoding="utf-8")] if path.exists() else []


def _outlet(directory: OutletDirectory, by_name: dict[str, Outlet], item: dict[str, str]) -> Outlet | None:
    found = directory.by_domain(domain_of(item.get("url") or ""))
    return found or by_name.get((item.get("source") or "").casefold())


def _stories(directory: OutletDirectory, items: list[dict[str, str]]) -> tuple[float, float, float]:
    """(share of articles with a rated outlet, share of stories with one, median story's share of rated outlets)."""
    by_name = {o.name.casefold(): o for o in directory}
    outlets: dict[str, dict[str, bool]] = defaultdict(dict)
    rated_items = 0
    for item in items:
        outlet = _outlet(directory, by_name, item)
        rated = outlet is not None and outlet.bias is not None
        rated_items += rated
        key = outlet.name if outlet else (item.get("source") or domain_of(item.get("url") or "") or item["id"])
        outlets[item["story"]][key] = rated
    shares = [sum(seen.values()) / len(seen) for seen in outlets.values()]
    return (rated_items / len(items), sum(1 for s in shares if s > 0) / len(shares), statistics.median(shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mbfc", type=Path, help="an MBFC export (combined.json) to import")
    parser.add_argument("--allsides", type=Path, help="an AllSides table to import")
    args = parser.parse_args()
    tables = {"main (baseline)": _main_table(), "bundled": load_outlets()}
    if args.mbfc:
        tables["+ MBFC import"] = _imported(args.mbfc, "2026-08-19")
    if args.allsides:
        tables["+ AllSides import"] = _imported(args.allsides, "2025-09-11")
    feeds = load_default_feeds()
    data = {name: _items(name) for name in ("uci-dev.jsonl", "allsides-dev.jsonl")}
    print(f"{'table':<20} {'feeds rated':>12} {'cite a page':>12} | " + " | ".join(
        f"{name.split('-')[0]}: {'articles':>8} {'stories':>8} {'median':>7}" for name, items in data.items()
        if items))
    for label, directory in tables.items():
        outlets = [directory.by_domain(domain_of(feed.url)) for feed in feeds]
        rated = [o for o in outlets if o is not None and o.bias is not None]
        cited = [o for o in rated if o.bias_from is not None and o.bias_from.url]
        cells = [f"{label:<20} {len(rated):>6}/{len(feeds):<5} {len(cited):>6}/{len(feeds):<5}"]
        for name, items in data.items():
            if items:
                articles, stories, median = _stories(directory, items)
                cells.append(f"{name.split('-')[0]}: {articles:>8.1%} {stories:>8.1%} {median:>7.1%}")
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
