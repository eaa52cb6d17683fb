"""No request pays for background work: a `--role bot` process keeps its digest corpus fresh with a job of its own,
and /top and /digest answer from the corpus there is, however old, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import app.digests
from app.cards import CardCache
from app.digests import CORPUS_TTL, Corpus
from bot.runtime import Runtime
from fakes.feed_server import FeedServer
from fakes.newsroom import seed_story
from fakes.telegram_api import FakeTelegram
from storage.db import Database
from storage.migrate import upgrade
from tests.bot.botkit import FAST, ISS, NOW, Item, say
from tests.bot.harness import Harness, bot_settings

HEAT = [Item("BBC", "bbc.com", "Heatwave grips southern Europe", "Temperatures passed 44C in Seville.", "center"),
        Item("CNN", "cnn.com", "Europe swelters in record heat", "Spain and Italy issued red alerts.", "left")]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def bot_role(tmp_path: Path, db_url: str, clock: Callable[[], datetime]) -> AsyncIterator[Harness]:
    async with FeedServer() as feeds, FakeTelegram() as telegram:
        config = bot_settings(telegram, tmp_path, db_url, **FAST)
        async with Runtime(config, clock=clock, role="bot") as runtime:
            yield Harness(telegram, feeds, runtime)


def another_process_writes(db_url: str, key: str, items: list[Item]) -> None:
    """A story written through a connection of its own, as a worker process would: nobody tells the bot."""
    db = Database(db_url)
    try:
        upgrade(db)
        with db.session() as session:
            seed_story(session, key, items, NOW)
    finally:
        db.dispose()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The `now` of every corpus load, wherever it was asked for."""
    seen: list[datetime] = []
    real = app.digests.load_corpus

    def counting(session: object, now: datetime, cards: CardCache) -> Corpus:
        seen.append(now)
        return real(session, now, cards)  # type: ignore[arg-type]

    monkeypatch.setattr(app.digests, "load_corpus", counting)
    return seen


async def test_a_bot_role_request_past_the_ttl_loads_no_corpus(tmp_path: Path, db_url: str,
                                                                loads: list[datetime]) -> None:
    clock = Clock(NOW)
    another_process_writes(db_url, "iss", ISS)
    async with bot_role(tmp_path, db_url, clock) as h:
        queue = h.runtime.application.job_queue
        assert queue is not None and queue.get_jobs_by_name("corpus"), "the bot role runs the corpus job"
        await h.runtime.jobs.corpus(None)  # type: ignore[arg-type]  # its first run (the job's `first=0`)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        await say(h, chat.id, "/start")
        loaded = len(loads)
        assert loaded >= 1

        clock.now = NOW + CORPUS_TTL + timedelta(minutes=5)  # the corpus is past its TTL
        top = await say(h, chat.id, "/top")
        digest = await say(h, chat.id, "/digest")
        assert top.text and "space" in top.text.lower()
        assert digest.text and "space" in digest.text.lower()
        assert len(loads) == loaded, "a request waited for a corpus load"

        await h.runtime.jobs.corpus(None)  # type: ignore[arg-type]
        assert loads[loaded:] == [clock.now], "the job reloads the corpus past its TTL"


async def test_the_corpus_job_picks_up_a_story_another_process_wrote(tmp_path: Path, db_url: str,
                                                                      loads: list[datetime]) -> None:
    clock = Clock(NOW)
    another_process_writes(db_url, "iss", ISS)
    async with bot_role(tmp_path, db_url, clock) as h:
        await h.runtime.jobs.corpus(None)  # type: ignore[arg-type]
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        await say(h, chat.id, "/start")
        before = await say(h, chat.id, "/top")
        assert before.text and "heat" not in before.text.lower()

        clock.now = NOW + timedelta(minutes=1)
        loaded = len(loads)
        await h.runtime.jobs.corpus(None)  # type: ignore[arg-type]
        assert len(loads) == loaded, "nothing changed: the cheap check, no reload"

        another_process_writes(db_url, "heat", HEAT)
        stale = await say(h, chat.id, "/top")  # the request answers from the corpus it has
        assert stale.text and "heat" not in stale.text.lower()
        assert len(loads) == loaded

        await h.runtime.jobs.corpus(None)  # type: ignore[arg-type]
        assert len(loads) == loaded + 1
        after = await say(h, chat.id, "/top")
        assert after.text and "heat" in after.text.lower() and "space" in after.text.lower()
