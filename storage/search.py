"""Full-text story search behind one function: SQLite FTS5, PostgreSQL tsvector + GIN, else a LIKE scan.

The index is over article titles and summaries, by word stem (migration 0006_search_stems: FTS5's Porter
tokenizer, PostgreSQL's 'english' configuration), so "raises" finds "raise" and "deported" finds "deportation". A
search is a list of groups of word forms (news.words.search_terms); each group matches an article holding a stem
of one of its forms. The caller ranks the stories (news.relevance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.orm import Session

from storage.models import Article, Story

__all__ = [
    "MAX_MATCHED_ARTICLES", "PG_DOCUMENT", "SearchWindow", "Terms", "article_count_estimate", "group_matches",
    "search_window", "titles_after",
]

# The article's stored `to_tsvector('english', title || ' ' || summary)`, kept by a trigger (migration 0025) and
# indexed with fetched_at: a filter on it reads the stored value instead of computing it for each row.
PG_DOCUMENT = "articles.document"
# A very common word matches a good part of the archive: look at its newest matches only (ids grow with time).
MAX_MATCHED_ARTICLES = 5000
FETCH_LOOKBACK = timedelta(days=7)
Terms = Sequence[Sequence[str]]  # groups of word forms: every group (or any, for suggestions) must match


@dataclass(frozen=True)
class SearchWindow:
    """Which articles one search looks at, worked out once for all its word groups (search_window)."""

    since: datetime  # stories updated since then
    fetched_since: datetime  # articles fetched since then (_fetched_since)
    first_id: int  # SQLite: the first article fetched since then (_first_article_since); 0 elsewhere


def search_window(session: Session, since: datetime) -> SearchWindow:
    fetched = _fetched_since(session, since)
    first = _first_article_since(session, fetched) if session.get_bind().dialect.name == "sqlite" else 0
    return SearchWindow(since, fetched, first)


def group_matches(session: Session, group: Sequence[str], window: SearchWindow) -> list[tuple[int, bool, int]]:
    """The newest articles (at most MAX_MATCHED_ARTICLES) holding a form of `group`, of live stories updated in
    the window: (story id, whether the article's title holds it, the story's article count) each. The title check
    is the index's own (by stem), so no title is fetched or tokenized here."""
    if not group:
        return []
    matched, params = _matching_articles(session, [group], False, window)
    titled, title_params = _title_match(session.get_bind().dialect.name, group)
    query = (
        select(Article.story_id, titled, Story.article_count)
        .join(Story, Article.story_id == Story.id)
        .where(Article.id.in_(matched), Story.last_updated >= window.since, Story.merged_into_id.is_(None))
    )
    rows = session.execute(query, {**params, **title_params})
    return [(sid, bool(in_title), size) for sid, in_title, size in rows if sid is not None]


def _title_match(dialect: str, group: Sequence[str]) -> tuple[Any, dict[str, str]]:
    """A column that is true when the article's title holds a form of `group`."""
    if dialect == "sqlite":
        title_rows = select(text("rowid")).select_from(text("article_search")).where(
            text("article_search MATCH :tq"), text("rowid >= :first"))  # :first is _matching_articles' bound
        return Article.id.in_(title_rows), {"tq": "title : " + _join([group], False, '"{}"', " OR ", " AND ")}
    if dialect == "postgresql":
        return text("to_tsvector('english'::regconfig, articles.title) @@ to_tsquery('english'::regconfig, :q)"), {}
    return or_(*(Article.title.ilike(f"%{t}%") for t in group)), {}


def titles_after(session: Session, after_id: int, window: SearchWindow) -> list[tuple[int, str]]:
    """(id, title) of the window's articles after `after_id`, in id order: what the spelling vocabulary
    (app.spelling) adds since it last looked."""
    query = select(Article.id, Article.title).where(
        Article.id > after_id, Article.fetched_at >= window.fetched_since).order_by(Article.id)
    return [(int(article_id), title) for article_id, title in session.execute(query)]


def article_count_estimate(session: Session) -> int:
    """About how many articles there are (ids only grow): what document frequencies are relative to."""
    return int(session.scalar(select(func.max(Article.id))) or 0)


def _join(terms: Terms, any_term: bool, form: str, any_op: str, all_op: str) -> str:
    groups = ["(" + any_op.join(form.format(t.replace('"', "")) for t in group) + ")" for group in terms if group]
    return (any_op if any_term else all_op).join(groups)


def _fetched_since(session: Session, since: datetime) -> datetime:
    """The fetch time from which articles are searched: `since`, or a week before the newest article was fetched
    if that is earlier (fetch times are the wall clock's; `since` is the application's, which may differ)."""
    newest = session.scalar(select(Article.fetched_at).order_by(Article.id.desc()).limit(1))
    return min(since, newest - FETCH_LOOKBACK) if newest is not None else since


def _first_article_since(session: Session, fetched: datetime) -> int:
    """SQLite: the id of the first article fetched since `fetched`, one step down the index on fetched_at (ids are
    given in fetch order, so it is the window's lowest); FTS5 then skips every older article's postings. (min(id)
    over the window read every index entry of the window: 140 ms a call at 400k articles.)"""
    first = select(Article.id).where(Article.fetched_at >= fetched).order_by(Article.fetched_at).limit(1)
    return int(session.scalar(first) or 0)


def _matching_articles(
    session: Session, terms: Terms, any_term: bool, window: SearchWindow
) -> tuple[Select[Any], dict[str, Any]]:
    """The ids of the newest matching articles, as a subquery, and its bound parameters.

    SQLite looks only at articles from the first one fetched since then on (rowids grow with fetch time);
    PostgreSQL only at articles fetched since the window's `fetched_since` (an article of a story updated since
    then was fetched since then, unless the story ran longer than the window), through the GIN index over
    (document, fetched_at) of migrations 0011 and 0025 (the document stored): the cost is that of the window's
    matches, however big the archive (bench/scale.py). Without the fetched_at bound the planner walked the primary
    key backwards computing to_tsvector for each row until it had the newest 5000 matches: seconds at 100,000
    articles for a word in a few hundred of them."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        fts_query = _join(terms, any_term, '"{}"', " OR ", " AND ")
        rowids = (
            select(text("rowid")).select_from(text("article_search"))
            .where(text("article_search MATCH :q"), text("rowid >= :first"))
            .order_by(text("rowid DESC")).limit(MAX_MATCHED_ARTICLES)
        )
        return rowids, {"q": fts_query, "first": window.first_id}
    if dialect == "postgresql":
        ts_query = _join(terms, any_term, "'{}'", " | ", " & ")
        condition = text(f"{PG_DOCUMENT} @@ to_tsquery('english'::regconfig, :q)")
        newest = (select(Article.id).where(condition, Article.fetched_at >= window.fetched_since)
                  .order_by(Article.id.desc()).limit(MAX_MATCHED_ARTICLES))
        return newest, {"q": ts_query}
    patterns = [or_(*(or_(Article.title.ilike(f"%{t}%"), Article.summary.ilike(f"%{t}%")) for t in group))
                for group in terms]
    return select(Article.id).where(or_(*patterns) if any_term else and_(*patterns)), {}
