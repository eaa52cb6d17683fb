"""With embeddings on, each article's vector is stored as float16; a restart loads the open stories' vectors
instead of encoding them again, and clusters exactly as before it (SQLite and PostgreSQL)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from sqlalchemy import select

from app.clustering import StoryEngine
from fakes.newsroom import NOW, Item, seed_articles
from news.cluster import ClusterParams
from news.embed import FloatMatrix
from storage.db import Database
from storage.models import Article, ArticleVector

DIM = 16


class CountingEncoder:
    """Bag-of-words vectors hashed into 16 dimensions; counts the texts it encodes."""

    dim = DIM

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.encoded += len(texts)
        rows = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in text.lower().split():
                row[zlib.crc32(word.encode()) % DIM] += 1.0
            row /= np.linalg.norm(row) or 1.0
        return rows


VOLCANO = [Item("Reuters", "reuters.com", "Volcano erupts on Iceland's Reykjanes peninsula", "", None, 3),
           Item("AP", "apnews.com", "Iceland volcano eruption near Grindavik", "", None, 2),
           Item("BBC", "bbc.com", "Heatwave grips southern Europe", "", None, 1)]


def engine(db: Database, encoder: CountingEncoder) -> StoryEngine:
    return StoryEngine(db, ClusterParams(), lambda: NOW, encoder)


def test_a_restart_loads_stored_vectors_instead_of_encoding(db: Database) -> None:
    with db.session() as session:
        seed_articles(session, "first", VOLCANO, NOW)
    first = CountingEncoder()
    assert engine(db, first).cluster_pending().articles == 3
    assert first.encoded == 3
    with db.session() as session:
        stored = session.execute(select(ArticleVector.article_id, ArticleVector.vector)).all()
    assert len(stored) == 3 and all(len(data) == 2 * DIM for _, data in stored)  # float16

    restarted = engine(db, CountingEncoder())
    encoder = restarted.encoder
    assert isinstance(encoder, CountingEncoder)
    with db.session() as session:
        seed_articles(session, "later", [Item("CNN", "cnn.com", "Grindavik volcano erupts in Iceland", "", None, 0)],
                      NOW)
    assert restarted.cluster_pending().articles == 1
    assert encoder.encoded == 1  # only the new article: the open stories' vectors were loaded
    with db.session() as session:
        stories = {title: story for title, story in session.execute(select(Article.title, Article.story_id))}
    assert stories["Grindavik volcano erupts in Iceland"] == stories["Iceland volcano eruption near Grindavik"]


def test_missing_or_damaged_vectors_are_encoded_again(db: Database) -> None:
    with db.session() as session:
        seed_articles(session, "first", VOLCANO, NOW - timedelta(minutes=5))
    engine(db, CountingEncoder()).cluster_pending()
    with db.session() as session:
        row = session.scalars(select(ArticleVector)).first()
        assert row is not None
        row.vector = b"\x00\x01"  # not 2 x dim bytes: ignored, encoded again
    restarted = engine(db, CountingEncoder())
    assert restarted.refine().open_articles == 3
    assert isinstance(restarted.encoder, CountingEncoder) and restarted.encoder.encoded == 1
