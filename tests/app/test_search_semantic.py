"""With sentence embeddings, search compares the query's meaning with the stories' stored vectors: it finds the
story a query means when no word matches, and finds nothing when nothing is near (SQLite and PostgreSQL). The
encoder is a stand-in with known meanings (the MiniLM extra is measured in bench/search_quality.py)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from app.cards import CardCache
from app.clustering import StoryEngine, vector_model
from app.search import Searcher
from app.stories import Stories
from app.tx import Transactions
from fakes.newsroom import NOW, Item, seed_articles
from news.cluster import ClusterParams
from news.embed import FloatMatrix
from news.semantic import blend, nearness
from storage.db import Database

DIM = 16
# Words that mean the same thing share one axis; every other word is hashed into the remaining ones, weakly.
MEANINGS = [{"plane", "jet", "airliner", "aircraft", "flight", "crash"},
            {"quake", "earthquake", "tremor", "seismic", "magnitude"},
            {"vote", "election", "ballot", "polls"}]


class MeaningEncoder:
    dim = DIM

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        rows = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in text.lower().replace(".", " ").split():
                axis = next((i for i, words in enumerate(MEANINGS) if word in words), None)
                if axis is not None:
                    row[axis] += 1.0
                else:
                    row[len(MEANINGS) + zlib.crc32(word.encode()) % (DIM - len(MEANINGS))] += 0.2
            row /= np.linalg.norm(row) or 1.0
        return rows


AIR = [Item("Reuters", "reuters.com", "Airliner with 239 aboard vanishes over the sea", "", None, 3),
       Item("AP", "apnews.com", "Search widens for the missing jet", "", None, 2),
       Item("BBC", "bbc.co.uk", "Aircraft debris may have been sighted", "", None, 1)]
QUAKE = [Item("CNN", "cnn.com", "Strong earthquake shakes northern Chile", "", None, 2),
         Item("NBC", "nbcnews.com", "Magnitude 8.2 quake hits off Chile", "", None, 1)]


def stories(db: Database, encoder: MeaningEncoder | None) -> Stories:
    searcher = Searcher(encoder, vector_model(encoder)) if encoder is not None else Searcher()
    return Stories(Transactions(db, threads=1), lambda: NOW, CardCache(), searcher=searcher)


@pytest.fixture
def clustered(db: Database) -> Database:
    """AIR and QUAKE as the clusterer with the stand-in encoder makes them, each article's vector stored."""
    with db.session() as session:
        seed_articles(session, "air", AIR, NOW)
        seed_articles(session, "quake", QUAKE, NOW)
    StoryEngine(db, ClusterParams(), lambda: NOW, MeaningEncoder()).cluster_pending()
    return db


async def test_with_no_word_in_common_the_nearest_story_in_meaning_answers(clustered: Database) -> None:
    semantic = await stories(clustered, MeaningEncoder()).search("plane crash", limit=3, suggest=0)
    assert semantic.stories and semantic.stories[0].headline in {item.title for item in AIR}, semantic.stories
    assert all("quake" not in view.headline.lower() for view in semantic.stories)
    lexical = await stories(clustered, None).search("plane crash", limit=3, suggest=0)
    assert lexical.stories == []  # no article holds either word


async def test_nothing_near_in_meaning_is_no_answer(clustered: Database) -> None:
    found = await stories(clustered, MeaningEncoder()).search("ballot count", limit=3, suggest=3)
    assert found.stories == [] and found.suggestions == []


async def test_words_still_decide_when_they_match(clustered: Database) -> None:
    found = await stories(clustered, MeaningEncoder()).search("chile earthquake", limit=3, suggest=0)
    assert found.stories and "Chile" in found.stories[0].headline


def test_nearness_and_blend() -> None:
    query = np.array([1.0, 0.0], dtype=np.float32)
    about = np.array([[1.0, 0.0], [0.8, 0.6]], dtype=np.float32)
    unrelated = np.array([[0.0, 1.0]], dtype=np.float32)
    assert nearness(query, about) > 0.8 > nearness(query, unrelated) == pytest.approx(0.0)
    mixed = blend({1: 4.0, 2: 2.0}, {1: 0.0, 2: 1.0}, 0.5)
    assert mixed[2] > mixed[1]  # meaning outweighs a lead in words when the weight says so
    assert blend({1: 4.0, 2: 2.0}, {}, 0.5) == {1: 0.5, 2: 0.25}  # no vectors: words alone, scaled
