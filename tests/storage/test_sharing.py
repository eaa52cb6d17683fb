"""What keeps several processes on one PostgreSQL database from doing work twice: row locks skipped, advisory
locks, paces held in rows. (Each is also right, trivially, on SQLite's one process.)"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from storage import feeds as feed_store
from storage import pace
from storage.db import Database
from storage.locks import SessionLock

NOW = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_feeds_claimed_by_two_at_once_are_claimed_once(db: Database) -> None:
    with db.session() as s:
        feed_store.upsert_feeds(s, [(f"http://127.0.0.1/{i}.xml", f"f{i}", "") for i in range(30)])
    got: list[list[int]] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        with db.session() as s:
            barrier.wait()
            got.append([f.id for f in feed_store.claim_due(s, NOW, NOW + timedelta(minutes=10), 20)])

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = got[0] + got[1]
    assert len(every) == len(set(every)) == 30  # disjoint, and nothing left behind
    with db.session() as s:
        assert feed_store.claim_due(s, NOW, NOW + timedelta(minutes=10), 20) == []  # held by their lease
        assert len(feed_store.claim_due(s, NOW + timedelta(minutes=11), NOW + timedelta(minutes=20), 50)) == 30


def test_adding_the_same_feed_list_twice_at_once(db: Database) -> None:
    specs = [(f"http://127.0.0.1/{i}.xml", f"f{i}", "") for i in range(50)]
    added: list[int] = []
    barrier = threading.Barrier(2)

    def add() -> None:
        with db.session() as s:
            barrier.wait()
            added.append(feed_store.upsert_feeds(s, specs))

    threads = [threading.Thread(target=add) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(added) == 50
    with db.session() as s:
        assert len(feed_store.all_feeds(s)) == 50


def test_one_leader_at_a_time_and_a_successor(db: Database) -> None:
    first, second = SessionLock(db.engine, 42), SessionLock(Database(db.url).engine, 42)
    assert first.hold() == (True, not first.alone)
    if first.alone:  # SQLite: one process, always the leader
        return
    assert second.hold() == (False, True)
    assert first.hold() == (True, False)  # still held, not new
    first.release()  # the leader's connection ends, as when its process dies
    assert second.hold() == (True, True)
    assert first.hold() == (False, True)
    second.release()


def test_pace_slots_are_never_handed_out_twice(postgres_url: str) -> None:
    db = Database(postgres_url)
    from storage.migrate import upgrade

    upgrade(db)
    starts: list[float] = []
    lock = threading.Lock()

    def reserve() -> None:
        for _ in range(20):
            with db.session() as s:
                first = pace.reserve(s, pace.GLOBAL, 1000.0, 0.1, 3)
            with lock:
                starts.append(first)

    threads = [threading.Thread(target=reserve) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slots = sorted(round(first + i * 0.1, 6) for first in starts for i in range(3))
    assert slots == [round(1000.0 + i * 0.1, 6) for i in range(180)]  # back to back, none twice, none lost
    with db.session() as s:
        assert pace.next_free(s, pace.GLOBAL) >= 1017.99
        pace.reserve(s, pace.chat_key(-5), 1000.0, 3.0)
        assert pace.prune(s, 2000.0) == 1  # a group's finished pace goes; the global one stays
        assert pace.next_free(s, pace.GLOBAL) >= 1017.99
    db.dispose()
