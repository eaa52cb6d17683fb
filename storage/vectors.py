"""Stored sentence embeddings of articles (bytes as the encoder's caller packs them: float16 rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleVector, Story

__all__ = ["load_vectors", "prune_vectors", "recent_story_vectors", "save_vectors", "story_vectors"]

_CHUNK = 500  # ids per IN (...): well under SQLite's and PostgreSQL's parameter limits


def save_vectors(session: Session, model: str, rows: Sequence[tuple[int, bytes]]) -> None:
    """(article id, vector bytes) for `model`; an article's earlier vector is replaced."""
    ids = [article_id for article_id, _ in rows]
    for start in range(0, len(ids), _CHUNK):
        session.execute(delete(ArticleVector).where(ArticleVector.article_id.in_(ids[start:start + _CHUNK])))
    session.add_all(ArticleVector(article_id=article_id, model=model, vector=data) for article_id, data in rows)
    session.flush()


def load_vectors(session: Session, model: str, article_ids: Sequence[int]) -> dict[int, bytes]:
    """The stored vectors of these articles made by `model` (others are absent: encode them again)."""
    found: dict[int, bytes] = {}
    for start in range(0, len(article_ids), _CHUNK):
        chunk = article_ids[start:start + _CHUNK]
        query = select(ArticleVector.article_id, ArticleVector.vector).where(
            ArticleVector.article_id.in_(chunk), ArticleVector.model == model)
        found.update({article_id: data for article_id, data in session.execute(query)})
    return found


def prune_vectors(session: Session, before: datetime) -> int:
    """Forget the vectors of articles published before `before` (their stories are closed); how many."""
    old = select(Article.id).where(Article.published_at < before).scalar_subquery()
    result = session.execute(delete(ArticleVector).where(ArticleVector.article_id.in_(old)))
    return int(getattr(result, "rowcount", 0) or 0)


def story_vectors(session: Session, model: str, story_ids: Sequence[int]) -> dict[int, list[bytes]]:
    """The stored vectors (by `model`) of these stories' articles, per story; a story with none is absent."""
    found: dict[int, list[bytes]] = {}
    for start in range(0, len(story_ids), _CHUNK):
        query = (select(Article.story_id, ArticleVector.vector)
                 .join(ArticleVector, ArticleVector.article_id == Article.id)
                 .where(Article.story_id.in_(story_ids[start:start + _CHUNK]), ArticleVector.model == model))
        for story_id, data in session.execute(query):
            if story_id is not None:
                found.setdefault(story_id, []).append(data)
    return found


def recent_story_vectors(session: Session, model: str, since: datetime, limit: int) -> dict[int, list[bytes]]:
    """The stored vectors of the newest `limit` articles (by `model`) of live stories updated since `since`, per
    story: what a search that matched no word compares the query with."""
    query = (select(Article.story_id, ArticleVector.vector)
             .join(ArticleVector, ArticleVector.article_id == Article.id)
             .join(Story, Article.story_id == Story.id)
             .where(ArticleVector.model == model, Story.last_updated >= since, Story.merged_into_id.is_(None))
             .order_by(Article.id.desc()).limit(limit))
    found: dict[int, list[bytes]] = {}
    for story_id, data in session.execute(query):
        if story_id is not None:
            found.setdefault(story_id, []).append(data)
    return found
