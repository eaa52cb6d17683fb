"""The sparse k-nearest-neighbour graph that refinement may merge along (pure; scipy and numpy).

Lexical neighbours come from one sparse product X @ X.T of the unit TF-IDF rows: only pairs that
share a term are ever computed. In hybrid mode the nearest items by embedding cosine are added,
block by block, so memory stays at a few rows times the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import sparse

from news.cluster.params import ClusterParams
from news.cluster.sparse import Vector

if TYPE_CHECKING:
    from news.cluster.centroids import Vec

__all__ = ["neighbour_pairs"]

_BLOCK = 1024
_Ints = npt.NDArray[np.int64]


def neighbour_pairs(vectors: Sequence[Vector], embeddings: Sequence[Vec | None] | None,
                    p: ClusterParams) -> list[tuple[int, int]]:
    """Pairs (i < j) where j is among i's `refine_neighbours` most similar items, or the reverse."""
    rows, cols = _lexical(vectors, p.refine_neighbours, p.refine_edge_floor)
    if embeddings is not None:
        matrix = np.stack([e for e in embeddings if e is not None]).astype(np.float32)
        e_rows, e_cols = _dense(matrix, p.refine_neighbours, p.embedding_floor)
        rows, cols = np.concatenate([rows, e_rows]), np.concatenate([cols, e_cols])
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    keep = low != high
    codes = np.unique(low[keep] * len(vectors) + high[keep])
    n = len(vectors)
    return list(zip((codes // n).tolist(), (codes % n).tolist(), strict=True))


def _csr(vectors: Sequence[Vector]) -> sparse.csr_matrix:
    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for vec in vectors:
        for term, weight in vec.items():
            indices.append(vocabulary.setdefault(term, len(vocabulary)))
            data.append(weight)
        indptr.append(len(indices))
    shape = (len(vectors), max(1, len(vocabulary)))
    return sparse.csr_matrix((np.array(data, np.float32), np.array(indices), np.array(indptr)), shape=shape)


def _lexical(vectors: Sequence[Vector], k: int, floor: float) -> tuple[_Ints, _Ints]:
    x = _csr(vectors)
    sims = (x @ x.T).tocsr()
    sims.setdiag(0.0)
    sims.data[sims.data < floor] = 0.0
    sims.eliminate_zeros()
    return _top_k_sparse(sims, k)


def _top_k_sparse(sims: sparse.csr_matrix, k: int) -> tuple[_Ints, _Ints]:
    counts = np.diff(sims.indptr)
    rows = np.repeat(np.arange(sims.shape[0]), counts)
    # Sort each row's entries by similarity, best first, and keep the first k of each row.
    order = np.lexsort((-sims.data, rows))
    rank = np.arange(len(order)) - np.repeat(sims.indptr[:-1], counts)
    chosen = order[rank < k]
    return rows[chosen].astype(np.int64), sims.indices[chosen].astype(np.int64)


def _dense(matrix: npt.NDArray[np.float32], k: int, floor: float) -> tuple[_Ints, _Ints]:
    n = len(matrix)
    k = min(k, n - 1)
    rows: list[_Ints] = []
    cols: list[_Ints] = []
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    for start in range(0, n, _BLOCK):
        block = matrix[start:start + _BLOCK] @ matrix.T
        span = np.arange(start, start + len(block))
        block[np.arange(len(block)), span] = -1.0
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        good = np.take_along_axis(block, top, axis=1) >= floor
        rows.append(np.repeat(span, k).reshape(-1, k)[good].astype(np.int64))
        cols.append(top[good].astype(np.int64))
    return np.concatenate(rows), np.concatenate(cols)
