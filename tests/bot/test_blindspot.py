"""/blindspot with and without results, and the weekly Blindspot section of a digest (/settings), through the real
Application and the fake Bot API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.bot.botkit import FAST, ISS, NOW, Item, press, say, wait_until
from tests.bot.harness import running_bot

MONDAY = NOW + timedelta(days=3)  # NOW is a Friday
# Seven rated outlets, six of them on the left and none on the right: the right's blindspot (news.coverage).
LEFT_ONLY = [Item(name, f"{name.lower().replace(' ', '')}.example", title, "", bias, hours)
             for name, title, bias, hours in [
                 ("Left One", "City council passes rent freeze", "left", 5),
                 ("Left Two", "Rent freeze approved by city council", "left", 4),
                 ("Left Three", "Council votes to freeze rents", "left", 4),
                 ("Left Four", "City freezes rents after council vote", "left", 3),
                 ("Left Five", "Rent freeze passes in council", "left", 2),
                 ("Left Six", "Tenants cheer council rent freeze", "left", 2),
                 ("Centre One", "Council approves rent freeze", "center", 1)]]


async def test_blindspot_lists_the_stories_one_side_barely_covers(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("iss", ISS)
        h.seed("rent", LEFT_ONLY)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        answer = await say(h, chat.id, "/blindspot")
        assert answer.text and answer.text.startswith("🔍 Blindspots today")
        assert "barely covers" in answer.text  # what a blindspot is
        assert "rent" in answer.text.lower() and "space" not in answer.text.lower()
        assert "⚠️ Blindspot: little right coverage" in answer.text


async def test_no_blindspots_today(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("iss", ISS)  # four rated outlets across the spectrum: nobody's blindspot
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        answer = await say(h, chat.id, "/blindspot")
        assert answer.text and answer.text.startswith("🔍 No blindspots today")


async def test_a_weekly_blindspot_section_comes_with_mondays_digest(tmp_path: Path) -> None:
    for day, expected in ((MONDAY, True), (NOW, False)):
        async with running_bot(tmp_path, f"sqlite:///{tmp_path / f'{day.day}.db'}", None, lambda d=day: d,
                               **FAST) as h:
            h.seed("iss", ISS, now=day)
            h.seed("rent", LEFT_ONLY, now=day)
            chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
            await say(h, chat.id, "/subscribe space")
            settings = await say(h, chat.id, "/settings")
            assert any(b["text"] == "🔍 Add a weekly Blindspot section" for row in settings.buttons for b in row)
            await press(h, settings, "set:b:1")
            await wait_until(lambda s=settings: s.edits)  # type: ignore[misc]
            assert settings.text and "Monday's digest ends with" in settings.text
            assert any(b["text"] == "🔍 Weekly Blindspot section: on" for row in settings.buttons for b in row)
            digest = await say(h, chat.id, "/digest")
            assert digest.text and "space" in digest.text.lower()
            assert ("Blindspot of the week" in digest.text) is expected
            assert ("rent" in digest.text.lower()) is expected
