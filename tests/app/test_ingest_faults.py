"""Every kind of bad feed in ONE run with healthy ones: each gets a clear record, and nothing else is lost.
Also the database side: a failing write cannot undo other feeds' writes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.feeds import Ingestor, IngestPolicy
from app.writer import GroupWriter
from fakes.feed_server import FeedServer
from news.fetch import Fetcher
from news.normalize import canonical_url
from news.sources import load_outlets
from storage import feeds as feed_store
from storage.db import Database
from storage.models import Article, Feed, FeedStatus
from tests.conftest import FIXTURES

NOW = datetime(2014, 3, 18, 14, 0, tzinfo=UTC)
TIMEOUT = 1.5
TRUTH = {canonical_url(u) for u in json.loads((FIXTURES / "feeds" / "truth.json").read_text())}
BAD = FIXTURES / "feeds_bad"


def bad(name: str) -> bytes:
    return (BAD / name).read_bytes()


def serve_faults(server: FeedServer) -> dict[str, str]:
    """name -> URL for every misbehaving feed."""
    trickled = (FIXTURES / "feeds" / "time.xml").read_bytes()
    return {
        "500": server.add("/500.xml", b"oops", status=500, content_type="text/plain"),
        "404": server.url("/nothing-here.xml"),
        "410": server.add("/410.xml", b"gone", status=410, content_type="text/plain"),
        "503": server.add("/503.xml", b"busy", status=503, headers={"Retry-After": "3600"}),
        "429": server.add("/429.xml", b"slow down", status=429, headers={"Retry-After": "7200"}),
        "slow": server.add("/slow.xml", trickled, delay=30),
        "trickle": server.add("/trickle.xml", trickled, trickle=0.05),  # a byte every 50 ms: never a read timeout
        "huge": server.add("/huge.xml", stream_bytes=50 * 1024 * 1024),
        "loop": server.add("/loop-a.xml", redirect_to="/loop-b.xml"),
        "malformed": server.add("/malformed.xml", bad("malformed.xml")),
        "bomb": server.add("/bomb.xml", bad("bomb.xml")),
        "charset": server.add("/charset.xml", bad("wrong_charset.xml"), content_type="application/rss+xml"),
        "dupes": server.add("/dupes.xml", bad("duplicate_guids.xml")),
        "empty": server.add("/empty.xml", bad("empty.xml")),
        "html": server.add("/page.html", bad("not_a_feed.html"), content_type="text/html; charset=utf-8"),
        "odd": server.add("/odd.atom", bad("odd_entries.atom"), content_type="application/atom+xml"),
    }


async def test_bad_feeds_are_recorded_and_healthy_ones_fully_ingested(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    async with FeedServer() as server:
        healthy = server.add_dir(FIXTURES / "feeds")
        faults = serve_faults(server)
        server.add("/loop-b.xml", redirect_to="/loop-a.xml")
        with db.session() as s:
            feed_store.upsert_feeds(s, [(u, "", "") for u in [*healthy, *faults.values()]])
        fetcher = Fetcher(Fetcher.make_client(connect_timeout=TIMEOUT, total_timeout=TIMEOUT), timeout=TIMEOUT)
        ingestor = Ingestor(db, fetcher, load_outlets(), IngestPolicy(), lambda: NOW)
        totals: list[int] = []
        started = time.monotonic()
        summary = await ingestor.fetch_due(on_start=totals.append)
        elapsed = time.monotonic() - started
        await fetcher.aclose()
        ingestor.close()

    assert totals == [len(healthy) + len(faults)]
    assert elapsed < 4 * TIMEOUT  # slow feeds are cut off by the total timeout, in parallel
    assert server.hits["/huge.xml"] == 1
    with db.session() as s:
        feeds = {f.url: f for f in s.scalars(select(Feed))}
        by_url = {a.url: a for a in s.scalars(select(Article))}
    record = {name: feeds[url] for name, url in faults.items()}

    assert TRUTH.issubset(by_url)  # every healthy article, despite everything else
    for url in healthy:
        assert feeds[url].last_error is None and feeds[url].error_count == 0

    failed = {"500": "HTTP 500", "404": "HTTP 404", "503": "HTTP 503", "429": "HTTP 429", "slow": "Timeout",
              "trickle": "Timeout", "huge": "TooLarge", "loop": "redirect loop", "bomb": "entities",
              "html": "not an RSS or Atom feed", "410": "HTTP 410"}
    for name, text in failed.items():
        feed = record[name]
        assert text in (feed.last_error or ""), (name, feed.last_error)
        assert feed.error_count == 1 and feed.last_success_at is None
    assert summary.failed == len(failed) and summary.paused == 1
    assert record["410"].status == FeedStatus.PAUSED and "paused" in (record["410"].last_error or "")
    paused = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and " paused: " in r.getMessage()]
    assert paused == [f"feed {faults['410']} paused: {record['410'].last_error}; `storybot feeds resume "
                      f"{record['410'].id}` polls it again"]
    assert all(f.status == FeedStatus.ACTIVE for n, f in record.items() if n != "410")
    assert record["503"].next_check_at is not None and record["503"].next_check_at >= NOW + timedelta(hours=1)
    assert record["429"].next_check_at is not None and record["429"].next_check_at >= NOW + timedelta(hours=2)
    assert record["500"].next_check_at == NOW + timedelta(minutes=15)  # first failure: one interval

    ok = {"malformed", "charset", "dupes", "empty", "odd"}
    for name in ok:
        assert record[name].last_success_at == NOW and record[name].error_count == 0, name
    assert "recovered" in (record["malformed"].last_error or "")
    assert by_url["https://broken.example/a/1"].title == "Tom & Jerry return to the screen"
    assert "https://broken.example/a/2" in by_url
    assert "CharacterEncodingOverride" in (record["charset"].last_error or "")
    assert by_url["https://charset.example/a/1"].title == "Café crème prices soar in Zürich"
    assert record["empty"].last_error is None

    dupes = {u for u, a in by_url.items() if a.feed_id == record["dupes"].id}
    assert dupes == {"https://dupes.example/a/1", "https://dupes.example/a/2"}

    odd = {u: a for u, a in by_url.items() if a.feed_id == record["odd"].id}
    assert set(odd) == {"https://odd.example/no-title", "https://odd.example/1900", "https://odd.example/3000",
                        "https://odd.example/by-id"}  # the entry without any link is skipped, and said so
    assert "1 of 5 entries skipped" in (record["odd"].last_error or "")
    assert odd["https://odd.example/no-title"].title == "A summary that stands in for the missing title"
    assert odd["https://odd.example/1900"].published_at == NOW
    assert odd["https://odd.example/3000"].published_at == NOW
    assert all(len(a.title) <= 500 for a in by_url.values())


# The database side of faults: GroupWriter shares transactions, and one failing job cannot undo the others.


def add_feed(url: str) -> Callable[[Session], str]:
    def job(session: Session) -> str:
        session.add(Feed(url=url))
        session.flush()  # a duplicate URL fails here, inside the shared transaction
        return url

    return job


async def test_jobs_queued_together_share_one_transaction(sqlite_db: Database) -> None:
    commits: list[int] = []
    writer = GroupWriter(sqlite_db, on_commit=lambda: commits.append(1))
    urls = [f"http://x.test/{i}" for i in range(20)]
    assert await asyncio.gather(*(writer.run(add_feed(u)) for u in urls)) == urls
    writer.close()
    assert len(commits) <= 2  # the first job may go alone; the rest queue up behind it


async def test_a_failing_job_does_not_undo_the_others(db: Database) -> None:
    rollbacks: list[int] = []
    writer = GroupWriter(db, on_rollback=lambda: rollbacks.append(1))
    urls = [f"http://x.test/{i}" for i in range(10)]
    jobs = [add_feed(u) for u in urls]
    jobs.insert(5, add_feed(urls[0]))  # breaks the unique key in the middle of the group
    results = await asyncio.gather(*(writer.run(job) for job in jobs), return_exceptions=True)
    writer.close()
    assert [r for r in results if isinstance(r, str)] == urls
    assert sum(isinstance(r, IntegrityError) for r in results) == 1
    assert rollbacks
    with db.session() as s:
        assert sorted(s.scalars(select(Feed.url))) == sorted(urls)


async def test_results_come_back_in_order_across_many_groups(sqlite_db: Database) -> None:
    writer = GroupWriter(sqlite_db, max_jobs=3)
    def square(i: int) -> Callable[[Session], int]:
        return lambda session: i * i

    values = await asyncio.gather(*(writer.run(square(i)) for i in range(10)))
    writer.close()
    assert values == [i * i for i in range(10)]


async def test_a_closed_writer_fails_loudly_instead_of_hanging(sqlite_db: Database) -> None:
    writer = GroupWriter(sqlite_db)
    writer.close()
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(writer.run(lambda s: 1), 5)
