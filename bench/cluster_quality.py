"""Story-clustering quality on the dev sets: one command, scores plus items/s.

    .venv/bin/python bench/cluster_quality.py [--shared ../shared] [--direct] [--ablations] [--embeddings]

Runs `python -m bot.cli cluster-file IN --out OUT` when bot/cli.py has that subcommand, else calls
`news.cluster.cluster_records` in-process (it says which), then scores the predictions with the
benchmark's own score.py: UCI per day, AllSides pooled. `--ablations` then also scores the
default parameters with one feature switched off at a time (in-process, thresholds not re-tuned).
`--embeddings` runs the hybrid TF-IDF + MiniLM path (needs storybot[embeddings]) and prints the
encoder's throughput; items/s end to end then includes encoding.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from news.cluster import DEFAULT_PARAMS, ClusterParams, cluster_records  # noqa: E402

DATASETS = (("uci-dev.jsonl", ["--per-day"]), ("allsides-dev.jsonl", []))
NO_MERGES = {"merge_threshold": 2.0, "long_text_merge_threshold": 2.0}
ABLATIONS: dict[str, dict[str, Any]] = {
    "no name/number boost": {"entity_boost": 1.0, "number_boost": 1.0},
    "no headline bigrams": {"bigram_weight": 0.0},
    "no time penalty": {"time_penalty": 0.0},
    "no preference for larger stories": {"prefer_large": 0.0},
    "no same-outlet bonus": {"same_source_penalty": 0.0},
    "no size-aware threshold": {"long_text_size_slope": 0.0},
    "no merges": NO_MERGES,
    "plain TF-IDF centroid (all of the above off)": {
        "entity_boost": 1.0, "long_text_entity_boost": 1.0, "number_boost": 1.0, "title_boost": 1.0,
        "bigram_weight": 0.0, "time_penalty": 0.0, "same_source_penalty": 0.0, "prefer_large": 0.0,
        "long_text_same_source_penalty": 0.0,
        "long_text_size_slope": 0.0, **NO_MERGES,
    },
}


def cli_has_cluster_file() -> bool:
    cli = REPO / "bot" / "cli.py"
    return cli.exists() and "cluster-file" in cli.read_text(encoding="utf-8")


def sort_key(indexed: tuple[int, dict[str, Any]]) -> tuple[int, str, int]:
    position, rec = indexed
    published = rec.get("published")
    return (0, "", position) if not published else (1, str(published), position)


def predict_direct(gold: Path, out: Path, params: ClusterParams = DEFAULT_PARAMS, embeddings: bool = False) -> int:
    with gold.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    ordered = [rec for _, rec in sorted(enumerate(rows), key=sort_key)]
    records = [{k: v for k, v in rec.items() if k != "story"} for rec in ordered]
    encoder = None
    if embeddings:
        from news.embed import MiniLMEncoder

        encoder = MiniLMEncoder()
    with out.open("w", encoding="utf-8") as f:
        for item_id, story in cluster_records(records, params, encoder):
            f.write(json.dumps({"id": item_id, "story": story}) + "\n")
    if encoder is not None:
        print(f"encoded {encoder.encoded} texts in {encoder.seconds:.1f}s = {encoder.rate():,.0f} items/s")
    return len(records)


def predict_cli(gold: Path, out: Path, embeddings: bool = False) -> int:
    cmd = [sys.executable, "-m", "bot.cli", "cluster-file", str(gold), "--out", str(out)]
    cmd += ["--embeddings"] if embeddings else []
    subprocess.run(cmd, cwd=REPO, check=True)
    with gold.open(encoding="utf-8") as f:
        return sum(1 for line in f if line.strip())


def score(bench_dir: Path, gold: Path, pred: Path, score_args: list[str]) -> tuple[int, str]:
    scored = subprocess.run(
        [sys.executable, str(bench_dir / "score.py"), str(gold), str(pred), *score_args],
        capture_output=True, text=True, check=False,
    )
    return scored.returncode, scored.stdout.rstrip() or scored.stderr.rstrip()


def run_ablations(bench_dir: Path, tmp: Path) -> None:
    print("\n== ablations (in-process; one change from the defaults, thresholds not re-tuned)")
    for name, change in ABLATIONS.items():
        params = dataclasses.replace(ClusterParams(), **change)
        lines = []
        for dataset, score_args in DATASETS:
            pred = tmp / f"ablation-{dataset}"
            predict_direct(bench_dir / dataset, pred, params)
            _, out = score(bench_dir, bench_dir / dataset, pred, score_args)
            lines.append(f"{dataset.split('-')[0]}: {out.splitlines()[-1]}")
        print(f"{name:46s} " + "   ".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="dir holding bench/")
    parser.add_argument("--direct", action="store_true", help="call cluster_records even if the CLI exists")
    parser.add_argument("--ablations", action="store_true", help="also score one-feature-off variants")
    parser.add_argument("--embeddings", action="store_true", help="hybrid TF-IDF + MiniLM (storybot[embeddings])")
    args = parser.parse_args()
    bench_dir = args.shared / "bench"
    use_cli = cli_has_cluster_file() and not args.direct
    print(f"method: {'python -m bot.cli cluster-file' if use_cli else 'news.cluster.cluster_records (direct)'}"
          + (" with MiniLM embeddings (hybrid)" if args.embeddings else ""))
    print(f"params: {ClusterParams()}")
    with tempfile.TemporaryDirectory(prefix="cluster-quality-") as tmp:
        for name, score_args in DATASETS:
            gold = bench_dir / name
            pred = Path(tmp) / f"pred-{name}"
            start = time.perf_counter()
            if use_cli:
                n = predict_cli(gold, pred, args.embeddings)
            else:
                n = predict_direct(gold, pred, embeddings=args.embeddings)
            seconds = time.perf_counter() - start
            print(f"\n== {name}: {n} items in {seconds:.1f}s = {n / seconds:,.0f} items/s (end to end)")
            code, out = score(bench_dir, gold, pred, score_args)
            print(out)
            if code:
                return code
        if args.ablations:
            run_ablations(bench_dir, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
