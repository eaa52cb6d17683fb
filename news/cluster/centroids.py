"""Embedding centroids of the active stories, as one dense matrix for nearest-neighbour lookups (pure).

A story's centroid is the sum of its members' unit embeddings; its row in the matrix is that sum
renormalised, so a dot product with a unit item vector is the cosine. Rows are reused after a
story expires or is absorbed, so the matrix holds about as many rows as there are active stories
and a lookup costs the same at the 100,000th item as at the 1,000th. With a few thousand active
stories one matrix-vector product is far cheaper than any ANN index would be to maintain.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Vec = npt.NDArray[np.float32]


class CentroidMatrix:
    def __init__(self, dim: int, capacity: int = 256) -> None:
        self.dim = dim
        self._unit = np.zeros((capacity, dim), dtype=np.float32)  # renormalised centroids; free rows are 0
        self._sums: dict[str, Vec] = {}
        self._row: dict[str, int] = {}
        self._key: list[str | None] = [None] * capacity
        self._free: list[int] = list(range(capacity - 1, -1, -1))

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, key: str) -> bool:
        return key in self._row

    def add(self, key: str, vec: Vec) -> None:
        """Fold one member's unit vector into the story's centroid (creating the story's row)."""
        total = self._sums.get(key)
        total = vec.astype(np.float32, copy=True) if total is None else total + vec
        self._store(key, total)

    def absorb(self, survivor: str, absorbed: str) -> None:
        gone = self._sums.get(absorbed)
        if gone is None:
            return
        self.remove(absorbed)
        kept = self._sums.get(survivor)
        self._store(survivor, gone if kept is None else kept + gone)

    def remove(self, key: str) -> None:
        row = self._row.pop(key, None)
        if row is None:
            return
        del self._sums[key]
        self._unit[row] = 0.0
        self._key[row] = None
        self._free.append(row)

    def unit(self, key: str) -> Vec | None:
        row = self._row.get(key)
        return None if row is None else self._unit[row]

    def cosine(self, key: str, vec: Vec) -> float:
        row = self._row.get(key)
        return 0.0 if row is None else float(self._unit[row] @ vec)

    def nearest(self, vec: Vec, k: int, floor: float) -> list[tuple[str, float]]:
        """Up to k (story key, cosine) with cosine >= floor, best first."""
        if k <= 0 or not self._row:
            return []
        sims = self._unit @ vec
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        top = top[sims[top] >= floor]
        out: list[tuple[str, float]] = []
        for row in top[np.argsort(-sims[top], kind="stable")]:
            key = self._key[int(row)]
            if key is not None:
                out.append((key, float(sims[row])))
        return out

    def _store(self, key: str, total: Vec) -> None:
        self._sums[key] = total
        row = self._row.get(key)
        if row is None:
            if not self._free:
                self._grow()
            row = self._free.pop()
            self._row[key] = row
            self._key[row] = key
        length = float(np.linalg.norm(total))
        self._unit[row] = total / length if length > 0 else 0.0

    def _grow(self) -> None:
        old = len(self._unit)
        self._unit = np.vstack([self._unit, np.zeros((old, self.dim), dtype=np.float32)])
        self._key.extend([None] * old)
        self._free.extend(range(2 * old - 1, old - 1, -1))
