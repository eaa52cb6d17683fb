"""Clusterer speed as history grows: items/s, first-vs-last 10k cost ratio, peak RSS.

    .venv/bin/python bench/cluster_speed.py [--shared ../shared] [--items 120000]

The stream repeats uci-dev.jsonl with dates shifted by whole weeks (two per copy, so copies
never overlap in time), making history grow while the window keeps the active set bounded.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path

from news.cluster import ClusterParams, OnlineClusterer
from news.types import ClusterItem

REPO = Path(__file__).resolve().parent.parent


SLICE = 10_000


def load_items(path: Path) -> tuple[list[ClusterItem], int]:
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    rows.sort(key=lambda r: r["published"] or "")
    items = [
        ClusterItem(
            key=r["id"], title=r["title"], summary=r["summary"], source=r["source"],
            published=datetime.fromisoformat(r["published"].replace("Z", "+00:00")),
        )
        for r in rows
    ]
    first, last = items[0].published, items[-1].published
    assert first is not None and last is not None
    weeks = (last - first).days // 7 + 1
    return items, weeks


def stream(items: list[ClusterItem], weeks_per_copy: int, total: int) -> list[ClusterItem]:
    out: list[ClusterItem] = []
    copy = 0
    while len(out) < total:
        shift = timedelta(weeks=weeks_per_copy * copy)
        for it in items[: total - len(out)]:
            assert it.published is not None
            out.append(ClusterItem(f"{it.key}-{copy}", it.title, it.summary, it.source, it.published + shift))
        copy += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--items", type=int, default=120_000)
    args = parser.parse_args()
    items, weeks = load_items(args.shared / "bench" / "uci-dev.jsonl")
    data = stream(items, weeks, args.items)
    gc.freeze()  # the 120k input items are the harness's, not the clusterer's: keep them out of GC scans
    counter = iter(range(1, 1 << 62))
    clusterer = OnlineClusterer(ClusterParams(), new_key=lambda: f"s{next(counter)}")
    stamps = [0.0] * (len(data) + 1)
    clock = time.perf_counter
    start = clock()
    for i, item in enumerate(data):
        clusterer.assign(item)
        stamps[i + 1] = clock() - start
    total = stamps[-1]
    n = len(data)
    first = stamps[min(SLICE, n)] / min(SLICE, n)
    last = (stamps[n] - stamps[max(0, n - SLICE)]) / min(SLICE, n)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items: {n:,} (uci-dev x{(n + len(items) - 1) // len(items)}, shifted {weeks} weeks per copy)")
    print(f"overall: {n / total:,.0f} items/s ({total:.1f}s)")
    print(f"first {SLICE:,}: {first * 1e6:.0f} us/item   last {SLICE:,}: {last * 1e6:.0f} us/item")
    print(f"ratio last/first: {last / first:.2f}")
    # The first 10k of the stream are a cold start on other days than the last 10k; the same
    # days in the first and the last copy compare like with like.
    copy_start = (n - 1) // len(items) * len(items)
    if copy_start and n - copy_start >= SLICE:
        same = (stamps[copy_start + SLICE] - stamps[copy_start]) / SLICE
        print(f"same days, last copy vs first copy: {same * 1e6:.0f} us/item, ratio {same / first:.2f}")
    print(f"active stories at end: {clusterer.active_stories:,}")
    print(f"peak RSS: {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
