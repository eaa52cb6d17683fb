"""Refinement cost: time per pass at 5k/10k/20k open articles, and the default path's throughput with it.

    .venv/bin/python bench/refine.py [--shared ../shared] [--items 120000] [--sizes 5000,10000,20000]

1. Pass time: the first N items of uci-dev (published order) go through the online path with a window
   long enough that all N stay open; then one refinement pass (the first, which moves most: every story
   is new to it), a second one (what the first merged, and its neighbourhood), and one after 100 more
   articles (the steady state of a live feed: a pass every few minutes) are timed, wall and CPU.
2. Throughput: the 120k-item stream of bench/cluster_speed.py (uci-dev repeated, shifted by whole
   weeks) through the default path, online assignment plus refinement passes paced by `published`
   (news.cluster.stream; the stream's times are whole days, so one pass per new day), against the
   online path alone in the same run. Reports items/s, last-10k / first-10k cost, passes and churn.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from cluster_speed import SLICE, load_items, stream  # bench/ is the script's directory

from news.cluster import ClusterParams, OnlineClusterer, params_with
from news.types import ClusterItem

REPO = Path(__file__).resolve().parent.parent


def pass_times(items: list[ClusterItem], sizes: list[int]) -> None:
    params = params_with(window_hours=24 * 365, refine_every_minutes=0)  # nothing expires: N open articles
    for size in sizes:
        clusterer = OnlineClusterer(params)
        for item in items[:size]:
            clusterer.assign(item)
        open_now = len(clusterer.open_members())
        start, cpu_start = time.perf_counter(), time.process_time()
        first = clusterer.refine()
        middle, cpu_middle = time.perf_counter(), time.process_time()
        second = clusterer.refine()
        end, cpu_end = time.perf_counter(), time.process_time()
        print(f"{open_now:>6,} open articles: first pass {middle - start:.2f}s (CPU {cpu_middle - cpu_start:.2f}s; "
              f"{first.moved} moved, {len(first.merges)} merges, {len(first.splits)} splits); "
              f"second pass {end - middle:.2f}s (CPU {cpu_end - cpu_middle:.2f}s; {second.moved} moved)")
        for item in items[size:size + 100]:  # a few minutes of news, then the pass that follows
            clusterer.assign(item)
        start, cpu_start = time.perf_counter(), time.process_time()
        third = clusterer.refine()
        print(f"{'':>6} after 100 new articles: pass {time.perf_counter() - start:.2f}s "
              f"(CPU {time.process_time() - cpu_start:.2f}s; {third.moved} moved, {len(third.articles)} examined)")


def run_stream(data: list[ClusterItem], params: ClusterParams) -> tuple[list[float], list[tuple[int, int, float]]]:
    """Per-item cumulative seconds, and per pass (open articles, moved, seconds)."""
    clusterer = OnlineClusterer(params)
    every = params.refine_every_minutes * 60.0
    last_pass: float | None = None
    passes: list[tuple[int, int, float]] = []
    stamps = [0.0] * (len(data) + 1)
    clock = time.perf_counter
    start = clock()
    for i, item in enumerate(data):
        assert item.published is not None
        when = item.published.timestamp()
        if every > 0:
            if last_pass is None:
                last_pass = when
            elif when - last_pass >= every:
                before = clock()
                revision = clusterer.refine()
                passes.append((len(revision.stories), revision.moved, clock() - before))
                last_pass = when
        clusterer.assign(item)
        stamps[i + 1] = clock() - start
    return stamps, passes


def report(name: str, stamps: list[float]) -> float:
    n = len(stamps) - 1
    first = stamps[min(SLICE, n)] / min(SLICE, n)
    last = (stamps[n] - stamps[max(0, n - SLICE)]) / min(SLICE, n)
    print(f"{name}: {n / stamps[-1]:,.0f} items/s ({stamps[-1]:.1f}s); first {SLICE:,}: {first * 1e6:.0f} us/item, "
          f"last {SLICE:,}: {last * 1e6:.0f} us/item, ratio {last / first:.2f}")
    return n / stamps[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--items", type=int, default=120_000)
    parser.add_argument("--sizes", default="5000,10000,20000")
    args = parser.parse_args()
    items, weeks = load_items(args.shared / "bench" / "uci-dev.jsonl")
    print("== time per refinement pass")
    pass_times(items, [int(s) for s in args.sizes.split(",")])
    print(f"\n== throughput, {args.items:,}-item stream (uci-dev repeated, shifted {weeks} weeks per copy)")
    data = stream(items, weeks, args.items)
    gc.freeze()
    online, _ = run_stream(data, params_with(refine_every_minutes=0))
    full, passes = run_stream(data, ClusterParams())
    base = report("online only (baseline)", online)
    rate = report("default path (online + refinement)", full)
    seconds = [s for _, _, s in passes]
    moved = [m for _, m, _ in passes]
    share = [m / n for n, m, _ in passes if n]
    print(f"refinement: {len(passes)} passes, median {statistics.median(seconds):.2f}s, max {max(seconds):.2f}s; "
          f"moved per pass median {statistics.median(moved):.0f} ({statistics.median(share):.1%} of open), "
          f"max {max(moved)}; throughput {rate / base:.2f}x the online path alone")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
