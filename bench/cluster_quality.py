"""Story-clustering quality on the dev sets: one command, scores plus items/s.

    .venv/bin/python bench/cluster_quality.py [--shared ../shared] [--direct] [--ablations] [--embeddings]
                                              [--orders N]

Runs `python -m bot.cli cluster-file IN --out OUT` when bot/cli.py has that subcommand, else calls
`news.cluster.cluster_records` in-process (it says which), then scores the predictions with the
benchmark's own score.py: UCI per day, AllSides pooled. `--ablations` then also scores the
default parameters with one feature switched off at a time (in-process, thresholds not re-tuned).
`--embeddings` runs the hybrid TF-IDF + MiniLM path (needs storybot[embeddings]) and prints the
encoder's throughput; items/s end to end then includes encoding.

`--orders N` also scores N-1 other arrival orders (in-process). Items with the same `published`
value (a whole UCI day; all of AllSides) may arrive in any order, and an online clusterer's
result depends on it by up to 0.02, so one order is a noisy estimate of a held-out set. Each extra
order shuffles the ties with a fixed seed (1, 2, ...); the summary line gives the mean over all
N orders, file order included. Defaults are tuned on that mean.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from news.cluster import DEFAULT_PARAMS, ClusterParams, cluster_records

if TYPE_CHECKING:
    from news.embed import FloatMatrix

REPO = Path(__file__).resolve().parent.parent

DATASETS: tuple[tuple[str, list[str]], ...] = (("uci-dev.jsonl", ["--per-day"]), ("allsides-dev.jsonl", []))
NO_MERGES = {"merge_threshold": 2.0, "long_text_merge_threshold": 2.0}
ABLATIONS: dict[str, dict[str, Any]] = {
    "online only (no refinement)": {"refine_every_minutes": 0.0},
    "refinement without hindsight IDF (terms weighed as at arrival)": {"refine_hindsight": False},
    "online merges instead of refinement (the previous default)": {
        "refine_every_minutes": 0.0, "merge_threshold": 0.35, "long_text_merge_threshold": 0.60},
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


class CachedEncoder:
    """The MiniLM encoder, remembering each text's vector so that extra orders do not re-encode."""

    def __init__(self) -> None:
        from news.embed import MiniLMEncoder

        self.inner = MiniLMEncoder()
        self.dim: int = self.inner.dim
        self._seen: dict[str, Any] = {}

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if missing:
            self._seen.update(zip(missing, self.inner.encode(missing), strict=True))
        return np.stack([self._seen[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def predict_direct(
    gold: Path, out: Path, params: ClusterParams = DEFAULT_PARAMS, encoder: CachedEncoder | None = None,
    seed: int = 0,
) -> int:
    """Cluster in `published` order; ties in file order (seed 0) or shuffled with `seed`."""
    with gold.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    positions = list(range(len(rows)))
    if seed:
        random.Random(seed).shuffle(positions)
    ordered = [rec for _, rec in sorted(zip(positions, rows, strict=True), key=sort_key)]
    records = [{k: v for k, v in rec.items() if k != "story"} for rec in ordered]
    with out.open("w", encoding="utf-8") as f:
        for item_id, story in cluster_records(records, params, encoder):
            f.write(json.dumps({"id": item_id, "story": story}) + "\n")
    return len(records)


def summary_scores(out: str) -> tuple[float, float]:
    """(B-cubed F1, pairwise F1) from score.py's last line."""
    found = re.search(r"bcubed_f1=([\d.]+) pairwise_f1=([\d.]+)", out)
    if not found:
        raise ValueError(f"unexpected score.py output: {out!r}")
    return float(found.group(1)), float(found.group(2))


def run_orders(
    bench_dir: Path, tmp: Path, name: str, score_args: list[str], first: str, orders: int,
    encoder: CachedEncoder | None,
) -> None:
    scores = [summary_scores(first)]
    for seed in range(1, orders):
        pred = tmp / f"order{seed}-{name}"
        predict_direct(bench_dir / name, pred, encoder=encoder, seed=seed)
        _, out = score(bench_dir, bench_dir / name, pred, score_args)
        scores.append(summary_scores(out))
    b3 = [b for b, _ in scores]
    pw = [p for _, p in scores]
    print(f"orders: file + {orders - 1} shuffles of ties   bcubed_f1 " + " ".join(f"{x:.3f}" for x in b3)
          + "   pairwise_f1 " + " ".join(f"{x:.3f}" for x in pw))
    print(f"mean over {orders} orders: bcubed_f1={statistics.mean(b3):.3f} pairwise_f1={statistics.mean(pw):.3f}"
          f"   (min {min(b3):.3f} / {min(pw):.3f})")


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
    parser.add_argument("--orders", type=int, default=1, help="also score N-1 shuffled orders of ties; print means")
    args = parser.parse_args()
    bench_dir = args.shared / "bench"
    use_cli = cli_has_cluster_file() and not args.direct
    print(f"method: {'python -m bot.cli cluster-file' if use_cli else 'news.cluster.cluster_records (direct)'}"
          + (" with MiniLM embeddings (hybrid)" if args.embeddings else ""))
    print(f"params: {ClusterParams()}")
    encoder = CachedEncoder() if args.embeddings and (args.orders > 1 or not use_cli) else None
    with tempfile.TemporaryDirectory(prefix="cluster-quality-") as tmp:
        for name, score_args in DATASETS:
            gold = bench_dir / name
            pred = Path(tmp) / f"pred-{name}"
            start = time.perf_counter()
            before = (encoder.inner.encoded, encoder.inner.seconds) if encoder is not None else (0, 0.0)
            n = predict_cli(gold, pred, args.embeddings) if use_cli else predict_direct(gold, pred, encoder=encoder)
            seconds = time.perf_counter() - start
            print(f"\n== {name}: {n} items in {seconds:.1f}s = {n / seconds:,.0f} items/s (end to end)")
            if encoder is not None and not use_cli:
                texts, spent = encoder.inner.encoded - before[0], encoder.inner.seconds - before[1]
                print(f"encoded {texts} texts in {spent:.1f}s = {texts / spent if spent else 0:,.0f} items/s")
            code, out = score(bench_dir, gold, pred, score_args)
            print(out)
            if code:
                return code
            if args.orders > 1:
                run_orders(bench_dir, Path(tmp), name, score_args, out, args.orders, encoder)
        if args.ablations:
            run_ablations(bench_dir, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
