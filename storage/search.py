"""Full-text story search behind one function: SQLite FTS5, PostgreSQL tsvector + GIN, else a LIKE scan.

The index is over article titles and summaries (migration 0004_bot); a story matches when one of its
articles holds every term (or any term, for suggestions). Terms are prefix-matched, so "election" finds
"elections"; the caller re-ranks the few candidates with the real topic matcher.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select, text
from sqlalchemy.orm import Session

from storage.models import Article, Story

# Must stay identical to the expression indexed in migration 0004_bot.
PG_DOCUMENT = "to_tsvector('simple'::regconfig, title || ' ' || summary)"
MAX_TERMS = 8
# A very common word matches a good part of the archive: look at its newest matches only (ids grow with time).
MAX_MATCHED_ARTICLES = 5000
_TERM = re.compile(r"[^\W_]+", re.UNICODE)
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
})


def search_terms(query: str) -> list[str]:
    """Lowercase word stems worth looking up; stop words only when nothing else is left."""
    words = [w for w in _TERM.findall(query.lower()) if len(w) > 1]
    useful = [w for w in words if w not in STOP_WORDS] or words
    return [_stem(w) for w in dict.fromkeys(useful)][:MAX_TERMS]


def _stem(word: str) -> str:
    """A prefix that also covers plural and -ing/-ed forms (prefix search does the rest)."""
    if not word.isalpha() or len(word) <= 4:
        return word
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def matching_story_ids(
    session: Session, terms: Sequence[str], since: datetime, *, limit: int = 40, any_term: bool = False
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


def _matching_articles(dialect: str, terms: Sequence[str], any_term: bool) -> tuple[Select[Any], dict[str, str]]:
    """The story ids of matching articles, as a subquery, and its bound parameters."""
    if dialect == "sqlite":
        fts_query = (" OR " if any_term else " AND ").join(f'"{t}"*' for t in terms)
        rowids = (
            select(text("rowid")).select_from(text("article_search")).where(text("article_search MATCH :q"))
            .order_by(text("rowid DESC")).limit(MAX_MATCHED_ARTICLES)
        )
        return select(Article.story_id).where(Article.id.in_(rowids)), {"q": fts_query}
    if dialect == "postgresql":
        ts_query = (" | " if any_term else " & ").join(f"{t}:*" for t in terms)
        condition = text(f"{PG_DOCUMENT} @@ to_tsquery('simple'::regconfig, :q)")
        newest = select(Article.story_id).where(condition).order_by(Article.id.desc()).limit(MAX_MATCHED_ARTICLES)
        return newest, {"q": ts_query}
    patterns = [or_(Article.title.ilike(f"%{t}%"), Article.summary.ilike(f"%{t}%")) for t in terms]
    return select(Article.story_id).where(or_(*patterns) if any_term else and_(*patterns)), {}
