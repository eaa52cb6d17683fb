"""What goes into a chat's daily digest (pure once the corpus is loaded; `now` and `since` are arguments).

Per topic, the top stories that are new since the chat's last digest, or that grew markedly since then
("+12 sources since last digest"); a story matching several topics appears once, under the first. Ranked as
everywhere: distinct outlets weighted by recency (news.rank).

One `Corpus` is loaded per few minutes and shared by every chat due then: 10,000 chats cost one query of
recent stories, one topic match per distinct topic and one card per story, not 10,000 of each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.render import digest_messages
from news.coverage import outlet_key
from news.rank import growth, rank_score
from news.summarize import build_story_view
from news.topics import compile_topic
from news.types import StoryArticle, StoryView
from storage import stories as story_store

LOOKBACK = timedelta(hours=48)  # the oldest news a digest reaches back to, however long the chat was away
FIRST_DIGEST = timedelta(days=1)  # a chat's first digest: the last day
GROWTH_MIN_SOURCES = 3  # "grew markedly": at least this many new outlets...
GROWTH_MIN_SHARE = 0.5  # ...and at least half again as many as it had before
CORPUS_LIMIT = 2000
NOTHING_NEW = "📭 Nothing new in your topics since the last digest."


@dataclass
class Corpus:
    """Recent stories, ranked once; topic matches and cards are computed on first use and kept."""

    now: datetime
    ranked: list[int]
    articles: dict[int, list[StoryArticle]]
    _matches: dict[str, list[int]] = field(default_factory=dict)
    _views: dict[int, StoryView] = field(default_factory=dict)

    def matching(self, topic: str) -> list[int]:
        if topic not in self._matches:
            matcher = compile_topic(topic)
            found = []
            for sid in self.ranked:
                arts = self.articles[sid]
                text = " \n".join(f"{a.title}. {a.summary}" for a in arts)
                if matcher.matches(text, {c for a in arts for c in a.categories}):
                    found.append(sid)
            self._matches[topic] = found
        return self._matches[topic]

    def view(self, sid: int) -> StoryView:
        if sid not in self._views:
            self._views[sid] = build_story_view(sid, self.articles[sid], self.now)
        return self._views[sid]


def load_corpus(session: Session, now: datetime) -> Corpus:
    ids = story_store.recent_story_ids(session, now - LOOKBACK, limit=CORPUS_LIMIT)
    articles = {sid: arts for sid, arts in story_store.story_articles(session, ids).items() if arts}
    ranked = [sid for _score, sid in sorted(((rank_score(a, now), sid) for sid, a in articles.items()), reverse=True)]
    return Corpus(now, ranked, articles)


def since_for(last_digest_at: datetime | None, now: datetime) -> datetime:
    """News counts from the chat's last digest, at most LOOKBACK back."""
    return max(last_digest_at or now - FIRST_DIGEST, now - LOOKBACK)


def grew_markedly(articles: Sequence[StoryArticle], since: datetime) -> int:
    """The outlets that joined since `since` when that is a marked growth, else 0."""
    new = growth(articles, since)
    before = len({outlet_key(a) or a.url or a.title for a in articles}) - new
    return new if new >= GROWTH_MIN_SOURCES and new >= GROWTH_MIN_SHARE * max(before, 1) else 0


def select(corpus: Corpus, topics: Sequence[str], since: datetime, per_topic: int) -> list[tuple[str, StoryView]]:
    """(topic, card view) pairs, best first within each topic, each story once."""
    used: set[int] = set()
    picked: list[tuple[str, StoryView]] = []
    for topic in topics:
        count = 0
        for sid in corpus.matching(topic):
            if count >= per_topic:
                break
            if sid in used:
                continue
            view = corpus.view(sid)
            if view.first_seen > since:
                picked.append((topic, view))
            elif grown := grew_markedly(corpus.articles[sid], since):
                picked.append((topic, dataclasses.replace(view, new_sources=grown)))
            else:
                continue
            used.add(sid)
            count += 1
    return picked


def title(day: date) -> str:
    return f"🗞 Your digest · {day.strftime('%a %d %b')}"


def messages(picked: Sequence[tuple[str, StoryView]], day: date, send_empty: bool) -> list[str]:
    """The digest's parts (each ≤ 4096 characters); [] when there is nothing to say and the chat wants silence."""
    if not picked:
        return [NOTHING_NEW] if send_empty else []
    sections: list[tuple[str, list[StoryView]]] = []
    for topic, view in picked:
        if not sections or sections[-1][0] != topic:
            sections.append((topic, []))
        sections[-1][1].append(view)
    return digest_messages(sections, title(day))
