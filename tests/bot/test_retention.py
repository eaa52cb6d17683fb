"""Retention as a user meets it: a story whose articles were pruned still opens as the same card (buttons, chart,
"Full card" link); search no longer finds its text; a second prune does nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.botkit import FAST, ISS, NOW, Item, press, say, wait_until
from tests.bot.harness import running_bot

HEAT = [Item("BBC", "bbc.com", "Heatwave grips southern Europe", "Temperatures passed 44C in Seville.", "center"),
        Item("CNN", "cnn.com", "Europe swelters in record heat", "Spain and Italy issued red alerts.", "left")]
LATER = timedelta(days=40)  # past the default RETENTION_DAYS=30


def _links(message_entities: list[dict[str, str]]) -> set[str]:
    return {e["url"] for e in message_entities if e["type"] == "text_link"}


async def test_a_pruned_story_keeps_its_card_sources_and_chart(tmp_path: Path, db_url: str) -> None:
    now = [NOW]
    async with running_bot(tmp_path, db_url, None, lambda: now[0], command_burst=50, **FAST) as h:
        story_id = h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        card = await say(h, chat.id, "/story space station cooperation")
        before, before_links = card.text, _links(card.entities)
        assert before and "5 articles · 5 sources" in before and len(before_links) >= 3
        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: card.edits)
        sources_before = card.text
        assert sources_before and "All 5 sources" in sources_before

        now[0] = NOW + LATER
        fresh = h.seed("heat", HEAT, now=now[0])
        summary = await asyncio.to_thread(h.core.retention.prune)
        assert (summary.stories, summary.articles, summary.strays) == (1, 5, 0)

        await press(h, card, f"card:{story_id}")
        await wait_until(lambda: len(card.edits) == 2)
        assert card.text == before and _links(card.entities) == before_links
        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: len(card.edits) == 3)
        assert card.text == sources_before
        await press(h, card, f"card:{story_id}")
        await wait_until(lambda: len(card.edits) == 4)
        await press(h, card, f"cov:{story_id}")
        chart = (await h.telegram.wait_for_messages(chat.id, 2))[1]
        assert chart.photo is not None

        opened = await say(h, chat.id, f"/start s{story_id}")
        assert opened.text == before

        missing = await say(h, chat.id, "/story space station cooperation")
        assert missing.text and "No story found" in missing.text
        # the pruned story is never suggested (and no unrelated story stands in for it: app.search)
        _, _, suggestions = missing.text.lower().partition("maybe one of these")
        assert "space" not in suggestions and "roscosmos" not in suggestions
        found = await say(h, chat.id, "/story heatwave europe")
        assert found.text and "2 articles · 2 sources" in found.text and f"src:{fresh}:0" in str(found.buttons)

        queue = h.runtime.application.job_queue
        assert queue is not None
        daily = [job for job in queue.jobs() if job.name == "prune"]
        assert len(daily) == 1 and daily[0].trigger.interval == timedelta(days=1)  # type: ignore[attr-defined]
        await daily[0].callback(None)  # type: ignore[arg-type]  # the daily job itself: nothing left to do
        again = await asyncio.to_thread(h.core.retention.prune)
        assert (again.stories, again.articles, again.strays) == (0, 0, 0)
        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: len(card.edits) == 5)
        await press(h, card, f"card:{story_id}")
        await wait_until(lambda: len(card.edits) == 6)
        assert card.text == before
        await press(h, card, f"cmp:{story_id}")  # the sides of an archived story: its kept titles, no words
        await wait_until(lambda: len(card.edits) == 7)
        assert card.text and "Compare the sides · 5 sources" in card.text and "🟥 Right · 1 outlet" in card.text
        assert "This story's articles are no longer kept: their words can't be compared." in card.text


async def test_prune_from_the_command_line_prints_what_it_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'p.db'}"
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("iss", ISS, now=datetime.now(NOW.tzinfo) - LATER)
        h.seed("heat", HEAT, now=datetime.now(NOW.tzinfo))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("FEEDS_FILE", str(tmp_path / "feeds.opml"))
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["prune"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("pruned 5 articles of 1 stories and 0 unclustered articles older than "), first
    assert await asyncio.to_thread(main, ["prune"]) == 0
    assert capsys.readouterr().out.startswith("pruned 0 articles of 0 stories")


async def test_a_card_past_its_archive_answers_that_the_story_is_no_longer_kept(tmp_path: Path, db_url: str) -> None:
    """RETENTION_DAYS after its articles went, the archived story goes too: every button of its old card, and a
    digest's "Full card" link, say why (in the chat's language), instead of failing or staying silent."""
    now = [NOW]
    async with running_bot(tmp_path, db_url, None, lambda: now[0], command_burst=50, **FAST) as h:
        story_id = h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        card, pager = [await say(h, chat.id, "/story space station cooperation") for _ in range(2)]
        now[0] = NOW + LATER
        assert (await asyncio.to_thread(h.core.retention.prune)).stories == 1  # archived: the card still opens
        await press(h, pager, f"src:{story_id}:0")
        await wait_until(lambda: pager.edits)
        assert h.telegram.callback_answers[-1].get("text") is None

        now[0] = NOW + LATER + timedelta(days=31)
        summary = await asyncio.to_thread(h.core.retention.prune)
        assert summary.kept.archives == 1 and "1 archived stories" in summary.line()
        gone = "This story is older than 30 days and is no longer kept."
        for message, data in ((card, f"src:{story_id}:0"), (card, f"cov:{story_id}"), (pager, f"card:{story_id}"),
                              (pager, f"out:{story_id}:0"), (card, f"cmp:{story_id}")):
            await press(h, message, data)
            answer = h.telegram.callback_answers[-1]
            assert (answer.get("text"), answer.get("show_alert")) == (gone, True), data
        before = len(h.telegram.messages(chat.id))
        await h.telegram.send_message(chat.id, f"/start s{story_id}")
        said, welcome = (await h.telegram.wait_for_messages(chat.id, before + 2))[before:]
        assert said.text == gone and welcome.text and welcome.text != gone  # then the welcome, as for /start

        await say(h, chat.id, "/language es")
        await press(h, pager, f"card:{story_id}")
        assert h.telegram.callback_answers[-1].get("text") == "Esta noticia tiene más de 30 días y ya no se conserva."
