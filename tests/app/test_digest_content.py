"""What a digest holds: new since the last one, or grown markedly; each story once; the empty day (both DBs)."""

from __future__ import annotations

from datetime import date, timedelta

from app import digests as digest
from app.cards import CardCache
from bot.render import to_plain
from bot.render_digest import NOTHING_NEW, digest_messages
from news.types import StoryView
from storage.db import Database
from tests.bot.botkit import ISS, NOW, Item, seed_story

SINCE = NOW - timedelta(hours=24)


def outlets(n: int, title: str, hours_ago: float, start: int = 0) -> list[Item]:
    return [Item(f"Outlet {i}", f"outlet{i}.example", title, "", None, hours_ago) for i in range(start, start + n)]


def made(picked: list[tuple[str, StoryView]], send_empty: bool = True) -> digest.Digest:
    return digest.Digest(1, date(2026, 7, 31), tuple(picked), ("space",), send_empty)


def corpus(db: Database) -> digest.Corpus:
    with db.session() as s:
        return digest.load_corpus(s, NOW, CardCache())


def test_new_stories_and_marked_growth_only(db: Database) -> None:
    with db.session() as s:
        fresh = seed_story(s, "fresh", ISS)  # every article in the last 5 hours
        stale = seed_story(s, "stale", outlets(4, "Space station budget hearing delayed", 30))
        grown = seed_story(s, "grown", outlets(2, "Space telescope finds water on exoplanet", 30)
                           + outlets(4, "Space telescope finds water on exoplanet", 2, start=2))
        seed_story(s, "trickle", outlets(5, "Space agency renames a crater", 30)
                   + outlets(1, "Space agency renames a crater", 2, start=5))
    picked = digest.select(corpus(db), ["space"], SINCE, per_topic=5, sent=frozenset({grown, stale}))
    ids = [view.story_id for _, view in picked]
    assert fresh in ids and grown in ids and stale not in ids and len(ids) == 2
    growth = {view.story_id: view.new_sources for _, view in picked}
    assert growth == {fresh: 0, grown: 4}  # a new story is not "grown"
    text = to_plain("\n".join(digest_messages(made(picked))))
    assert "+4 since your last digest" in text
    # A chat that never got the grown story: no "+4 since your last digest" (it was not in a digest of its).
    never = digest.select(corpus(db), ["space"], SINCE, per_topic=5)
    assert [view.story_id for _, view in never] == [fresh]


def test_each_story_once_across_topics_and_per_topic_cap(db: Database) -> None:
    with db.session() as s:
        both = seed_story(s, "both", outlets(6, "NASA budget vote in Congress", 1))
        for n in range(3):
            seed_story(s, f"nasa{n}", outlets(3, f"NASA launches probe number {n} toward Jupiter", 2, start=10 + n * 3))
    picked = digest.select(corpus(db), ["nasa", "congress"], SINCE, per_topic=2)
    ids = [view.story_id for _, view in picked]
    assert len(ids) == len(set(ids)) == 3  # nasa: 2 stories (the cap); congress: 1
    # The narrower topic chose first: the story matching both is under congress, and nasa got two others.
    assert [topic for topic, _ in picked] == ["nasa", "nasa", "congress"] and picked[2][1].story_id == both


def test_since_last_digest_moves_the_window(db: Database) -> None:
    with db.session() as s:
        seed_story(s, "fresh", ISS)
    c = corpus(db)
    assert digest.select(c, ["space"], NOW - timedelta(hours=6), 5)
    assert not digest.select(c, ["space"], NOW - timedelta(minutes=30), 5)  # all of it came before that


def test_since_is_capped_and_defaults_to_a_day() -> None:
    assert digest.since_for(None, NOW) == NOW - timedelta(days=1)
    assert digest.since_for(NOW - timedelta(days=9), NOW) == NOW - digest.LOOKBACK
    assert digest.since_for(NOW - timedelta(hours=3), NOW) == NOW - timedelta(hours=3)


def test_empty_day_one_line_or_nothing() -> None:
    assert digest_messages(made([], send_empty=True)) == [NOTHING_NEW]
    assert digest_messages(made([], send_empty=False)) == []


def test_sections_keep_topic_order_and_title(db: Database) -> None:
    with db.session() as s:
        seed_story(s, "fresh", ISS)
        seed_story(s, "vote", outlets(3, "Congress passes budget", 1, start=20))
    picked = digest.select(corpus(db), ["congress", "space"], SINCE, 5)
    [text] = digest_messages(made(picked))
    plain = to_plain(text)
    assert plain.startswith("🗞 Your digest · Fri 31 Jul")
    assert plain.index("congress") < plain.index("space")
