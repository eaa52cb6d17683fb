"""Story-clustering quality on the dev sets: one command, scores plus items/s.

    .venv/bin/python bench/cluster_quality.py [--shared ../shared] [--direct]

Runs `python -m bot.cli cluster-file IN --out OUT` when bot/cli.py has that subcommand, else calls
`news.cluster.cluster_records` in-process (it says which), then scores the predictions with the
benchmark's own score.py: UCI per day, AllSides pooled.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from news.cluster import ClusterParams, cluster_records  # noqa: E402

DATASETS = (("uci-dev.jsonl", ["--per-day"]), ("allsides-dev.jsonl", []))


def cli_has_cluster_file() -> bool:
    cli = REPO / "bot" / "cli.py"
    return cli.exists() and "cluster-file" in cli.read_text(encoding="utf-8")


def sort_key(indexed: tuple[int, dict[str, Any]]) -> tuple[int, str, int]:
    position, rec = indexed
    published = rec.get("published")
    return (0, "", position) if not published else (1, str(published), position)


def predict_direct(gold: Path, out: Path) -> int:
    with gold.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    ordered = [rec for _, rec in sorted(enumerate(rows), key=sort_key)]
    records = [{k: v for k, v in rec.items() if k != "story"} for rec in ordered]
    with out.open("w", encoding="utf-8") as f:
        for item_id, story in cluster_records(records, ClusterParams()):
            f.write(json.dumps({"id": item_id, "story": story}) + "\n")
    return len(records)


def predict_cli(gold: Path, out: Path) -> int:
    cmd = [sys.executable, "-m", "bot.cli", "cluster-file", str(gold), "--out", str(out)]
    subprocess.run(cmd, cwd=REPO, check=True)
    with gold.open(encoding="utf-8") as f:
        return sum(1 for line in f if line.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="dir holding bench/")
    parser.add_argument("--direct", action="store_true", help="call cluster_records even if the CLI exists")
    args = parser.parse_args()
    bench_dir = args.shared / "bench"
    use_cli = cli_has_cluster_file() and not args.direct
    print(f"method: {'python -m bot.cli cluster-file' if use_cli else 'news.cluster.cluster_records (direct)'}")
    print(f"params: {ClusterParams()}")
    with tempfile.TemporaryDirectory(prefix="cluster-quality-") as tmp:
        for name, score_args in DATASETS:
            gold = bench_dir / name
            pred = Path(tmp) / f"pred-{name}"
            start = time.perf_counter()
            n = predict_cli(gold, pred) if use_cli else predict_direct(gold, pred)
            seconds = time.perf_counter() - start
            print(f"\n== {name}: {n} items in {seconds:.1f}s = {n / seconds:,.0f} items/s")
            scored = subprocess.run(
                [sys.executable, str(bench_dir / "score.py"), str(gold), str(pred), *score_args],
                capture_output=True, text=True, check=False,
            )
            print(scored.stdout.rstrip() or scored.stderr.rstrip())
            if scored.returncode:
                return scored.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
