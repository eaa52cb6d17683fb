"""`storybot cluster-file` whole command, this tree against a baseline git ref, interleaved: items/s.

    .venv/bin/python bench/cluster_file_speed.py [--shared ../shared] [--items 120000] [--baseline main]
                                                 [--rounds 2] [--spread]

The stream is bench/cluster_speed.py's (uci-dev repeated, shifted by whole weeks). Its times are whole
days, so the default path refines once per new day; `--spread` spreads each day's items over the day
(a pass every CLUSTER_REFINE_MINUTES of stream time, as a live feed gives), which is where an
incremental pass matters. The baseline is `git archive`d into a temporary folder and both run the same
command as subprocesses, alternating (baseline first in odd rounds), so a loaded machine hurts both
alike. Reports medians of wall time and of CPU time (user + system of the child, less sensitive to other
load), the ratio, and whether both wrote the same stories.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from cluster_speed import load_items, stream  # bench/ is the script's directory

REPO = Path(__file__).resolve().parent.parent


def write_stream(path: Path, shared: Path, items: int, spread: bool) -> None:
    base, weeks = load_items(shared / "bench" / "uci-dev.jsonl")
    data = stream(base, weeks, items)
    per_day: dict[object, int] = {}
    for it in data:
        per_day[it.published] = per_day.get(it.published, 0) + 1
    seen: dict[object, int] = {}
    with path.open("w", encoding="utf-8") as out:
        for it in data:
            assert it.published is not None
            when = it.published
            if spread:
                n = seen[it.published] = seen.get(it.published, 0) + 1
                when = when + timedelta(seconds=86399 * (n - 1) / per_day[it.published])
            out.write(json.dumps({"id": it.key, "title": it.title, "summary": it.summary, "source": it.source,
                                  "url": "", "published": when.isoformat().replace("+00:00", "Z")}) + "\n")


def run(tree: Path, source: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one cluster-file run in `tree`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-m", "bot.cli", "cluster-file", str(source), "--out", str(out)],
                   cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def stories(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["story"] for line in f]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--items", type=int, default=120_000)
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--spread", action="store_true", help="spread each day's items over the day")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cluster-file-speed-") as tmp:
        folder = Path(tmp)
        baseline = folder / "baseline"
        baseline.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline], cwd=REPO, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive.stdout, check=True)
        source = folder / "stream.jsonl"
        write_stream(source, args.shared, args.items, args.spread)
        sides = {f"baseline ({args.baseline})": baseline, "this tree": REPO}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        for round_ in range(args.rounds):
            order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
            for name in order:
                times[name].append(run(sides[name], source, folder / f"{name[:4]}.jsonl"))
                wall, cpu = times[name][-1]
                print(f"round {round_ + 1} {name}: {wall:.1f}s wall, {cpu:.1f}s CPU", flush=True)
        load = os.getloadavg()
        kind = "spread over each day" if args.spread else "whole days"
        print(f"\n{args.items:,} items ({kind}), {args.rounds} rounds; load average now {load[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        medians = {}
        for name, runs in times.items():
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            medians[name] = (wall, cpu)
            print(f"{name}: median {args.items / wall:,.0f} items/s wall ({wall:.1f}s), "
                  f"{args.items / cpu:,.0f} items/s CPU ({cpu:.1f}s)")
        (base_wall, base_cpu), (mine_wall, mine_cpu) = medians.values()
        print(f"speed-up: {base_wall / mine_wall:.2f}x wall, {base_cpu / mine_cpu:.2f}x CPU")
        same = stories(folder / "base.jsonl") == stories(folder / "this.jsonl")
        print(f"same stories as the baseline: {'yes' if same else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
