"""An outlet's profile: its bias and factuality with where each rating comes from, its country and owner (the
outlet table, news.sources), its articles in the story it was opened from, and how many of today's stories it
covered (the digest corpus, app.digests). Found by name, forgivingly but boundedly (`find_name`)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.digests import Corpus, Digests
from app.tx import Transactions
from news.coverage import outlet_key, outlet_label, source_lines
from news.sources import OutletDirectory
from news.types import Outlet, StoryArticle
from storage import stories as story_store

__all__ = ["MAX_OUTLET_QUERY", "Lookup", "OutletProfile", "Outlets", "find_name"]

MAX_OUTLET_QUERY = 60  # characters of /source NAME; longer ones are refused at the edge
MAX_IN_STORY = 10  # of an outlet's articles in one story, the profile lists this many
CLOSE_ENOUGH = 0.75  # difflib ratio for a misspelt name


@dataclass(frozen=True, slots=True)
class OutletProfile:
    name: str
    outlet: Outlet | None  # its row of the outlet table (ratings, country, owner); None for an unlisted feed
    today: int  # today's stories it covered
    in_story: tuple[tuple[str, str], ...] = ()  # (title, url) of its articles in the story it was opened from
    story_id: int | None = None  # the story it was opened from


@dataclass(frozen=True, slots=True)
class Lookup:
    profile: OutletProfile | None
    suggestions: tuple[str, ...]  # names close to what was asked, when nothing was found


def find_name(query: str, names: Iterable[str]) -> tuple[str | None, tuple[str, ...]]:
    """The outlet name meant by `query`: the same name ignoring case and spaces, the only name starting with or
    holding it as words, or a close spelling; else (None, up to three near names)."""
    wanted = " ".join(query.split()).casefold()
    by_key = {" ".join(name.split()).casefold(): name for name in names}
    if wanted in by_key:
        return by_key[wanted], ()
    holding = [name for key, name in by_key.items() if f" {wanted} " in f" {key} " or key.startswith(wanted)]
    if len(holding) == 1:
        return holding[0], ()
    close = difflib.get_close_matches(wanted, list(by_key), n=3, cutoff=0.6)
    if close and difflib.SequenceMatcher(None, wanted, close[0]).ratio() >= CLOSE_ENOUGH and not holding:
        return by_key[close[0]], ()
    return None, tuple(sorted(holding)[:3]) or tuple(by_key[key] for key in close)


def _is(article: StoryArticle, key: str) -> bool:
    return outlet_key(article) == key or outlet_label(article).casefold() == key


class Outlets:
    def __init__(self, tx: Transactions, digests: Digests, directory: OutletDirectory,
                 clock: Callable[[], datetime]) -> None:
        self.tx, self.digests, self.directory, self.clock = tx, digests, directory, clock
        self._by_name = {outlet.name.casefold(): outlet for outlet in directory}

    def raters(self, names: Iterable[str]) -> tuple[str, ...]:
        """Who rated the bias of the outlets named (a sources page's), in order of first mention; each outlet's
        card (`in_story`) has its page and date."""
        found: dict[str, None] = {}
        for name in names:
            outlet = self._by_name.get(name.casefold())
            if outlet is not None and outlet.bias is not None and outlet.bias_from is not None:
                found.setdefault(outlet.bias_from.source, None)
        return tuple(found)

    async def find(self, query: str) -> Lookup:
        """/source NAME: the outlet table's outlets and today's unlisted feeds, by name."""
        corpus = await self.digests.corpus(self.clock())
        seen = {outlet_label(a) for sid in corpus.today() for a in corpus.articles[sid]}
        name, near = find_name(query, [o.name for o in self.directory] + sorted(seen))
        return Lookup(self._profile(corpus, name, None, ()) if name else None, near)

    async def in_story(self, story_id: int, index: int) -> OutletProfile | None:
        """The outlet of line `index` of a story's "All N sources" pages; None when the story or line is gone."""
        corpus = await self.digests.corpus(self.clock())
        found = await self.tx(self._story_outlet, story_id, index)
        if found is None:
            return None
        live, article, articles = found
        key = outlet_key(article)
        mine = tuple((a.title, a.url) for a in articles if _is(a, key))[:MAX_IN_STORY]
        profile = self._profile(corpus, outlet_label(article), article.outlet, mine)
        return OutletProfile(profile.name, profile.outlet, profile.today, mine, live)

    def _profile(self, corpus: Corpus, name: str, stored: Outlet | None,
                 mine: tuple[tuple[str, str], ...]) -> OutletProfile:
        listed = self._by_name.get(name.casefold())
        key = name.casefold()
        today = sum(1 for sid in corpus.today() if any(_is(a, key) for a in corpus.articles[sid]))
        return OutletProfile(name, listed or stored, today, mine)

    @staticmethod
    def _story_outlet(session: Session, story_id: int,
                      index: int) -> tuple[int, StoryArticle, Sequence[StoryArticle]] | None:
        live = story_store.live_story_id(session, story_id)
        articles = story_store.story_articles(session, [live]).get(live, []) if live is not None else []
        lines = source_lines(articles)
        if live is None or not 0 <= index < len(lines):
            return None
        article = next(a for a in articles if a.url == lines[index].url)
        return live, article, articles
