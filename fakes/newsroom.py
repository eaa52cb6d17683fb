"""Stories seeded straight into storage, as if feeds had been fetched and clustered (tests and benchmarks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import feeds as feed_store
from storage import stories as story_store
from storage.models import Article, Feed, Source

__all__ = ["ISS", "NOW", "Item", "seed_articles", "seed_story"]

NOW = datetime(2026, 7, 31, 18, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    outlet: str
    domain: str
    title: str
    summary: str = ""
    bias: str | None = None
    hours_ago: float = 1.0


def seed_story(session: Session, key: str, items: Sequence[Item], now: datetime = NOW) -> int:
    """One story of the given articles (a feed and a source per outlet); returns its id."""
    ids = seed_articles(session, key, items, now)
    touched = story_store.save_assignments(session, [(str(i), key) for i in ids], now)
    return touched.pop()


def seed_articles(session: Session, key: str, items: Sequence[Item], now: datetime = NOW) -> list[int]:
    """The articles as if just fetched, not yet clustered (a feed and a source per outlet); returns their ids."""
    ids = []
    for n, item in enumerate(items):
        url = f"https://{item.domain}/feed.xml"
        feed_store.upsert_feeds(session, [(url, item.outlet, "")])
        feed_id = session.scalar(select(Feed.id).where(Feed.url == url))
        source = session.scalar(select(Source).where(Source.domain == item.domain))
        if source is None:
            source = Source(domain=item.domain, name=item.outlet, bias=item.bias)
            session.add(source)
            session.flush()
        article = Article(
            feed_id=feed_id, source_id=source.id, dedup_key=f"{key}-{n}", url=f"https://{item.domain}/{key}/{n}",
            title=item.title, summary=item.summary, published_at=now - timedelta(hours=item.hours_ago),
        )
        session.add(article)
        session.flush()
        ids.append(article.id)
    return ids


ISS = [
    Item("Reuters", "reuters.com", "Russian and US space chiefs meet to discuss continued cooperation",
         "HOUSTON (Reuters) - Roscosmos chief Dmitry Bakanov met NASA acting administrator Sean Duffy in Houston. "
         "They discussed extending ISS operations until 2028.", "center", 5),
    Item("AP", "apnews.com", "NASA and Roscosmos chiefs hold first meeting in years",
         "The heads of the two space agencies agreed to keep flying crews to the space station together.", "center", 4),
    Item("The Guardian", "theguardian.com", "US and Russian space agency heads meet in Houston",
         "Talks covered the future of the International Space Station and joint crew flights.", "left", 3),
    Item("Fox News", "foxnews.com", "Space chiefs from US and Russia meet as station nears retirement",
         "Officials said cooperation on the orbiting lab will continue despite tensions.", "right", 2),
    Item("Space Blog", "spaceblog.example", "ISS cooperation talks in Houston", "Bloggers weigh in.", None, 1),
]
