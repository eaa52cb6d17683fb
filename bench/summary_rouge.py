"""Summary ROUGE on the AllSides dev roundups: our bullets and headline vs a lead baseline.

Stories are grouped by their gold `story` label (this measures summaries, not clustering). For each story:
- ours: `summary_bullets` joined, and `choose_headline`;
- baselines: the first article's lead, its first 1-3 sentences, stopping once it is at least as long
  (in words) as our bullets; the same lead cut to our word count; the first sentence of every
  article (a naive multi-source summary); and the first article's title for the headline.
Both are scored with ROUGE-1/2/L F-measure (rouge-score, Porter stemming) against the editors' neutral
summary and headline in allsides-dev-targets.jsonl.

    .venv/bin/python bench/summary_rouge.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from pathlib import Path

from rouge_score import rouge_scorer

from news.summarize import choose_headline, clean_title, lead_sentences, summary_bullets
from news.types import StoryArticle

METRICS = ("rouge1", "rouge2", "rougeL")


def _read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _stories(path: Path) -> dict[str, list[StoryArticle]]:
    stories: dict[str, list[StoryArticle]] = {}
    for item in _read_jsonl(path):
        article = StoryArticle(
            title=str(item.get("title") or ""),
            url=str(item.get("url") or ""),
            summary=str(item.get("summary") or ""),
            source_name=str(item.get("source") or ""),
        )
        stories.setdefault(str(item["story"]), []).append(article)
    return stories


def _lead_baseline(article: StoryArticle, min_words: int) -> str:
    sentences = lead_sentences(article.summary) or [article.title]
    chosen: list[str] = []
    for sentence in sentences[:3]:
        chosen.append(sentence)
        if sum(len(s.split()) for s in chosen) >= min_words:
            break
    return " ".join(chosen)


def _first_sentences(articles: list[StoryArticle]) -> str:
    """A multi-document baseline: the first sentence of every article's lead, in file order."""
    return " ".join((lead_sentences(a.summary) or [a.title])[0] for a in articles)


def _lead_words(article: StoryArticle, words: int) -> str:
    """The first article's lead cut to exactly our length in words (or all of it if shorter)."""
    return " ".join(" ".join(lead_sentences(article.summary) or [article.title]).split()[:words])


class _Totals:
    def __init__(self) -> None:
        self.sums = dict.fromkeys(METRICS, 0.0)
        self.words = 0
        self.n = 0

    def add(self, scorer: rouge_scorer.RougeScorer, target: str, prediction: str) -> None:
        scores = scorer.score(target, prediction)
        for metric in METRICS:
            self.sums[metric] += scores[metric].fmeasure
        self.words += len(prediction.split())
        self.n += 1

    def row(self, name: str) -> str:
        n = max(self.n, 1)
        cells = "  ".join(f"{self.sums[m] / n:.4f}" for m in METRICS)
        return f"{name:<40}{cells}  {self.words / n:6.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args(argv)
    bench = args.shared / "bench"
    stories = _stories(bench / "allsides-dev.jsonl")
    targets = {str(t["story"]): t for t in _read_jsonl(bench / "allsides-dev-targets.jsonl")}

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    ours, lead, lead_cut, firsts = _Totals(), _Totals(), _Totals(), _Totals()
    head_ours, head_first = _Totals(), _Totals()
    started = time.perf_counter()
    missing = 0
    for story, articles in stories.items():
        target = targets.get(story)
        if target is None:
            missing += 1
            continue
        summary = " ".join(summary_bullets(articles))
        ours.add(scorer, str(target["summary"]), summary)
        lead.add(scorer, str(target["summary"]), _lead_baseline(articles[0], len(summary.split())))
        lead_cut.add(scorer, str(target["summary"]), _lead_words(articles[0], len(summary.split())))
        firsts.add(scorer, str(target["summary"]), _first_sentences(articles))
        neutral_title = str(target.get("title") or "").rstrip(".").strip()
        if neutral_title:
            head_ours.add(scorer, neutral_title, clean_title(choose_headline(articles).title))
            head_first.add(scorer, neutral_title, clean_title(articles[0].title))
    elapsed = time.perf_counter() - started

    print(f"stories={ours.n} (no target: {missing})  {elapsed:.1f}s")
    print(f"{'summary vs editor summary':<40}{'R1-F':<8}{'R2-F':<8}{'RL-F':<8}words")
    print(ours.row("  summary_bullets (joined)"))
    print(lead.row("  first article lead, 1-3 sentences"))
    print(lead_cut.row("  first article lead, same word count"))
    print(firsts.row("  first sentence of every article"))
    print("headline vs neutral headline")
    print(head_ours.row("  choose_headline"))
    print(head_first.row("  first article's title"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
