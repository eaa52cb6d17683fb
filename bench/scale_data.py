"""Bulk loading for bench/scale.py: a bot's history at a constant daily rate, through the real schema.

The full load is 1,000,000 articles in 100,000 stories over 300 days (333 stories, 3,333 articles a day), and
100,000 chats with three topics each. A fraction of it is the first days of the same history at the same rate
(10 %: 30 days, 10,000 chats): what changes between them is how much the bot has kept, not how much happens per
day. `--scale` shrinks the daily rate and the chats alike, for a smoke test. Inserts are executemany batches
through SQLAlchemy Core on the migrated schema, so the search index (FTS5 triggers, the GIN index) is built as
in production.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from news.sources import load_outlets
from news.topics import SECTIONS
from storage.db import Database
from storage.models import Article, Chat, Delivery, DeliveryStatus, Feed, Source, Story, Subscription

__all__ = ["FULL", "Load", "headlines", "load"]

HEADLINES = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "uci-dev.jsonl"
DAYS = 300
ARTICLES_PER_STORY = 10
BATCH = 5000


@dataclass(frozen=True)
class Load:
    articles: int
    stories: int
    chats: int
    days: int


FULL = Load(1_000_000, 100_000, 100_000, DAYS)


def headlines() -> list[str]:
    if HEADLINES.exists():
        titles = [json.loads(line)["title"] for line in HEADLINES.open(encoding="utf-8") if line.strip()]
        return sorted({t for t in titles if len(t) > 20})
    rng = random.Random(1)
    words = [f"word{i}" for i in range(5000)]
    return [" ".join(rng.choices(words, k=8)) for _ in range(20000)]


def _batches(rows: Iterator[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _outlets(db: Database, now: datetime) -> int:
    outlets = [o for o in load_outlets(None) if o.domains][:150]
    with db.session() as s:
        s.execute(insert(Source), [{"id": i + 1, "domain": o.domains[0], "name": o.name, "country": o.country,
                                    "bias": o.bias.value if o.bias else None, "factuality": o.factuality}
                                   for i, o in enumerate(outlets)])
        s.execute(insert(Feed), [{"id": i + 1, "url": f"https://{o.domains[0]}/rss", "title": o.name,
                                  "category": "", "created_at": now} for i, o in enumerate(outlets)])
    return len(outlets)


def _stories(load: Load, now: datetime, pool: list[str], outlets: int, rng: random.Random) -> Iterator[
        tuple[dict[str, object], list[dict[str, object]]]]:
    """Stories oldest first (ids grow with time, as in production), each with its articles."""
    per_day = load.stories / load.days
    article_id = 0
    for sid in range(1, load.stories + 1):
        updated = now - timedelta(days=load.days) + timedelta(days=(sid - rng.random()) / per_day)
        base = pool[rng.randrange(len(pool))]
        articles = []
        for slot in rng.sample(range(outlets), ARTICLES_PER_STORY):
            article_id += 1
            words = base.split()
            rng.shuffle(words[1:])
            articles.append({
                "id": article_id, "feed_id": slot + 1, "source_id": slot + 1, "dedup_key": str(article_id),
                "url": f"https://o{slot}.example/{sid}/{article_id}", "title": " ".join(words),
                "summary": f"{base}. {pool[(sid * 7 + article_id) % len(pool)]}", "categories": "",
                "published_at": updated - timedelta(minutes=rng.randrange(600)), "fetched_at": updated,
                "story_id": sid,
            })
        story = {"id": sid, "key": f"s{sid}", "first_seen": updated - timedelta(hours=10), "last_updated": updated,
                 "article_count": ARTICLES_PER_STORY, "source_count": ARTICLES_PER_STORY, "headline": base,
                 "sections": ",".join(rng.sample(SECTIONS, 2))}
        yield story, articles


def _chats(load: Load, now: datetime, due: int, pool: list[str], rng: random.Random) -> Iterator[
        tuple[dict[str, object], list[dict[str, object]], dict[str, object]]]:
    keywords = sorted({w.lower() for t in pool[:2000] for w in t.split() if w.isalpha() and len(w) > 5})
    for cid in range(1, load.chats + 1):
        next_at = now - timedelta(minutes=1) if cid <= due else now + timedelta(minutes=rng.randrange(1, 1440))
        chat = {"id": cid, "type": "private", "title": "", "active": True, "timezone": "UTC", "digest_times": "08:00",
                "send_empty_digest": True, "next_digest_at": next_at, "last_digest_at": now - timedelta(days=1),
                "created_at": now - timedelta(days=30)}
        topics = [rng.choice(SECTIONS), rng.choice(keywords), rng.choice(keywords)]
        subs = [{"chat_id": cid, "topic": t, "created_at": now} for t in dict.fromkeys(topics)]
        delivery = {"chat_id": cid, "period": f"{(now - timedelta(days=1)):%Y-%m-%d} 08:00",
                    "status": DeliveryStatus.SENT, "story_ids": "1,2,3", "message_ids": "1", "attempts": 1,
                    "created_at": now - timedelta(days=1), "sent_at": now - timedelta(days=1)}
        yield chat, subs, delivery


def load(db: Database, load: Load, now: datetime, due: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    pool = headlines()
    outlets = _outlets(db, now)
    pending_stories: list[dict[str, object]] = []
    pending_articles: list[dict[str, object]] = []
    for story, articles in _stories(load, now, pool, outlets, rng):
        pending_stories.append(story)
        pending_articles += articles
        if len(pending_articles) >= BATCH * 2:
            _flush(db, (Story, pending_stories), (Article, pending_articles))
            pending_stories, pending_articles = [], []
    _flush(db, (Story, pending_stories), (Article, pending_articles))
    chats, subs, deliveries = [], [], []
    for chat, chat_subs, delivery in _chats(load, now, due, pool, rng):
        chats.append(chat)
        subs += chat_subs
        deliveries.append(delivery)
        if len(chats) >= BATCH:
            _flush(db, (Chat, chats), (Subscription, subs), (Delivery, deliveries))
            chats, subs, deliveries = [], [], []
    _flush(db, (Chat, chats), (Subscription, subs), (Delivery, deliveries))


def _flush(db: Database, *tables: tuple[type, list[dict[str, object]]]) -> None:
    with db.session() as s:
        for model, rows in tables:
            if rows:
                s.execute(insert(model), rows)


def fix_sequences(db: Database) -> None:
    """PostgreSQL: the rows were given their ids, so move each id sequence past them."""
    if db.engine.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    with db.session() as s:
        for table in ("sources", "feeds", "stories", "articles"):
            s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))"))
