"""Articles: idempotent inserts, keyed by (feed, dedup key) and by canonical URL across feeds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from news.types import ArticleIn, Outlet
from storage.models import Article, Source

__all__ = ["insert_articles", "source_id_for"]


def source_id_for(session: Session, key: str, name: str, outlet: Outlet | None) -> int | None:
    """The Source row keyed `key` (an outlet's first domain, or an unlisted feed's host), created on first sight.

    An outlet from the table brings its name and ratings (refreshed here when the table changed); an unlisted feed's
    row keeps the name it was first given, unrated."""
    if not key:
        return None
    key = key[:255]
    values = {
        "name": (outlet.name if outlet else name or key)[:255],
        "country": outlet.country if outlet else "",
        "bias": outlet.bias.value if outlet and outlet.bias else None,
        "factuality": outlet.factuality if outlet else None,
        "owner": outlet.owner[:255] if outlet else "",
    }
    source = session.scalar(select(Source).where(Source.domain == key))
    if source is None:
        source = Source(domain=key, **values)
        session.add(source)
        session.flush()
    elif outlet is not None:  # the outlet table (or an operator override) may have changed a rating
        for name, value in values.items():
            setattr(source, name, value)
    return source.id


def insert_articles(
    session: Session, feed_id: int, articles: Sequence[ArticleIn], source_ids: Sequence[int | None]
) -> int:
    """Insert what is new; a re-run or a syndicated copy is a no-op. Returns rows inserted.

    `source_ids[i]` is the Source row `articles[i]` is credited to (see news.sources.OutletDirectory.attribute)."""
    if not articles:
        return 0
    rows = []
    seen_keys: set[str] = set()
    seen_urls: set[str] = set()
    for a, source_id in zip(articles, source_ids, strict=True):
        if a.dedup_key in seen_keys or a.url in seen_urls:
            continue  # duplicate GUIDs or links inside one feed body
        seen_keys.add(a.dedup_key)
        seen_urls.add(a.url)
        rows.append(
            {
                "feed_id": feed_id,
                "source_id": source_id,
                "dedup_key": a.dedup_key,
                "url": a.url,
                "title": a.title,
                "summary": a.summary,
                "categories": "\n".join(a.categories),
                "published_at": a.published,
                "image_url": a.image_url[:2048],
                "byline": a.byline[:200],
            }
        )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # One cached statement, many parameter sets: SQLAlchemy batches them as multi-row INSERTs ("insertmanyvalues")
    # without compiling a new statement per feed. RETURNING yields only the rows really added.
    statement = insert(Article).on_conflict_do_nothing().returning(Article.id)
    return len(session.execute(statement, rows).all())
