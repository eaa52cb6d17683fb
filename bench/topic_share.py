"""What share of a story's articles must hold a topic word before the story counts as about it.

    .venv/bin/python bench/topic_share.py [--shared ../shared]

Clusters the UCI dev week with the production clusterer and, for TOPICS (common subscription words), looks at
every story of 5+ articles whose headlines hold the word: the share of its articles that do. A word a story is
about sits in most of its headlines; a stray mention in a few. Prints the distribution, how many pairs each
threshold keeps, and the time to test every topic against every story with news.topics.StoryText.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from section_quality import cluster, read_jsonl

from news.topics import StoryText, compile_topic, story_matches
from news.words import tokens, word_forms

REPO = Path(__file__).resolve().parent.parent

TOPICS = ("recall", "market", "apple", "google", "obama", "ukraine", "russia", "plane", "bank", "oil", "study",
          "cancer", "film", "album", "music", "sales", "shares", "iphone", "microsoft", "facebook", "twitter",
          "china", "president", "court", "death", "police", "search", "game", "space", "climate")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    dev = [{k: str(v or "") for k, v in d.items()} for d in read_jsonl(args.shared / "bench" / "uci-dev.jsonl")]
    stories = cluster(dev)
    titles: dict[str, list[str]] = defaultdict(list)
    for record in dev:
        titles[stories[record["id"]]].append(record["title"])
    shares = []
    for topic in TOPICS:
        forms = word_forms(topic)
        for texts in (t for t in titles.values() if len(t) >= 5):
            holding = sum(1 for t in texts if not forms.isdisjoint(tokens(t)))
            if holding:
                shares.append(holding / len(texts))
    print(f"{len(shares)} (story, topic) pairs with the word in some headline, stories of 5+ articles")
    for low, high in ((0, 0.1), (0.1, 0.2), (0.2, 0.25), (0.25, 1 / 3), (1 / 3, 0.4), (0.4, 0.5), (0.5, 1.01)):
        count = sum(1 for s in shares if low <= s < high)
        print(f"    share {low:.2f}-{min(high, 1):.2f}: {count:5d} ({count / len(shares):.0%})")
    for threshold in (0.2, 0.25, 1 / 3, 0.4, 0.5):
        print(f"    matched at share >= {threshold:.2f}: {sum(1 for s in shares if s >= threshold)}")
    texts = [StoryText.of(t[0], (), t) for t in list(titles.values()) * 3][:2000]
    matchers = [compile_topic(t) for t in TOPICS]
    started = time.perf_counter()
    matched = sum(story_matches(m, s) for m in matchers for s in texts)
    elapsed = time.perf_counter() - started
    print(f"{len(matchers)} topics x {len(texts)} stories: {1000 * elapsed:.0f} ms ({matched} matches)")
    started = time.perf_counter()
    texts = [StoryText.of(t[0], (), t) for t in list(titles.values()) * 3][:2000]
    print(f"tokenizing those {len(texts)} stories once: {1000 * (time.perf_counter() - started):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
