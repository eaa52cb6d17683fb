"""Train the shipped section seed: one command, writes news/data/sections-seed.npz.

    .venv/bin/python bench/train_sections.py [--shared ../shared] [--out news/data/sections-seed.npz]

Reads ../shared/bench/uci-sections-train.jsonl.gz (242,835 UCI headlines of 2014 with their outlet, labelled
business, technology, entertainment or health) and fits one logistic classifier per section with scikit-learn's
SGD (log loss, alpha 3e-7, 20 epochs, fixed seed: the same file gives the same model). Features are
news.sections.features, so training and the bot see the same ids.

UCI has no world, science or sports label. Those three are seeded by weak labels: a headline is a positive
for them when it holds one of the unambiguous names in WEAK_LABELS below ("nasa", "premier league", "crimea";
an item keeps its UCI label too). It is a rough start, said so in the report: the bot then learns these
sections properly from the feeds its operator filed under them.

"No section" is learned from the titles of AllSides dev, US political news by construction (bench/section_none.py
says which items and how: a negative for business, technology, health and entertainment unless it holds one of
that section's plain words, and the check's stories left out whole). `--no-none` trains the earlier seed.

Weights are pruned to the KEEP features that matter most (largest weight of any section) and stored as int8.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from section_none import allsides_records, grams_of, none_columns

from news.sections.features import FEATURE_BITS, article_features
from news.sections.model import SECTION_NAMES, SEED_PRIOR, SectionModel

REPO = Path(__file__).resolve().parent.parent

KEEP = 60_000
ALPHA = 3e-7
WEAK_LABELS: dict[str, frozenset[str]] = {
    "world": frozenset({
        "ukraine", "ukrainian", "crimea", "crimean", "kiev", "putin", "kremlin", "syria", "syrian", "assad",
        "iraq", "iraqi", "isis", "gaza", "hamas", "israel", "israeli", "palestinian", "palestinians", "netanyahu",
        "iran", "iranian", "tehran", "afghanistan", "afghan", "taliban", "pakistan", "nato", "venezuela", "egypt",
        "egyptian", "nigeria", "boko haram", "north korea", "pyongyang", "mh370", "mh17", "malaysia airlines",
        "united nations", "ceasefire", "rebels", "libya", "yemen", "sudan", "missing plane", "missing jet",
    }),
    "science": frozenset({
        "nasa", "astronomers", "astronomy", "telescope", "asteroid", "comet", "exoplanet", "big bang",
        "physicists", "physics", "fossil", "fossils", "dinosaur", "dinosaurs", "species", "archaeologists",
        "spacecraft", "space station", "hubble", "scientists", "genome", "volcano", "earthquake",
        "climate change", "global warming", "gravitational waves", "solar system", "neanderthal", "biologists",
        "paleontologists",
    }),
    "sports": frozenset({
        "nba", "nfl", "nhl", "mlb", "fifa", "uefa", "world cup", "premier league", "champions league",
        "quarterback", "touchdown", "playoffs", "playoff", "wimbledon", "grand slam", "pga", "olympics",
        "olympic", "super bowl", "march madness", "ncaa", "tennis", "baseball", "basketball", "soccer", "hockey",
        "rugby", "ufc", "lakers", "yankees", "knicks", "tiger woods", "lebron", "messi", "manchester united",
        "final four", "stanley cup", "red sox",
    }),
}


def weak_sections(title: str) -> set[str]:
    grams = grams_of(title)
    return {section for section, names in WEAK_LABELS.items() if not grams.isdisjoint(names)}


def feature_matrix(rows: list[tuple[int, ...]]) -> sp.csr_matrix:
    """Binary features scaled to unit length, as SectionModel scores them."""
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), np.int64, count=int(indptr[-1]))
    values = np.repeat([1.0 / np.sqrt(max(len(r), 1)) for r in rows], [len(r) for r in rows])
    return sp.csr_matrix((values, indices, indptr), shape=(len(rows), 1 << FEATURE_BITS))


def train(records: list[dict[str, str]]) -> SectionModel:
    from sklearn.linear_model import SGDClassifier

    matrix = feature_matrix([article_features(r["title"], "", r.get("source") or "") for r in records])
    weak = [weak_sections(r["title"]) if r["section"] != "none" else set() for r in records]
    skipped = [none_columns(r["title"]) if r["section"] == "none" else frozenset() for r in records]
    model = SectionModel.empty()
    for column, section in enumerate(SECTION_NAMES):
        target = np.array([r["section"] == section or section in w for r, w in zip(records, weak, strict=True)])
        used = np.array([section not in s for s in skipped])
        started = time.perf_counter()
        clf = SGDClassifier(loss="log_loss", alpha=ALPHA, max_iter=20, tol=None, random_state=0)
        clf.fit(matrix[used], target[used])
        model.weights[:, column] = clf.coef_[0]
        model.bias[column] = clf.intercept_[0]
        print(f"{section:<14} {int(target.sum()):>7,} positives of {int(used.sum()):>7,} "
              f"{time.perf_counter() - started:5.1f}s")
    strength = np.abs(model.weights).max(axis=1)
    cut = np.partition(strength, -KEEP)[-KEEP]
    model.weights[strength < cut] = 0.0
    # A feature counts as known (SEED_PRIOR) only when labelled headlines taught it: a word seen only in political
    # titles ("covid" in 2020) learned only what it is not, and must still learn its section fast from the feeds.
    labelled = np.zeros(1 << FEATURE_BITS, bool)
    labelled[matrix[[r["section"] != "none" for r in records]].indices] = True
    model.seen[:] = 0.0
    model.seen[(strength >= cut) & labelled] = SEED_PRIOR
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "news" / "data" / "sections-seed.npz")
    parser.add_argument("--no-none", action="store_true", help="UCI and weak labels only (the earlier seed)")
    args = parser.parse_args()
    with gzip.open(args.shared / "bench" / "uci-sections-train.jsonl.gz", "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    if not args.no_none:
        records += allsides_records(args.shared)
    model = train(records)
    data = model.to_bytes(quantise=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {len(data) / 1024:.0f} KiB, {KEEP:,} features x {len(SECTION_NAMES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
