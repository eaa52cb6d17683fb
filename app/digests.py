"""A chat's digest: one selection for the scheduled digest, `/digest` and `storybot preview --chat`.

Per topic, the top stories that are new since the chat's last digest, or that grew markedly since then
("+12 sources since last digest"); a story matching several topics appears once, under the first. Ranked as
everywhere: distinct outlets weighted by recency (news.rank). `digest_for` is pure once the corpus is loaded.

One `Corpus` of recent stories is shared by every chat: 10,000 chats cost one query of recent stories, one
tokenization per story, one topic match per distinct topic and one card per story, not 10,000 of each. It is
rebuilt in the background, off the path of any request (cards of unchanged stories come from the shared
CardCache): after each clustering pass (`Digests.refresh`), and in processes that don't cluster (the `bot` role, a
worker that is not the clustering leader) when the stories' fingerprint changed or the corpus is older than
`CORPUS_TTL` (`Digests.freshen`, a periodic job). A request uses the corpus there is, however old; it loads one
only when there is none yet (the first request after start).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from sqlalchemy.orm import Session

from app.cards import CardCache
from app.digest_time import zone_or_utc
from app.mutes import hide_outlets
from app.tx import Transactions
from news.coverage import outlet_key
from news.rank import growth, rank_score
from news.topics import StoryText, article_text, compile_topic, story_matches
from news.types import StoryArticle, StoryView
from storage import stories as story_store
from storage.outbox import deliveries as outbox

__all__ = [
    "BLINDSPOT_WEEKDAY", "CORPUS_TTL", "DAY", "LOOKBACK", "TOP_STORIES", "Corpus", "Digest", "Digests", "blindspots",
    "digest_for", "load_corpus", "select", "since_for", "top_stories",
]

LOOKBACK = timedelta(hours=48)  # the oldest news a digest reaches back to, however long the chat was away
FIRST_DIGEST = timedelta(days=1)  # a chat's first digest: the last day
GROWTH_MIN_SOURCES = 3  # "grew markedly": at least this many new outlets...
GROWTH_MIN_SHARE = 0.5  # ...and at least half again as many as it had before
CORPUS_LIMIT = 2000
CORPUS_TTL = timedelta(minutes=15)  # reloaded in the background at least this often, changed stories or not
TOP_STORIES = ""  # the digest section of a chat that follows nothing: the top stories (no topic is empty)
DAY = timedelta(hours=24)  # "today's" stories (/top, /blindspot): updated within a day of the newest news
BLINDSPOT_WEEKDAY = 0  # the weekly Blindspot section comes with Monday's digest (in the chat's timezone)


@dataclass
class Corpus:
    """Recent stories, ranked once; each story's text is tokenized once (news.topics.StoryText) and topic
    matches are computed on first use and kept.

    `newest` is `now`, or the newest story's time when every feed is older (an archive, a stalled fetch): the
    look-back counts from it, so a first digest shows the latest stories there are rather than nothing."""

    now: datetime
    newest: datetime
    ranked: list[int]
    articles: dict[int, list[StoryArticle]]
    sections: dict[int, tuple[str, ...]]
    cards: CardCache
    signature: tuple[object, ...] = ()  # storage.stories.stories_signature when loaded: a change means reload
    _texts: dict[int, StoryText] = field(default_factory=dict)
    _matches: dict[str, list[int]] = field(default_factory=dict)

    def candidates(self, topic: str) -> list[int]:
        """The stories a digest section draws from, best first: every story for TOP_STORIES."""
        return self.ranked if topic == TOP_STORIES else self.matching(topic)

    def muted(self, words: Sequence[str]) -> frozenset[int]:
        """The stories about any of `words` (the rules of topics: word-bounded, stemmed)."""
        return frozenset(sid for word in words for sid in self.matching(word))

    def today(self) -> Iterator[int]:
        """The stories updated within DAY of the newest news, best first (lazily: no card is built here)."""
        since = self.newest - DAY
        for sid in self.ranked:
            if max((a.published for a in self.articles[sid] if a.published is not None), default=self.now) >= since:
                yield sid

    def matching(self, topic: str) -> list[int]:
        if topic not in self._matches:
            matcher = compile_topic(topic)
            self._matches[topic] = [sid for sid in self.ranked if story_matches(matcher, self.text(sid))]
        return self._matches[topic]

    def view(self, sid: int) -> StoryView:
        return self.cards.view(sid, self.articles[sid], self.now)

    def text(self, sid: int) -> StoryText:
        """What topics are matched against: the card's headline and bullets, every article, the sections."""
        if sid not in self._texts:
            view, articles = self.view(sid), self.articles[sid]
            texts = [article_text(a.title, a.summary, a.categories) for a in articles]
            self._texts[sid] = StoryText.of(view.headline, view.bullets, texts, self.sections.get(sid, ()))
        return self._texts[sid]

    def adopt(self, previous: Corpus) -> None:
        """Keep the previous corpus's tokenized texts of the stories that did not change."""
        for sid in self.ranked:
            old = previous.articles.get(sid)
            new = self.articles[sid]
            if (sid in previous._texts and old is not None and len(old) == len(new) and old[-1].url == new[-1].url
                    and previous.sections.get(sid) == self.sections.get(sid)):
                self._texts[sid] = previous._texts[sid]

    def prepare(self) -> None:
        """Build every card and text now (a background refresh), so no request pays for summarizing."""
        for sid in self.ranked:
            self.text(sid)


def load_corpus(session: Session, now: datetime, cards: CardCache) -> Corpus:
    latest = story_store.latest_update(session)
    newest = min(now, latest) if latest else now
    signature = story_store.stories_signature(session, newest - LOOKBACK)  # before the stories: a change after it
    ids = story_store.recent_story_ids(session, newest - LOOKBACK, limit=CORPUS_LIMIT)
    articles = {sid: arts for sid, arts in story_store.story_articles(session, ids).items() if arts}
    ranked = [sid for _score, sid in sorted(((rank_score(a, now), sid) for sid, a in articles.items()), reverse=True)]
    cards.judge(articles)  # the window's public-affairs stories: what every card's blindspot is measured against
    return Corpus(now, newest, ranked, articles, story_store.story_sections(session, ranked), cards,
                  signature)


def since_for(last_digest_at: datetime | None, newest: datetime) -> datetime:
    """News counts from the chat's last digest, at most LOOKBACK before the newest news."""
    return max(last_digest_at or newest - FIRST_DIGEST, newest - LOOKBACK)


def grew_markedly(articles: Sequence[StoryArticle], since: datetime) -> int:
    """The outlets that joined since `since` when that is a marked growth, else 0."""
    new = growth(articles, since)
    before = len({outlet_key(a) or a.url or a.title for a in articles}) - new
    return new if new >= GROWTH_MIN_SOURCES and new >= GROWTH_MIN_SHARE * max(before, 1) else 0


def select(corpus: Corpus, topics: Sequence[str], since: datetime, per_topic: int,
           sent: frozenset[int] = frozenset(), muted: frozenset[int] = frozenset(),
           told: Mapping[int, datetime] | None = None,
           first: frozenset[str] = frozenset()) -> list[tuple[str, StoryView]]:
    """(topic, card view) pairs in the chat's topic order, best first within each topic, each story once.

    A story is new (first seen after `since`), or was in one of this chat's digests (`sent`) and grew markedly
    since. Under a topic the chat sees for the first time (`first`: its first digest, or a topic followed since
    the last one) a story need not be new: the topic's current biggest stories show, however long ago they began
    (a story followed for days is what the reader subscribed for). Topics share fairly: the most specific one
    (the fewest matching stories) chooses first, so a story matching several topics goes under the narrowest, and
    a broad topic can't take every story from the others. `muted` stories are never picked; TOP_STORIES picks
    among all stories. A followed story's update (`told`: when) said how it grew until then: its growth counts
    from the update.
    """
    told = told or {}
    eligible: dict[int, StoryView | None] = {}

    def fresh(sid: int) -> StoryView | None:
        if sid not in eligible:
            view = corpus.view(sid)
            grown = grew_markedly(corpus.articles[sid], max(since, told.get(sid, since))) if sid in sent else 0
            eligible[sid] = view if view.first_seen > since and sid not in sent else (
                dataclasses.replace(view, new_sources=grown) if grown else None)
        return eligible[sid]

    def current(sid: int) -> StoryView | None:
        return fresh(sid) or (None if sid in sent else corpus.view(sid))

    used: set[int] = set()
    chosen: dict[str, list[StoryView]] = {}
    for topic in sorted(dict.fromkeys(topics), key=lambda t: len(corpus.candidates(t))):
        views = chosen[topic] = []
        pick = current if topic in first else fresh
        for sid in corpus.candidates(topic):
            if len(views) >= per_topic:
                break
            if sid not in used and sid not in muted and (view := pick(sid)) is not None:
                views.append(view)
                used.add(sid)
    return [(topic, view) for topic in dict.fromkeys(topics) for view in chosen[topic]]


@dataclass(frozen=True, slots=True)
class Digest:
    """What one chat's digest holds at one moment; bot.render turns it into messages."""

    chat_id: int
    day: date  # the day it is for, in the chat's timezone
    picked: tuple[tuple[str, StoryView], ...]
    topics: tuple[str, ...]
    send_empty: bool  # with nothing new: one short line (True) or no message at all
    zone: str = "UTC"  # the chat's timezone: datelines are days there
    blindspots: tuple[StoryView, ...] = ()  # the weekly Blindspot section, when it is due
    language: str | None = None  # the chat's language code; None: not known (the renderer's default)

    @property
    def story_ids(self) -> list[int]:
        return [view.story_id for _, view in self.picked] + [view.story_id for view in self.blindspots]


def top_stories(corpus: Corpus, muted: frozenset[int], limit: int) -> list[int]:
    """Today's biggest stories (distinct outlets weighted by recency, news.rank), muted ones left out."""
    return list(islice((sid for sid in corpus.today() if sid not in muted), limit))


def blindspots(corpus: Corpus, muted: frozenset[int], limit: int) -> list[int]:
    """Today's biggest stories of public affairs that one side covers improbably little for the window (the
    rule of news.coverage, judged as every card is: app.cards), muted ones left out."""
    found = (sid for sid in corpus.today() if sid not in muted and corpus.view(sid).coverage.blindspot)
    return list(islice(found, limit))


def digest_for(corpus: Corpus, chat: outbox.DigestChat, now: datetime, per_topic: int,
               day: date | None = None) -> Digest:
    """The one selection: the chat's digest if it were sent at `now` (for the scheduled one, `day` is its day).
    A chat that follows nothing gets the top stories; muted stories are left out and muted outlets' links hidden;
    with `blindspot_weekly`, Monday's digest ends with today's blindspots."""
    zone = zone_or_utc(chat.timezone)
    day = day or now.astimezone(zone).date()
    muted = corpus.muted(chat.muted_words)
    first = chat.new_topics if chat.last_digest_at is not None else frozenset((*chat.topics, TOP_STORIES))
    picked = select(corpus, chat.topics or (TOP_STORIES,), since_for(chat.last_digest_at, corpus.newest),
                    per_topic, chat.sent_story_ids, muted, dict(chat.told), first)
    shown = {view.story_id for _, view in picked}
    blind = [] if not chat.blindspot_weekly or day.weekday() != BLINDSPOT_WEEKDAY else [
        corpus.view(sid) for sid in blindspots(corpus, muted | shown, per_topic)]

    def hide(view: StoryView) -> StoryView:
        return hide_outlets(view, corpus.articles[view.story_id], chat.muted_outlets)

    return Digest(chat.id, day, tuple((topic, hide(view)) for topic, view in picked), chat.topics,
                  chat.send_empty, zone.key, tuple(hide(view) for view in blind), chat.language)


class Digests:
    """The digest use cases users reach: a chat's digest now (`/digest`, `storybot preview --chat`)."""

    def __init__(self, tx: Transactions, background: Transactions, clock: Callable[[], datetime], per_topic: int,
                 cards: CardCache) -> None:
        self.tx, self.background, self.clock, self.per_topic, self.cards = tx, background, clock, per_topic, cards
        self._corpus: Corpus | None = None
        self._generation = 0
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        """Stories changed (a clustering pass): load the corpus anew and build its cards, then swap it in. Requests
        meanwhile use the previous one."""
        generation, previous = self._generation, self._corpus
        corpus = await self.background(load_corpus, self.clock(), self.cards)
        if previous is not None:
            corpus.adopt(previous)
        await asyncio.to_thread(corpus.prepare)
        if generation == self._generation:  # else stories changed meanwhile: this one is stale already
            self._corpus = corpus

    def invalidate(self) -> None:
        """The next use loads the corpus anew (tests and tools that changed stories behind the scenes)."""
        self._generation += 1
        self._corpus = None

    async def freshen(self) -> bool:
        """The background check of a process that doesn't cluster: reload when the stories changed since the corpus
        was loaded (their fingerprint, one cheap query) or it is older than CORPUS_TTL. True when it reloaded."""
        corpus = self._corpus
        if corpus is not None and timedelta(0) <= self.clock() - corpus.now <= CORPUS_TTL:
            signature = await self.background(story_store.stories_signature, corpus.newest - LOOKBACK)
            if signature == corpus.signature:
                return False
        await self.refresh()
        return True

    async def corpus(self, now: datetime) -> Corpus:
        """The current corpus, however old: requests never wait for a reload (`refresh` and `freshen` keep it
        current in the background). Loaded here only when there is none yet."""
        if self._corpus is not None:
            return self._corpus
        async with self._lock:
            if self._corpus is None:
                self._corpus = await self.background(load_corpus, now, self.cards)
            return self._corpus

    async def for_chat(self, chat_id: int) -> Digest | None:
        """The chat's digest as it would be sent now; None for a chat the bot doesn't know."""
        now = self.clock()
        corpus = await self.corpus(now)
        return await self.tx(self._for_chat, corpus, chat_id, now)  # topic matching runs off the event loop

    async def for_topics(self, topics: Sequence[str], zone: str = "UTC") -> Digest:
        """The digest a new chat following `topics` would get now (`storybot preview --topic`)."""
        now = self.clock()
        corpus = await self.corpus(now)
        chat = outbox.DigestChat(0, True, zone, None, True, None, tuple(topics))
        return await asyncio.to_thread(digest_for, corpus, chat, now, self.per_topic)

    def _for_chat(self, session: Session, corpus: Corpus, chat_id: int, now: datetime) -> Digest | None:
        chat = outbox.digest_chat(session, chat_id, sent_since=now - 2 * LOOKBACK)
        return None if chat is None else digest_for(corpus, chat, now, self.per_topic)
