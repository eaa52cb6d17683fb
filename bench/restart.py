"""Restart with embeddings on: time until stories are ready with 20,000 open articles, stored vectors vs none.

    .venv/bin/python bench/restart.py [--shared ../shared] [--open 20000] [--encode-sample 300]

Makes its own SQLite database in a temporary folder: the first N uci-dev items as articles, clustered (online
path) into stories that are all open, each with a stored float16 vector (384 dims, as MiniLM's). Then a fresh
StoryEngine (a restart) rebuilds the clusterer:
- with stored vectors: timed end to end (load the open stories' articles and vectors, replay them);
- without: the same replay, plus encoding every open article. With the embeddings extra installed, MiniLM encodes
  `--encode-sample` headlines and the full figure is extrapolated from its rate; without it, only the replay is
  timed and the encoding is left out (say so).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

from app.clustering import StoryEngine
from news.cluster import OnlineClusterer, params_with
from news.embed import FloatMatrix, embeddings_problem
from news.types import ClusterItem
from storage import stories as story_store
from storage import vectors as vector_store
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Article, Feed

REPO = Path(__file__).resolve().parent.parent
DIM = 384
NOW = datetime(2014, 3, 20, tzinfo=UTC)


class RandomEncoder:
    """Stands in for MiniLM where a vector is needed but its value is not (counts what it encodes)."""

    dim = DIM

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.encoded += len(texts)
        rows = np.random.default_rng(len(texts)).standard_normal((len(texts), DIM)).astype(np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def build(db: Database, rows: list[dict[str, str]]) -> None:
    params = params_with(window_hours=24 * 365)
    with db.session() as session:
        session.add(Feed(url="https://bench.example/feed.xml", title="bench"))
        session.flush()
        feed_id = session.scalar(select(Feed.id))
        base = NOW - timedelta(hours=len(rows) / 1000)
        values = [{"feed_id": feed_id, "dedup_key": str(n), "url": f"https://bench.example/{n}", "title": r["title"],
                   "summary": "", "published_at": base + timedelta(seconds=3.6 * n)} for n, r in enumerate(rows)]
        session.execute(insert(Article), values)
        articles = list(session.execute(select(Article.id, Article.title, Article.published_at).order_by(Article.id)))
        clusterer = OnlineClusterer(params)
        pairs = [(str(aid), clusterer.assign(ClusterItem(str(aid), title, published=when)))
                 for aid, title, when in articles]
        story_store.save_assignments(session, pairs, NOW)
        vectors = RandomEncoder().encode([t for _, t, _ in articles]).astype(np.float16)
        vector_store.save_vectors(session, f"RandomEncoder:{DIM}",
                                  [(aid, vec.tobytes()) for (aid, _, _), vec in zip(articles, vectors, strict=True)])


def restart(db: Database, encoder: RandomEncoder) -> float:
    engine = StoryEngine(db, params_with(window_hours=24 * 365), lambda: NOW, encoder)
    start = time.perf_counter()
    engine.cluster_pending()  # nothing pending: this is the rebuild from the database
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--encode-sample", type=int, default=300)
    args = parser.parse_args()
    with (args.shared / "bench" / "uci-dev.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for _, line in zip(range(args.open), f, strict=False)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/restart.db")
        upgrade(db)
        build(db, rows)
        stored = RandomEncoder()
        with_vectors = restart(db, stored)
        with db.session() as session:
            session.execute(vector_store.ArticleVector.__table__.delete())
        without = RandomEncoder()
        replay_only = restart(db, without)
        db.dispose()
    print(f"{len(rows):,} open articles; restart with stored vectors: {with_vectors:.1f}s "
          f"({stored.encoded} encoded)")
    line = f"without stored vectors: replay {replay_only:.1f}s + encoding {without.encoded:,} articles"
    if embeddings_problem() is None:
        from news.embed import MiniLMEncoder

        model = MiniLMEncoder()
        model.encode(["warm up"])
        sample = [r["title"] for r in rows[: args.encode_sample]]
        start = time.perf_counter()
        model.encode(sample)
        rate = len(sample) / (time.perf_counter() - start)
        line += f" at {rate:,.0f}/s (MiniLM, measured) = {replay_only + without.encoded / rate:.0f}s"
    else:
        line += " (embeddings extra not installed: encoding not timed)"
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
