"""The section model: one logistic classifier per section over hashed article features (numpy only).

Why this shape:
- One-vs-rest sigmoids, not a softmax: an article may belong to two sections, or to none (US politics is
  no section), and each section's score stays readable as "how sure are we this is that section".
- Seeded offline by `bench/train_sections.py` (scikit-learn SGD on 242,835 UCI headlines of 2014) and shipped
  as `news/data/sections-seed.npz`; then learned online, article by article, from feeds whose category
  names a section, so this year's words ("chatgpt", "covid") find their section without a retrain.
- Online steps are plain SGD on the logistic loss with a per-feature rate 1/sqrt(times seen): a word never
  seen before moves fast, a word the seed knows well moves slowly, and nothing ever freezes.
- Runtime needs numpy only: scikit-learn takes seconds to import and is used only to train the seed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Collection, Sequence
from importlib import resources

import numpy as np
import numpy.typing as npt

from news.sections.features import FEATURE_BITS
from news.sections.labels import SECTION_NAMES

__all__ = ["SectionModel", "load_seed_model"]

SEED_NAME = "sections-seed.npz"
LEARNING_RATE = 2.0
BIAS_RATE = 0.01  # the class balance of a few labelled feeds must not swing a section's base rate
SEED_PRIOR = 16.0  # a seeded feature counts as seen this often: feeds adjust it, a burst can't overturn it
FORMAT = 1

Floats = npt.NDArray[np.float32]


class SectionModel:
    """Weights of every section for every hashed feature, with how often each feature was learned from.

    Not thread-safe: call `learn` and the scoring functions from one thread (the clustering pass)."""

    def __init__(self, weights: Floats, bias: Floats, seen: Floats, learned: int = 0) -> None:
        if weights.shape != (1 << FEATURE_BITS, len(SECTION_NAMES)):
            raise ValueError(f"weights must be {1 << FEATURE_BITS} x {len(SECTION_NAMES)}")
        self.weights = weights
        self.bias = bias
        self.seen = seen
        self.learned = learned  # labelled articles learned from since the seed

    @classmethod
    def empty(cls) -> SectionModel:
        size = (1 << FEATURE_BITS, len(SECTION_NAMES))
        return cls(np.zeros(size, np.float32), np.full(len(SECTION_NAMES), -4.0, np.float32),
                   np.zeros(size[0], np.float32))

    def probabilities(self, articles: Sequence[Sequence[int]]) -> Floats:
        """(articles x sections) probabilities for feature-id rows (news.sections.features)."""
        out = np.empty((len(articles), len(SECTION_NAMES)), np.float32)
        for row, ids in enumerate(articles):
            out[row] = self._logits(ids)
        return np.asarray(1.0 / (1.0 + np.exp(-out)), np.float32)

    def _logits(self, ids: Sequence[int]) -> Floats:
        if not ids:
            return self.bias.copy()
        value = 1.0 / math.sqrt(len(ids))
        return np.asarray(self.weights[list(ids)].sum(axis=0) * value + self.bias, np.float32)

    def learn_features(self, rows: Sequence[Sequence[int]], labels: Sequence[Collection[str]]) -> int:
        """One SGD step per labelled article (in order); articles without a known section are skipped.
        Feed each article once: learning the same text again counts it twice. Returns how many were used."""
        used = 0
        for ids, sections in zip(rows, labels, strict=True):
            target = np.array([name in sections for name in SECTION_NAMES], np.float32)
            if not ids or not target.any():
                continue
            index = list(ids)
            value = 1.0 / math.sqrt(len(index))
            error = 1.0 / (1.0 + np.exp(-self._logits(index))) - target
            rates = LEARNING_RATE * value / np.sqrt(np.maximum(self.seen[index], 1.0))
            self.weights[index] -= rates[:, None] * error[None, :]
            self.bias -= BIAS_RATE * error
            self.seen[index] += 1.0
            used += 1
        self.learned += used
        return used

    def to_bytes(self, *, quantise: bool = False) -> bytes:
        """The model's state as a compressed .npz: only features with a weight or a count are stored.
        `quantise` (the shipped seed) stores weights as int8 with a per-section scale (~1 % error)."""
        rows = np.flatnonzero(np.any(self.weights != 0, axis=1) | (self.seen != 0)).astype(np.int32)
        kept = self.weights[rows]
        if quantise:
            scale = np.maximum(np.abs(kept).max(axis=0), 1e-6) / 127.0
            stored: npt.NDArray[np.generic] = np.round(kept / scale).astype(np.int8)
        else:
            scale, stored = np.ones(len(SECTION_NAMES), np.float32), kept.astype(np.float16)
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, format=np.int32(FORMAT), sections=np.array(SECTION_NAMES), rows=rows, weights=stored,
            scale=scale.astype(np.float32), bias=self.bias, seen=self.seen[rows].astype(np.float16),
            learned=np.int64(self.learned),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> SectionModel:
        """The inverse of `to_bytes`; `ValueError` for a state this version cannot read."""
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            if int(stored["format"]) != FORMAT or tuple(str(s) for s in stored["sections"]) != SECTION_NAMES:
                raise ValueError("section model state of another format or with other sections")
            model = cls.empty()
            rows = stored["rows"]
            model.weights[rows] = stored["weights"].astype(np.float32) * stored["scale"]
            model.seen[rows] = stored["seen"].astype(np.float32)
            model.bias = stored["bias"].astype(np.float32)
            model.learned = int(stored["learned"])
        return model


def load_seed_model() -> SectionModel:
    """A fresh model from the shipped seed (news/data/sections-seed.npz, made by bench/train_sections.py)."""
    data = resources.files("news").joinpath("data", SEED_NAME).read_bytes()
    return SectionModel.from_bytes(data)
