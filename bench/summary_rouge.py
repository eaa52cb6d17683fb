"""Summary ROUGE on the AllSides dev roundups: our card text and headline vs a lead baseline.

Stories are grouped by their gold `story` label (this measures summaries, not clustering). For each story:
- ours: the card's lede and bullets joined, and its headline (news.summary, as build_story_view makes them);
- baselines: the first article's lead, its first 1-3 sentences, stopping once it is at least as long
  (in words) as our bullets; the same lead cut to our word count; the first sentence of every
  article (a naive multi-source summary); and the first article's title for the headline.
Both are scored with ROUGE-1/2/L F-measure (rouge-score, Porter stemming) against the editors' neutral
summary and headline in allsides-dev-targets.jsonl. Also printed: the chosen title's rank by centrality
alone (1 = the most central title) and by ROUGE-1 against the neutral headline (1 = the best of the
story's titles), and the card's redundancy: the largest ROUGE-1 F between two of its lines (headline,
lede, bullets), averaged over stories, with the share of cards where two lines overlap by half or more.

With --outlets, each article with a URL gets its outlet (and so its side) from the bundled outlet table, as
articles do in the bot (320 of the 2,452 dev stories have sources; each AllSides roundup is a left, a centre
and a right outlet), and the headline is also scored on those stories alone: the neutral-headline rules
(news.summary.headline) only act on rated outlets. --baseline DIR runs the same measure on the code in DIR too
(e.g. a `git archive` of main), and prints both. --rated-only: only the stories with a rated outlet (with
--outlets; 2 min instead of 13 on a loaded 2-core machine).

    .venv/bin/python bench/summary_rouge.py [--shared ../shared] [--outlets [--rated-only]] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from rouge_score import rouge_scorer

from news.sources import OutletDirectory, domain_of, load_outlets
from news.summary import card_lines, clean_title, lead_sentences, pick_headline
from news.summary.similarity import article_text, core_mask, unit_vectors
from news.summary.titles import casing_of
from news.types import StoryArticle

METRICS = ("rouge1", "rouge2", "rougeL")


def _read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _stories(path: Path, outlets: OutletDirectory | None = None) -> dict[str, list[StoryArticle]]:
    stories: dict[str, list[StoryArticle]] = {}
    for item in _read_jsonl(path):
        url = str(item.get("url") or "")
        article = StoryArticle(
            title=str(item.get("title") or ""),
            url=url,
            summary=str(item.get("summary") or ""),
            source_name=str(item.get("source") or ""),
            outlet=outlets.by_domain(domain_of(url)) if outlets is not None and url else None,
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


def card(articles: list[StoryArticle]) -> tuple[str, list[str], int]:
    """(headline, [lede, *bullets], the headline's centrality rank), the way build_story_view makes them."""
    n = len(articles)
    vectors = unit_vectors([a.title for a in articles] + [article_text(a) for a in articles])
    core = core_mask(vectors[n:], articles)
    casing = casing_of([a.title for a in articles] + [a.summary for a in articles])
    headline = pick_headline(articles, vectors[:n], vectors[n:], core, casing)
    lines = card_lines(articles, headline.title, core, headline.voices, casing)
    return headline.title, [line for line in (lines.lede, *lines.bullets) if line], headline.centrality_rank


def redundancy(scorer: rouge_scorer.RougeScorer, lines: list[str]) -> float:
    """The largest ROUGE-1 F between two of the card's lines (0 for a card of one line)."""
    return max((scorer.score(a, b)["rouge1"].fmeasure for i, a in enumerate(lines) for b in lines[i + 1:]),
               default=0.0)


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
    parser.add_argument("--outlets", action="store_true", help="give articles their outlet from the outlet table")
    parser.add_argument("--rated-only", action="store_true", help="with --outlets: only stories with a rated outlet")
    parser.add_argument("--baseline", type=Path, help="also run on the code in this directory, first")
    args = parser.parse_args(argv)
    if args.baseline:
        print(f"== baseline: the code in {args.baseline}", flush=True)
        command = [sys.executable, __file__, "--shared", str(args.shared), *(["--outlets"] if args.outlets else []),
                   *(["--rated-only"] if args.rated_only else [])]
        subprocess.run(command, env={**os.environ, "PYTHONPATH": str(args.baseline)}, check=True)
        print("== this code", flush=True)
    bench = args.shared / "bench"
    stories = _stories(bench / "allsides-dev.jsonl", load_outlets() if args.outlets else None)
    if args.rated_only:
        stories = {key: articles for key, articles in stories.items()
                   if any(a.outlet is not None and a.outlet.bias is not None for a in articles)}
    targets = {str(t["story"]): t for t in _read_jsonl(bench / "allsides-dev-targets.jsonl")}

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    ours, lead, lead_cut, firsts = _Totals(), _Totals(), _Totals(), _Totals()
    head_ours, head_first, head_rated = _Totals(), _Totals(), _Totals()
    ranks: list[int] = []
    rouge_ranks: list[int] = []
    redundant: list[float] = []
    started = time.perf_counter()
    missing = 0
    for story, articles in stories.items():
        target = targets.get(story)
        if target is None:
            missing += 1
            continue
        headline, lines, rank = card(articles)
        ranks.append(rank)
        redundant.append(redundancy(scorer, [headline, *lines]))
        summary = " ".join(lines)
        ours.add(scorer, str(target["summary"]), summary)
        lead.add(scorer, str(target["summary"]), _lead_baseline(articles[0], len(summary.split())))
        lead_cut.add(scorer, str(target["summary"]), _lead_words(articles[0], len(summary.split())))
        firsts.add(scorer, str(target["summary"]), _first_sentences(articles))
        neutral_title = str(target.get("title") or "").rstrip(".").strip()
        if neutral_title:
            head_ours.add(scorer, neutral_title, headline)
            if any(a.outlet is not None and a.outlet.bias is not None for a in articles):
                head_rated.add(scorer, neutral_title, headline)
            by_title = sorted((scorer.score(neutral_title, clean_title(a.title))["rouge1"].fmeasure
                               for a in articles), reverse=True)
            rouge_ranks.append(1 + sum(f > scorer.score(neutral_title, headline)["rouge1"].fmeasure
                                       for f in by_title))
            head_first.add(scorer, neutral_title, clean_title(articles[0].title))
    elapsed = time.perf_counter() - started

    print(f"stories={ours.n} (no target: {missing})  {elapsed:.1f}s")
    print(f"{'summary vs editor summary':<40}{'R1-F':<8}{'R2-F':<8}{'RL-F':<8}words")
    print(ours.row("  lede + bullets (joined)"))
    print(lead.row("  first article lead, 1-3 sentences"))
    print(lead_cut.row("  first article lead, same word count"))
    print(firsts.row("  first sentence of every article"))
    print("headline vs neutral headline")
    print(head_ours.row("  card headline"))
    print(head_first.row("  first article's title"))
    if head_rated.n:
        print(head_rated.row(f"  card headline, {head_rated.n} rated stories"))
    count = max(len(ranks), 1)
    print(f"headline rank by centrality: mean {sum(ranks) / count:.3f}, first {ranks.count(1) / count:.1%}; "
          f"by ROUGE-1 among the story's titles: mean {sum(rouge_ranks) / max(len(rouge_ranks), 1):.3f}")
    print(f"redundancy (max ROUGE-1 F between two card lines): mean {sum(redundant) / count:.3f}, "
          f"cards with a pair >= 0.5: {sum(r >= 0.5 for r in redundant) / count:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
