"""Hybrid (TF-IDF + embedding) clustering with a deterministic fake encoder; one test with the real MiniLM."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import numpy.typing as npt
import pytest

from news.cluster import ClusterParams, OnlineClusterer, cluster_records, params_with
from news.cluster.centroids import CentroidMatrix
from news.embed import FloatMatrix, embeddings_problem
from tests.news.test_cluster import T0, counter_keys, item

# Same story, almost no shared words: what TF-IDF alone misses and embeddings catch.
VERONICA = ["Veronica Mars movie opens to fans who funded it", "Kristen Bell thanks Kickstarter backers"]
UNRELATED = ["Federal Reserve holds interest rates steady", "Barcelona beat Real Madrid in El Clasico"]
DIM = 16


def unit_rows(matrix: npt.ArrayLike) -> FloatMatrix:
    rows = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class FakeEncoder:
    """Texts naming one of `topics` get that topic's vector; others a vector hashed from the text."""

    dim = DIM

    def __init__(self, topics: dict[str, int]) -> None:
        self.topics = topics
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.calls.append(len(texts))
        return unit_rows([self._vector(text) for text in texts])

    def _vector(self, text: str) -> np.ndarray:
        for word, topic in self.topics.items():
            if word in text:
                return np.eye(DIM)[topic] + 0.05 * np.eye(DIM)[(topic + 1) % DIM]
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        return np.random.default_rng(seed).normal(size=DIM)


def veronica_encoder() -> FakeEncoder:
    return FakeEncoder({"Veronica": 0, "Kristen": 0, "Federal": 5, "Barcelona": 9})


def stream() -> list:
    titles = [VERONICA[0], UNRELATED[0], VERONICA[1], UNRELATED[1]]
    return [item(f"i{n}", t, T0 + timedelta(minutes=n)) for n, t in enumerate(titles)]


def test_tf_idf_alone_keeps_the_sub_stories_apart() -> None:
    keys = OnlineClusterer(new_key=counter_keys()).assign_many(stream())
    assert keys[0] != keys[2]


def test_embeddings_join_headlines_that_share_no_words() -> None:
    keys = OnlineClusterer(new_key=counter_keys(), encoder=veronica_encoder()).assign_many(stream())
    assert keys[0] == keys[2]
    assert len({keys[0], keys[1], keys[3]}) == 3


def test_nearest_neighbour_retrieval_is_what_finds_the_story() -> None:
    without_nn = params_with(embedding_candidates=0)
    keys = OnlineClusterer(without_nn, new_key=counter_keys(), encoder=veronica_encoder()).assign_many(stream())
    assert keys[0] != keys[2]  # the rare-term index has no shared term to offer


def test_assign_many_encodes_a_batch_in_one_call() -> None:
    encoder = veronica_encoder()
    OnlineClusterer(new_key=counter_keys(), encoder=encoder).assign_many(stream())
    assert encoder.calls == [4]


def test_precomputed_embeddings_equal_the_encoder_path() -> None:
    items = stream()
    vectors = veronica_encoder().encode([it.title for it in items])
    given = OnlineClusterer(new_key=counter_keys())
    by_hand = [given.assign(it, vec) for it, vec in zip(items, vectors, strict=True)]
    assert by_hand == OnlineClusterer(new_key=counter_keys(), encoder=veronica_encoder()).assign_many(items)


def test_restore_many_rebuilds_the_same_state() -> None:
    items = stream()
    whole = OnlineClusterer(new_key=counter_keys(), encoder=veronica_encoder())
    expected = whole.assign_many([*items, item("late", "Veronica Mars sequel talk", T0 + timedelta(hours=1))])
    resumed = OnlineClusterer(new_key=counter_keys(10), encoder=veronica_encoder())
    resumed.restore_many(list(zip(items, expected[:4], strict=True)))
    assert resumed.assign_many([item("late", "Veronica Mars sequel talk", T0 + timedelta(hours=1))]) == expected[4:]


def test_cluster_records_with_an_encoder_is_batched() -> None:
    records = [{"id": it.key, "title": it.title, "published": it.published.isoformat()} for it in stream()]
    encoder = veronica_encoder()
    out = dict(cluster_records(records, ClusterParams(), encoder, batch=3))
    assert encoder.calls == [3, 1]
    assert out["i0"] == out["i2"]


def test_expired_stories_leave_the_centroid_matrix() -> None:
    clusterer = OnlineClusterer(ClusterParams(window_hours=1), new_key=counter_keys(), encoder=veronica_encoder())
    for n in range(50):
        clusterer.assign(item(f"x{n}", f"Story number {n} about topic{n}", T0 + timedelta(hours=2 * n)))
    assert clusterer.active_stories <= 2
    assert clusterer._vectors is not None and len(clusterer._vectors) == clusterer.active_stories


def test_centroid_matrix_reuses_rows_and_ranks_by_cosine() -> None:
    matrix = CentroidMatrix(3, capacity=2)
    e = np.eye(3, dtype=np.float32)
    matrix.add("a", e[0])
    matrix.add("b", e[1])
    matrix.add("c", unit_rows([[1, 1, 0]])[0])  # grows past capacity
    assert [k for k, _ in matrix.nearest(e[0], 2, 0.0)] == ["a", "c"]
    assert matrix.nearest(e[2], 5, 0.1) == []
    matrix.remove("a")
    matrix.add("d", e[2])  # takes a's row
    assert len(matrix) == 3 and matrix.nearest(e[2], 1, 0.5)[0][0] == "d"
    matrix.absorb("c", "b")
    assert "b" not in matrix and matrix.cosine("c", e[1]) > matrix.cosine("c", e[2])


def test_params_with_ignores_none_and_rejects_unknown_names() -> None:
    assert params_with(threshold=None) == ClusterParams()
    assert params_with(threshold=0.2).threshold == 0.2
    with pytest.raises(TypeError, match="nope"):
        params_with(nope=1)


def test_importing_the_engine_does_not_import_torch() -> None:
    code = "import sys, news.cluster, news.embed, app.clustering; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


NO_EXTRA = embeddings_problem()


@pytest.mark.skipif(NO_EXTRA is not None, reason=str(NO_EXTRA))
def test_real_minilm_puts_paraphrases_closer_than_unrelated_news() -> None:
    from news.embed import MiniLMEncoder

    encoder = MiniLMEncoder(batch_size=4)
    vectors = encoder.encode([VERONICA[0], "Veronica Mars film premieres for its Kickstarter backers", UNRELATED[0]])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert encoder.encoded == 3
