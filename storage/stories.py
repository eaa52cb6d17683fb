"""Stories: the clusterer's assignments, persisted, and the articles a card is built from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import BigInteger, ColumnElement, cast, func, insert, select, update
from sqlalchemy.orm import Session

from news.types import Bias, ClusterItem, Outlet, StoryArticle
from storage.models import Article, Feed, Source, Story

__all__ = ["active_assignments", "apply_revision", "latest_update", "live_story_id", "live_story_ids", "merge_stories",
    "recent_story_ids", "refresh_counts", "save_assignments", "stories_signature", "story_articles", "unclustered"]


ID_CHUNK = 5000  # bound ids per statement: well under SQLite's 32,766 and PostgreSQL's 65,535


def _item(article: Article) -> ClusterItem:
    source = article.source.name if article.source else ""
    return ClusterItem(str(article.id), article.title, article.summary, source, article.published_at)


def unclustered(session: Session, limit: int = 5000) -> list[ClusterItem]:
    query = select(Article).where(Article.story_id.is_(None)).order_by(Article.published_at, Article.id).limit(limit)
    return [_item(a) for a in session.scalars(query)]


def active_assignments(session: Session, since: datetime) -> list[tuple[ClusterItem, str]]:
    """Articles of stories still open for new members, in arrival order, to rebuild the clusterer.

    The open stories and their keys are read first (through the index on their last update), then their articles
    by story id, in chunks of bound ids. Each way of joining the two in one statement grows with the archive
    (bench/scale.py --explain): SQLite walked every article in publication order, and PostgreSQL scanned every
    story, to join the keys back or for the semi-join (173 ms at 100,000 stories, 1M articles)."""
    open_stories = select(Story.id, Story.key).where(Story.last_updated >= since, Story.merged_into_id.is_(None))
    keys = {story_id: key for story_id, key in session.execute(open_stories)}
    ids = sorted(keys)
    articles: list[Article] = []
    for start in range(0, len(ids), ID_CHUNK):
        articles += session.scalars(select(Article).where(Article.story_id.in_(ids[start:start + ID_CHUNK])))
    articles.sort(key=lambda a: (a.published_at, a.id))
    return [(_item(a), keys[a.story_id]) for a in articles if a.story_id in keys]


def save_assignments(session: Session, assignments: Sequence[tuple[str, str]], now: datetime) -> set[int]:
    """Persist (article id, story key) pairs; creates stories for new keys. Returns touched story ids.

    A few statements whatever the batch holds: the new stories in one flush (multi-row INSERTs), the articles'
    stories in one executemany, then their counts (refresh_counts)."""
    keys = {key for _, key in assignments}
    known = session.execute(select(Story.key, Story.id).where(Story.key.in_(keys)))
    story_ids: dict[str, int] = {key: story_id for key, story_id in known}
    new = [{"key": key, "first_seen": now, "last_updated": now} for key in sorted(keys - story_ids.keys())]
    if new:  # an ORM bulk INSERT, RETURNING the ids (multi-row VALUES; the unit of work inserts one at a time)
        inserted = session.execute(insert(Story).returning(Story.key, Story.id), new)
        story_ids.update({key: story_id for key, story_id in inserted})
    if assignments:  # an ORM bulk UPDATE by primary key: one executemany
        session.execute(update(Article), [{"id": int(article_id), "story_id": story_ids[key]}
                                          for article_id, key in assignments])
    touched = {story_ids[key] for key in keys}
    refresh_counts(session, touched)
    return touched


def apply_revision(
    session: Session, moves: Sequence[tuple[str, str]], merges: Iterable[tuple[str, str]], now: datetime
) -> set[int]:
    """A refinement pass: (article id, story key) moves, then (absorbed, survivor) keys marked as aliases.

    A new key (a part split off) becomes a new story; an absorbed story keeps its row, with
    `merged_into_id` pointing at the survivor, so its id still opens the survivor's card.
    Returns the ids of every story that gained or lost articles.
    """
    ids = [int(article_id) for article_id, _ in moves]
    losing: set[int | None] = set()
    for start in range(0, len(ids), 500):  # bounded IN lists, whatever a pass moved
        losing |= set(session.scalars(select(Article.story_id).where(Article.id.in_(ids[start:start + 500]))))
    touched = save_assignments(session, moves, now) if moves else set()
    touched |= {sid for sid in losing if sid is not None}
    refresh_counts(session, touched)
    return touched | merge_stories(session, merges)


def merge_stories(session: Session, merges: Iterable[tuple[str, str]]) -> set[int]:
    pairs = list(merges)
    if not pairs:
        return set()
    keys = {key for pair in pairs for key in pair}
    stories = {story.key: story for story in session.scalars(select(Story).where(Story.key.in_(keys)))}
    touched: set[int] = set()
    for absorbed_key, survivor_key in pairs:
        absorbed, survivor = stories.get(absorbed_key), stories.get(survivor_key)
        if absorbed is None or survivor is None or absorbed.id == survivor.id:
            continue
        session.execute(update(Article).where(Article.story_id == absorbed.id).values(story_id=survivor.id))
        absorbed.merged_into_id = survivor.id
        survivor.first_seen = min(survivor.first_seen, absorbed.first_seen)
        touched.update({absorbed.id, survivor.id})
    refresh_counts(session, touched)
    return touched


COUNT_CHUNK = 500  # stories per IN list when counting


def refresh_counts(session: Session, story_ids: Iterable[int]) -> None:
    """Each story's article and outlet counts and its time span, from its articles: per COUNT_CHUNK stories, two
    reads (their articles' aggregates, their times) and one executemany."""
    ids = sorted(set(story_ids))
    for start in range(0, len(ids), COUNT_CHUNK):
        chunk = ids[start:start + COUNT_CHUNK]
        counts: dict[int | None, tuple[int, int, datetime | None, datetime | None]] = {
            story_id: (n, sources, first, last) for story_id, n, sources, first, last in session.execute(
            select(
                Article.story_id,
                func.count(Article.id),
                func.count(func.distinct(func.coalesce(Article.source_id, -Article.feed_id))),
                func.min(Article.published_at),
                func.max(Article.published_at),
            )
            .where(Article.story_id.in_(chunk))
            .group_by(Article.story_id)
        )}
        rows = []
        for story_id, first_seen, last_updated in session.execute(
                select(Story.id, Story.first_seen, Story.last_updated).where(Story.id.in_(chunk))):
            n_articles, n_sources, first, last = counts.get(story_id, (0, 0, None, None))
            rows.append({"id": story_id, "article_count": n_articles, "source_count": n_sources,
                         "first_seen": min(first_seen, first) if first else first_seen,
                         "last_updated": max(last_updated, last) if last else last_updated})
        if rows:  # an ORM bulk UPDATE by primary key: one executemany
            session.execute(update(Story), rows)


def stories_signature(session: Session, since: datetime) -> tuple[object, ...]:
    """A cheap fingerprint of the stories updated since `since` (one indexed range read, no articles): it changes
    when a story is created, grows, loses articles, merges or is listed under other sections. Processes that don't
    cluster compare it to learn that another one changed the stories."""
    row = session.execute(
        select(func.count(Story.id), func.max(Story.id), func.max(Story.last_updated), func.sum(Story.article_count),
               func.sum(Story.source_count), func.sum(cast(Story.article_count, BigInteger) * Story.id),
               func.count(Story.merged_into_id), func.sum(func.length(Story.sections)))
        .where(Story.last_updated >= since)
    ).one()
    return tuple(row)


def latest_update(session: Session) -> datetime | None:
    """When the newest story last grew: digests look back from here when the feeds are older than the clock."""
    return session.scalar(select(func.max(Story.last_updated)).where(Story.merged_into_id.is_(None)))


def recent_story_ids(session: Session, since: datetime, limit: int = 500, min_sources: int = 1) -> list[int]:
    query = (
        select(Story.id)
        .where(Story.last_updated >= since, Story.merged_into_id.is_(None), Story.source_count >= min_sources)
        .order_by(Story.source_count.desc(), Story.last_updated.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def story_articles(session: Session, story_ids: Sequence[int]) -> dict[int, list[StoryArticle]]:
    """Each story's articles, oldest first. Plain columns, not ORM objects: this is on every card's path."""
    result: dict[int, list[StoryArticle]] = {sid: [] for sid in story_ids}
    if story_ids:
        for story_id, article in _articles(session, Article.story_id.in_(story_ids)):
            result[story_id or 0].append(article)
    return result


def articles_by_id(session: Session, article_ids: Sequence[int]) -> list[StoryArticle]:
    """Some articles, as the summarizer and the section model see them."""
    return [article for _, article in _articles(session, Article.id.in_(article_ids))] if article_ids else []


def _articles(session: Session, condition: ColumnElement[bool]) -> list[tuple[int | None, StoryArticle]]:
    query = (
        select(
            Article.story_id, Article.title, Article.url, Article.summary, Article.categories,
            Article.published_at, Article.image_url, Article.byline, Feed.category, Feed.title, Feed.url,
            Source.name, Source.domain, Source.country, Source.bias, Source.factuality,
        )
        .outerjoin(Source, Article.source_id == Source.id)
        .join(Feed, Article.feed_id == Feed.id)
        .where(condition)
        .order_by(Article.published_at, Article.id)
    )
    outlets: dict[str, Outlet | None] = {}
    found: list[tuple[int | None, StoryArticle]] = []
    rows = session.execute(query)
    for story_id, title, url, summary, categories, published, image, byline, feed_category, feed_title, feed_url, \
            *source in rows:
        name, domain = source[0], source[1]
        if domain not in outlets:
            outlets[domain] = _outlet_of(*source)
        extra = (feed_category,) if feed_category else ()
        found.append((story_id, StoryArticle(
            title=title, url=url, summary=summary,
            # An article stored without a source (before feeds were credited) is its feed's, never its link's.
            source_name=name or feed_title or urlsplit(feed_url).hostname or "",
            outlet=outlets[domain], published=published,
            categories=tuple(c for c in categories.split("\n") if c) + extra, image_url=image or "",
            byline=byline or "",
        )))
    return found


def set_sections(session: Session, sections: dict[int, tuple[str, ...]]) -> None:
    """The sections each story is listed under, best first (news.sections)."""
    for story_id, names in sections.items():
        session.execute(update(Story).where(Story.id == story_id).values(sections=",".join(names)))


def story_sections(session: Session, story_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    if not story_ids:
        return {}
    rows = session.execute(select(Story.id, Story.sections).where(Story.id.in_(story_ids)))
    return {story_id: tuple(s for s in sections.split(",") if s) for story_id, sections in rows}


def live_story_ids(session: Session, story_ids: Iterable[int]) -> set[int]:
    """The stories these ids stand for now (merged ones lead to their survivor), the ids themselves included."""
    found = set(story_ids)
    frontier = set(found)
    for _ in range(10):  # merge chains are short; the bound guards against a cycle
        if not frontier:
            break
        rows = session.scalars(select(Story.merged_into_id).where(
            Story.id.in_(frontier), Story.merged_into_id.is_not(None)))
        frontier = {sid for sid in rows if sid is not None} - found
        found |= frontier
    return found


def live_story_id(session: Session, story_id: int) -> int | None:
    """The story a card's id stands for now: merged stories lead to their survivor; None when gone."""
    for _ in range(10):  # merge chains are short; the bound guards against a cycle
        merged_into = session.execute(select(Story.merged_into_id).where(Story.id == story_id)).first()
        if merged_into is None:
            return None
        if merged_into[0] is None:
            return story_id
        story_id = merged_into[0]
    return None


def _outlet_of(
    name: str | None, domain: str | None, country: str | None, bias: str | None, factuality: str | None
) -> Outlet | None:
    if name is None or domain is None:
        return None
    side = Bias(bias) if bias and bias in Bias._value2member_map_ else None
    return Outlet(name, (domain,), country or "", side, factuality)
