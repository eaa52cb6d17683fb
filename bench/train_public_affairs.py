"""Train the shipped public-affairs model: one command, writes news/data/public-affairs.npz and prints its
held-out quality.

    .venv/bin/python bench/train_public_affairs.py [--shared ../shared] [--out news/data/public-affairs.npz]

A blindspot only means something for a story with political undertones (news.affairs). The shared data gives
both kinds, labelled by people who were not thinking of this model:

- public affairs: every AllSides item (../shared/bench/allsides-dev.jsonl). AllSides picks for its roundups
  the stories that the left, the centre and the right all cover and frame differently, i.e. stories with
  political undertones (elections, courts, laws, wars, the economy as policy).
- not public affairs: the UCI headlines of 2014 (../shared/bench/uci-sections-train.jsonl.gz), which the
  aggregator filed under business, science and technology, entertainment or health; UCI has no politics
  section. Business is kept as a negative: most of it is companies and markets (earnings, mergers, launches).

Titles only, on both sides: UCI has no leads, and a model that learned "has a lead" would be worthless. Features
are news.sections.features (hashed words and word pairs; no outlet name, which would tell the datasets apart),
and only those seen in at least MIN_DF titles of EACH dataset: the two come from different years (2014 against
2016-2021), and a model free to use every word learns the year ("trump", "covid" against "crimea", "mh370")
instead of the subject; restricted to the words both years use, it learns "senate", "court", "tax" against
"album", "season", "smartphone".
scikit-learn logistic regression (liblinear, C below, balanced classes, fixed: the same files give the same
model). Held out: a fifth of the AllSides stories (by a hash of the story id) and the whole UCI dev week
(../shared/bench/uci-dev.jsonl, whose titles are dropped from the training rows). Quality is reported per
story as the bot decides it: the mean probability of its titles, one per outlet, against news.affairs.THRESHOLD.
Weights are pruned to the KEEP strongest features and stored as float16.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from news.affairs import FORMAT, THRESHOLD, AffairsModel
from news.sections.features import FEATURE_BITS, article_features
from news.types import StoryArticle

REPO = Path(__file__).resolve().parent.parent
KEEP = 40_000
C = 4.0
MIN_DF = 3


def held_out(story: str) -> bool:
    return zlib.crc32(story.encode()) % 5 == 0


def features(title: str) -> tuple[int, ...]:
    return article_features(title, "", "")


def matrix(rows: list[tuple[int, ...]], lengths: list[int]) -> sp.csr_matrix:
    """Binary features scaled by the title's whole feature count, as news.affairs scores them."""
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), np.int64, count=int(indptr[-1]))
    values = np.repeat([1.0 / np.sqrt(max(n, 1)) for n in lengths], [len(r) for r in rows])
    return sp.csr_matrix((values, indices, indptr), shape=(len(rows), 1 << FEATURE_BITS))


def read(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def story_rate(model: AffairsModel, stories: dict[str, list[StoryArticle]]) -> tuple[int, int]:
    """(stories judged public affairs, stories)."""
    return sum(model.is_public_affairs(arts) for arts in stories.values()), len(stories)


def sweep(model: AffairsModel, allsides: dict[str, list[StoryArticle]],
          uci: dict[str, dict[str, list[StoryArticle]]]) -> None:
    """The share of held-out AllSides stories and the UCI stories per section at or above each threshold."""
    scores = [model.score(arts) for arts in allsides.values()]
    by_section = {section: [model.score(arts) for arts in stories.values()] for section, stories in uci.items()}
    print("threshold  AllSides recall  UCI stories passing per section")
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        passing = {s: sum(v >= threshold for v in vs) for s, vs in sorted(by_section.items())}
        recall = sum(v >= threshold for v in scores) / len(scores)
        print(f"{threshold:>9}  {recall:>15.3f}  {passing}")


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "news" / "data" / "public-affairs.npz")
    args = parser.parse_args()
    bench = args.shared / "bench"
    allsides = read(bench / "allsides-dev.jsonl")
    uci_dev = read(bench / "uci-dev.jsonl")
    dev_titles = {r["title"] for r in uci_dev}
    uci_train = [r for r in read(bench / "uci-sections-train.jsonl.gz") if r["title"] not in dev_titles]
    positives = [r["title"] for r in allsides if not held_out(r["story"])]
    negatives = [r["title"] for r in uci_train]
    rows = [features(t) for t in positives + negatives]
    in_positives = Counter(i for row in rows[: len(positives)] for i in row)
    in_negatives = Counter(i for row in rows[len(positives):] for i in row)
    shared = {i for i, n in in_positives.items() if n >= MIN_DF and in_negatives[i] >= MIN_DF}
    lengths = [len(row) for row in rows]
    rows = [tuple(i for i in row if i in shared) for row in rows]
    target = np.array([1] * len(positives) + [0] * len(negatives))
    clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=200)
    clf.fit(matrix(rows, lengths), target)
    weights = clf.coef_[0].astype(np.float32)
    cut = np.partition(np.abs(weights), -KEEP)[-KEEP]
    keep = np.flatnonzero((np.abs(weights) >= cut) & (weights != 0)).astype(np.int32)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, format=np.int32(FORMAT), rows=keep, weights=weights[keep].astype(np.float16),
                        bias=np.float32(clf.intercept_[0]))
    args.out.write_bytes(buffer.getvalue())
    print(f"trained on {len(positives):,} AllSides titles and {len(negatives):,} UCI titles; "
          f"{len(shared):,} features in both")
    print(f"wrote {args.out.relative_to(REPO)}: {len(buffer.getvalue()) / 1024:.0f} KiB, {len(keep):,} features")

    model = AffairsModel.from_bytes(args.out.read_bytes())
    held: dict[str, list[StoryArticle]] = defaultdict(list)
    for r in allsides:
        if held_out(r["story"]):
            held[r["story"]].append(StoryArticle(r["title"], "", r["summary"], r["source"]))
    found, total = story_rate(model, held)
    print(f"held-out AllSides stories judged public affairs (recall): {found}/{total} = {found / total:.3f}")
    sections = {r["id"]: r["section"] for r in read(bench / "uci-dev-sections.jsonl")}
    by_section: dict[str, dict[str, list[StoryArticle]]] = defaultdict(lambda: defaultdict(list))
    gold_section: dict[str, Counter[str]] = defaultdict(Counter)
    for r in uci_dev:
        gold_section[r["story"]][sections.get(r["id"], "?")] += 1
    for r in uci_dev:
        section = gold_section[r["story"]].most_common(1)[0][0]
        by_section[section][r["story"]].append(StoryArticle(r["title"], r["url"], "", r["source"]))
    for section, stories in sorted(by_section.items()):
        found, total = story_rate(model, stories)
        print(f"UCI dev week, {section:<13} stories judged public affairs: {found:>3}/{total:<3} = {found / total:.3f}")
    print(f"(threshold {THRESHOLD}: the mean probability of the story's titles, one per outlet)")
    sweep(model, held, by_section)
    for stories in by_section.values():
        for arts in stories.values():
            if model.is_public_affairs(arts):
                print(f"  UCI public affairs: {model.score(arts):.2f} {arts[0].title[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
