"""Search quality on the AllSides dev pool: does `/story` find the story a reader means?

    .venv/bin/python bench/search_quality.py [--shared ../shared] [--database-url postgresql://...] [--limit N]

Every AllSides dev roundup becomes one story of its three articles (the gold grouping: this measures search, not
clustering) in a fresh database, through the real schema and search index. For each story the query is the 2 to 4
rarest words (by document frequency over the pool) of the editors' neutral headline, which no article carries
verbatim. The search is the product's (`Stories.search`, the same as `/story` and inline mode). Reported: top-1
accuracy and mean reciprocal rank over the top 10. AllSides items have no dates, so each story gets a random time
in the last three days (fixed seed): the recency prior then carries no information, as it should not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from app.runtime import Core
from app.settings import Settings
from news.words import SEARCH_STOP_WORDS, tokens
from storage.migrate import upgrade
from storage.models import Article, Feed, Story

NOW = datetime(2026, 7, 31, 18, 0, tzinfo=UTC)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def seed(core: Core, items: list[dict[str, Any]], rng: random.Random) -> dict[str, int]:
    """One story per gold label; returns label -> story id."""
    stories: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        stories.setdefault(str(item["story"]), []).append(item)
    ids: dict[str, int] = {}
    story_rows, article_rows = [], []
    for number, (label, members) in enumerate(sorted(stories.items()), 1):
        ids[label] = number
        when = NOW - timedelta(minutes=rng.randrange(3 * 24 * 60))
        story_rows.append({"id": number, "key": label, "first_seen": when, "last_updated": when,
                           "article_count": len(members), "source_count": len(members), "headline": ""})
        for item in members:
            article_rows.append({"feed_id": 1, "source_id": None, "dedup_key": item["id"],
                                 "url": f"https://example.com/{item['id']}", "title": item["title"],
                                 "summary": item["summary"], "categories": "", "published_at": when,
                                 "fetched_at": when, "story_id": number})
    with core.db.session() as session:
        session.execute(insert(Feed), [{"id": 1, "url": "https://example.com/rss", "title": "pool", "category": ""}])
        session.execute(insert(Story), story_rows)
        session.execute(insert(Article), article_rows)
    if core.db.engine.dialect.name == "postgresql":
        with core.db.engine.connect() as connection:  # a bulk load: give the planner its statistics now
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return ids


def queries(items: list[dict[str, Any]], targets: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(gold label, query): the 2-4 rarest words of each neutral headline."""
    frequency: Counter[str] = Counter()
    for item in items:
        frequency.update(set(tokens(f"{item['title']} {item['summary']}")))
    out = []
    for n, target in enumerate(sorted(targets, key=lambda t: str(t["story"]))):
        words = [w for w in dict.fromkeys(WORD.findall(str(target["title"])))
                 if w.lower() not in SEARCH_STOP_WORDS and len(w) > 2]
        rarest = sorted(words, key=lambda w: (frequency[w.lower()], w))[: 2 + n % 3]
        if rarest:
            out.append((str(target["story"]), " ".join(rarest)))
    return out


async def evaluate(core: Core, ids: dict[str, int], asked: list[tuple[str, str]]) -> tuple[float, float, float]:
    top1 = reciprocal = 0.0
    started = time.perf_counter()
    for label, query in asked:
        found = await core.stories.search(query, limit=10, suggest=0)
        ranked = [view.story_id for view in found.stories]
        if ids[label] in ranked:
            position = ranked.index(ids[label]) + 1
            top1 += position == 1
            reciprocal += 1 / position
    seconds = time.perf_counter() - started
    return top1 / len(asked), reciprocal / len(asked), seconds / len(asked)


async def run(args: argparse.Namespace) -> None:
    items = read(args.shared / "bench" / "allsides-dev.jsonl")
    targets = read(args.shared / "bench" / "allsides-dev-targets.jsonl")
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='search-')}/search.db"
    core = Core.build(Settings(_env_file=None, database_url=url), clock=lambda: NOW)  # type: ignore[call-arg]
    try:
        upgrade(core.db)
        ids = seed(core, items, random.Random(3))
        asked = queries(items, targets)[: args.limit or None]
        top1, mrr, seconds = await evaluate(core, ids, asked)
    finally:
        await core.close()
    print(f"{len(asked)} queries over {len(ids)} stories ({core.db.engine.dialect.name}), e.g. "
          f"{asked[0][1]!r}, {asked[1][1]!r}")
    print(f"top-1 accuracy {top1:.3f}   MRR@10 {mrr:.3f}   {seconds * 1000:.1f} ms per search")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries (a quick run)")
    asyncio.run(run(parser.parse_args()))
