"""Section quality on the UCI dev week and the AllSides check: one command.

    .venv/bin/python bench/section_quality.py [--shared ../shared] [--no-baseline] [--against SEED.npz]

`--against` scores another seed beside the shipped one in the same run, e.g. main's:
`git show main:news/data/sections-seed.npz > /tmp/main-seed.npz`.

1. Clusters uci-dev.jsonl with the production clusterer (news.cluster.cluster_records, default parameters,
   publish order as `storybot cluster-file` does), lists each story's sections with the shipped seed model
   (no feed labels: what the held-out week sees), writes {"id", "story", "sections"} and scores it with
   ../shared/bench/score_sections.py. Beside it, on the same stories: a plain TF-IDF + logistic regression
   trained on uci-sections-train (each story gets the best section of its articles' mean probability) and
   the old keyword method (bench/keyword_sections.py).
2. The AllSides check: bench/data/allsides-sections.jsonl, 190 AllSides dev items labelled by hand (150 at
   random, 40 found by searching titles for tech, sports and entertainment words), each item alone as a
   one-article story with its lead. Per section precision and recall; "none" means no section is right.
3. The section step's cost per clustering pass, in ms per 1,000 stories (scoring every story once, with the
   article features cached as in the bot), and of learning, in ms per 1,000 labelled articles.
CPU times here are noisy: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from keyword_sections import keyword_sections

from news.cluster import cluster_records
from news.sections import SECTION_NAMES, SectionModel, load_seed_model, sections_by_item
from news.sections.story import learn_from_feeds, story_sections
from news.types import StoryArticle

REPO = Path(__file__).resolve().parent.parent

Record = Mapping[str, str]
LABELLED = ("business", "technology", "entertainment", "health")


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def cluster(records: Sequence[Record]) -> dict[str, str]:
    order = sorted(range(len(records)), key=lambda i: (records[i]["published"], i))
    return dict(cluster_records(records[i] for i in order))


def score(bench: Path, stories: Mapping[str, str], sections: Mapping[str, Sequence[str]], name: str) -> None:
    """Write a prediction file, run the benchmark's scorer, and print per-section figures beside it."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for item, story in stories.items():
            handle.write(json.dumps({"id": item, "story": story, "sections": list(sections[item])}) + "\n")
    result = subprocess.run([sys.executable, str(bench / "score_sections.py"), str(bench / "uci-dev-sections.jsonl"),
                             handle.name], capture_output=True, text=True, check=True)
    Path(handle.name).unlink()
    print(f"{name:<34} {result.stdout.strip().splitlines()[-1]}")
    gold = {str(d["id"]): str(d["section"]) for d in read_jsonl(bench / "uci-dev-sections.jsonl")}
    members: dict[str, list[str]] = defaultdict(list)
    for item, story in stories.items():
        members[story].append(item)
    hits: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    truth: Counter[str] = Counter()
    for items in (m for m in members.values() if len(m) >= 3):
        majority = Counter(gold[i] for i in items).most_common(1)[0][0]
        judged = set(sections[items[0]]) & set(LABELLED)
        truth[majority] += len(items)
        hits[majority] += len(items) * (majority in judged)
        listed.update({s: len(items) for s in judged})
    print("    " + "  ".join(f"{s} P={hits[s] / max(listed[s], 1):.3f} R={hits[s] / max(truth[s], 1):.3f}"
                             for s in LABELLED))


def baseline_sections(bench: Path, dev: Sequence[Record], stories: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train = [json.loads(line) for line in __import__("gzip").open(bench / "uci-sections-train.jsonl.gz", "rt")]
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    model = LogisticRegression(C=4.0, max_iter=1000).fit(
        vectorizer.fit_transform([t["title"] for t in train]), [t["section"] for t in train])
    probabilities = model.predict_proba(vectorizer.transform([d["title"] for d in dev]))
    rows: dict[str, list[int]] = defaultdict(list)
    for row, record in enumerate(dev):
        rows[stories[record["id"]]].append(row)
    best = {story: str(model.classes_[probabilities[r].mean(axis=0).argmax()]) for story, r in rows.items()}
    return {record["id"]: (best[stories[record["id"]]],) for record in dev}


def keyword_method(dev: Sequence[Record], stories: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    texts: dict[str, list[str]] = defaultdict(list)
    for record in dev:
        texts[stories[record["id"]]].append(record["title"])
    found = {story: keyword_sections(" \n".join(t)) for story, t in texts.items()}
    return {record["id"]: found[stories[record["id"]]] for record in dev}


def allsides_check(bench: Path, model: SectionModel) -> None:
    items = {str(d["id"]): d for d in read_jsonl(bench / "allsides-dev.jsonl")}
    labels = read_jsonl(REPO / "bench" / "data" / "allsides-sections.jsonl")
    hits: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    truth: Counter[str] = Counter()
    for label in labels:
        item = items[str(label["id"])]
        article = StoryArticle(title=str(item["title"]), url="", summary=str(item["summary"]))
        predicted = set(story_sections(model, [article])) or {"none"}
        gold = set(label["sections"]) or {"none"}  # type: ignore[call-overload]
        truth.update(gold)
        listed.update(predicted)
        hits.update(predicted & gold)
    print(f"AllSides check ({len(labels)} items, hand-labelled): precision / recall / items per section")
    for section in (*SECTION_NAMES, "none"):
        print(f"    {section:<14} P={hits[section] / max(listed[section], 1):.2f} "
              f"R={hits[section] / max(truth[section], 1):.2f}  ({truth[section]} labelled, {listed[section]} listed)")


def costs(model: SectionModel, dev: Sequence[Record], stories: Mapping[str, str]) -> None:
    groups: dict[str, list[StoryArticle]] = defaultdict(list)
    for record in dev:
        groups[stories[record["id"]]].append(StoryArticle(title=record["title"], url="", source_name=record["source"]))
    for _ in range(2):  # the first pass fills the feature cache, as the bot's first pass does
        started = time.perf_counter()
        for articles in groups.values():
            story_sections(model, articles)
        elapsed = time.perf_counter() - started
    size = sum(len(a) for a in groups.values()) / len(groups)
    print(f"section step: {1000 * elapsed / len(groups) * 1000:.0f} ms per 1,000 stories "
          f"({len(groups)} stories, {size:.0f} articles each on average; warm feature cache)")
    articles = [StoryArticle(title=r["title"], url="", source_name=r["source"], categories=("technology",))
                for r in dev[:2000]]
    started = time.perf_counter()
    learn_from_feeds(SectionModel.from_bytes(model.to_bytes()), articles)
    per_thousand = 1000 * (time.perf_counter() - started) / len(articles) * 1000
    print(f"learning: {per_thousand:.0f} ms per 1,000 labelled articles")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF + LR baseline (a minute)")
    parser.add_argument("--against", type=Path, help="another seed file to score beside the shipped one")
    args = parser.parse_args()
    bench = args.shared / "bench"
    dev: list[Record] = [{k: str(v or "") for k, v in d.items()} for d in read_jsonl(bench / "uci-dev.jsonl")]
    stories = cluster(dev)
    started = time.perf_counter()
    model = load_seed_model()
    print(f"seed model: {(REPO / 'news/data/sections-seed.npz').stat().st_size / 1024:.0f} KiB, "
          f"loaded in {1000 * (time.perf_counter() - started):.0f} ms")
    print(f"UCI dev week: {len(dev):,} items, {len(set(stories.values())):,} stories (production clusterer)")
    score(bench, stories, sections_by_item(dev, stories, model), "section classifier (seed only)")
    other = SectionModel.from_bytes(args.against.read_bytes()) if args.against else None
    if other is not None:
        score(bench, stories, sections_by_item(dev, stories, other), f"seed {args.against.name}")
    if not args.no_baseline:
        score(bench, stories, baseline_sections(bench, dev, stories), "baseline TF-IDF + LR")
    score(bench, stories, keyword_method(dev, stories), "old keyword method")
    allsides_check(bench, model)
    if other is not None:
        print(f"  the same with seed {args.against.name}:")
        allsides_check(bench, other)
    costs(model, dev, stories)
    return 0


if __name__ == "__main__":
    sys.exit(main())
