"""The operator's endpoint, scraped over HTTP after driving the bot: /healthz, /readyz, /metrics."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from fakes.newsroom import ISS
from storage.db import normalize_url
from storage.models import Article, Chat, Feed
from tests.bot.botkit import FAST, wait_until
from tests.bot.harness import Harness, running_bot
from tests.conftest import FIXTURES, POSTGRES_ENV

NOW = datetime(2014, 3, 18, 14, 0, tzinfo=UTC)  # the fixture feeds' day


def endpoint(h: Harness) -> str:
    assert h.runtime.endpoint is not None
    return f"http://{h.runtime.endpoint.host}:{h.runtime.endpoint.port}"


async def scrape(h: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(endpoint(h) + "/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def count(session: object, model: type[Article] | type[Feed]) -> int:
    return int(session.scalar(select(func.count(model.id))) or 0)  # type: ignore[attr-defined]


async def test_metrics_count_what_the_bot_did(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, FIXTURES / "feeds", lambda: NOW, metrics_port=0, **FAST) as h:
        assert h.runtime.endpoint is not None and h.runtime.endpoint.host == "127.0.0.1"
        user = h.telegram.add_user("Ada")
        chat = h.telegram.add_private_chat(user).id
        for command in ("/start", "/subscribe space", "/topics"):
            await h.telegram.send_message(chat, command, user)
        await h.telegram.wait_for_messages(chat, 3)
        await wait_until(lambda: 0 < h.core.interactive.sync(count, Article) == sample(h, "articles_ingested_total")
                         and sample(h, "cluster_pass_seconds_count"), timeout=30)
        articles = h.core.interactive.sync(count, Article)  # fetched from the feeds; the story below is not
        h.seed("iss", ISS, now=NOW)
        with h.core.db.session() as s:
            s.get_one(Chat, chat).next_digest_at = NOW - timedelta(minutes=1)
        await h.runtime.delivery.tick(NOW)
        await h.runtime.delivery.idle()
        assert sum("Your digest" in (m.text or "") for m in h.telegram.messages(chat)) == 1
        h.telegram.enable_rate_limits(global_per_second=None, private_per_second=1, group_per_minute=None)
        bot = h.runtime.application.bot
        for _ in range(2):  # a reply right after the digest: Telegram answers 429, the bot waits and retries
            await bot.send_message(chat, "hello")
        seen = await scrape(h)
        feeds = h.core.interactive.sync(count, Feed)
    assert seen[("storybot_articles_ingested_total", ())] == articles
    assert seen[("storybot_feeds", (("state", "ok"),))] == feeds
    assert seen[("storybot_feeds", (("state", "paused"),))] == 0
    assert seen[("storybot_cluster_pass_seconds_count", ())] >= 1
    assert seen[("storybot_digests_total", (("outcome", "sent"),))] == 1
    assert seen[("storybot_digests_total", (("outcome", "failed"),))] == 0
    assert seen[("storybot_digests_total", (("outcome", "unknown"),))] == 0
    assert seen[("storybot_send_queue_depth", ())] == 0
    assert seen[("storybot_telegram_429_total", ())] >= 1
    assert seen[("storybot_update_seconds_count", (("kind", "command"),))] == 3
    assert seen[("storybot_update_seconds_count", (("kind", "button"),))] == 0


def sample(h: Harness, name: str) -> float:
    """A value from the runtime's registry, to know when to scrape (the assertions read the scraped text)."""
    return h.runtime.metrics.registry.get_sample_value(f"storybot_{name}") or 0.0


async def test_metrics_are_off_by_default_and_runtimes_count_apart(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    async with running_bot(tmp_path, db, None, lambda: NOW, **FAST) as plain:
        assert plain.runtime.endpoint is None
        other = tmp_path / "other"
        other.mkdir()
        async with running_bot(other, f"sqlite:///{other / 'b.db'}", None, lambda: NOW, metrics_port=0) as h:
            await h.telegram.send_message(5, "/help", 5)
            await h.telegram.wait_for_messages(5, 1)
            seen = await scrape(h)
        assert seen[("storybot_update_seconds_count", (("kind", "command"),))] == 1
        assert plain.runtime.metrics.registry is not h.runtime.metrics.registry


async def test_readyz_says_which_tick_is_late(tmp_path: Path) -> None:
    async with running_bot(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", None, lambda: NOW, metrics_port=0) as h, \
            httpx.AsyncClient(timeout=10) as client:
        base = endpoint(h)
        assert (await client.get(base + "/healthz")).text == "ok\n"
        ready = await client.get(base + "/readyz")
        assert ready.status_code == 200, ready.text
        queue = h.runtime.application.job_queue
        assert queue is not None
        queue.scheduler.pause()  # the scheduler stops: no tick runs any more
        h.runtime.health.clock = lambda: time.monotonic() + 3600  # an hour later
        late = await client.get(base + "/readyz")
        assert late.status_code == 503
        lines = late.text.splitlines()
        assert [line.split()[0] for line in lines] == ["cluster", "digests", "follows", "refresh"], lines
        assert all("last ran" in line for line in lines)
        assert (await client.get(base + "/healthz")).status_code == 200  # alive all the same
        queue.scheduler.resume()


async def test_readyz_is_503_while_the_database_refuses_connections(tmp_path: Path, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("a SQLite file can't be made unreachable under a running process")
    name = make_url(db_url).database
    admin = create_engine(normalize_url(os.environ[POSTGRES_ENV]), isolation_level="AUTOCOMMIT")
    async with running_bot(tmp_path, db_url, None, lambda: NOW, metrics_port=0) as h, \
            httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(endpoint(h) + "/readyz")).status_code == 200
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        try:
            down = await client.get(endpoint(h) + "/readyz")
            assert down.status_code == 503 and down.text.startswith("database unreachable: "), down.text
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        for _ in range(50):  # ready again once it is (the pool drops the connections that were cut)
            if (await client.get(endpoint(h) + "/readyz")).status_code == 200:
                break
        else:
            raise AssertionError("still not ready after the database came back")
    admin.dispose()
