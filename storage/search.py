"""Full-text story search behind one function: SQLite FTS5, PostgreSQL tsvector + GIN, else a LIKE scan.

The index is over article titles and summaries (migration 0004_bot). A search is a list of groups of word
forms (news.words.search_terms: "elections" -> election | elections); a story matches when one of its articles
holds a form of every group (or of any group, for suggestions). The caller re-ranks the few candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select, text
from sqlalchemy.orm import Session

from storage.models import Article, Story

__all__ = ["MAX_MATCHED_ARTICLES", "PG_DOCUMENT", "Terms", "matching_story_ids"]

# Must stay identical to the expression indexed in migration 0004_bot.
PG_DOCUMENT = "to_tsvector('simple'::regconfig, title || ' ' || summary)"
# A very common word matches a good part of the archive: look at its newest matches only (ids grow with time).
MAX_MATCHED_ARTICLES = 5000
Terms = Sequence[Sequence[str]]  # groups of word forms: every group (or any, for suggestions) must match


def matching_story_ids(
    session: Session, terms: Terms, since: datetime, *, limit: int = 40, any_term: bool = False
) -> list[int]:
    """Live stories updated since `since` with an article matching the terms, most sources first."""
    if not terms:
        return []
    matched, params = _matching_articles(session.get_bind().dialect.name, terms, any_term)
    query = (
        select(Story.id)
        .where(Story.id.in_(matched), Story.last_updated >= since, Story.merged_into_id.is_(None))
        .order_by(Story.source_count.desc(), Story.last_updated.desc(), Story.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query, params))


def _join(terms: Terms, any_term: bool, form: str, any_op: str, all_op: str) -> str:
    groups = ["(" + any_op.join(form.format(t.replace('"', "")) for t in group) + ")" for group in terms if group]
    return (any_op if any_term else all_op).join(groups)


def _matching_articles(dialect: str, terms: Terms, any_term: bool) -> tuple[Select[Any], dict[str, str]]:
    """The story ids of matching articles, as a subquery, and its bound parameters."""
    if dialect == "sqlite":
        fts_query = _join(terms, any_term, '"{}"', " OR ", " AND ")
        rowids = (
            select(text("rowid")).select_from(text("article_search")).where(text("article_search MATCH :q"))
            .order_by(text("rowid DESC")).limit(MAX_MATCHED_ARTICLES)
        )
        return select(Article.story_id).where(Article.id.in_(rowids)), {"q": fts_query}
    if dialect == "postgresql":
        ts_query = _join(terms, any_term, "'{}'", " | ", " & ")
        condition = text(f"{PG_DOCUMENT} @@ to_tsquery('simple'::regconfig, :q)")
        newest = select(Article.story_id).where(condition).order_by(Article.id.desc()).limit(MAX_MATCHED_ARTICLES)
        return newest, {"q": ts_query}
    patterns = [or_(*(or_(Article.title.ilike(f"%{t}%"), Article.summary.ilike(f"%{t}%")) for t in group))
                for group in terms]
    return select(Article.story_id).where(or_(*patterns) if any_term else and_(*patterns)), {}
