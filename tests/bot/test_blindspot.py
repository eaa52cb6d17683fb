"""/blindspot with and without results, and the weekly Blindspot section of a digest (/settings), through the real
Application and the fake Bot API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.bot.botkit import FAST, ISS, NOW, Item, button_data, press, say, wait_until
from tests.bot.harness import running_bot

MONDAY = NOW + timedelta(days=3)  # NOW is a Friday
LEFT = ["Left One", "Left Two", "Left Three", "Left Four", "Left Five", "Left Six", "Left Seven", "Left Eight"]


def _story(titles: list[str], right: int = 0) -> list[Item]:
    """One story: eight left outlets, one centre one, and `right` right ones (news.coverage's sides)."""
    outlets = [(name, "left") for name in LEFT] + [("Centre One", "center")] + [
        (f"Right {n}", "right") for n in range(right)]
    return [Item(name, f"{name.lower().replace(' ', '')}.example", titles[n % len(titles)], "", bias, 1 + n % 5)
            for n, (name, bias) in enumerate(outlets)]


# Public affairs (news.affairs), eight left outlets and no right one: with nothing else of the kind in the window,
# the expectation is an even split, and 0.5^8 = 0.4 % is improbable: the right's blindspot.
RENT = _story(["Senate passes bill to freeze rents", "Rent freeze bill clears Senate",
               "Senate votes to freeze rents after heated debate"])
# The same mix on a TV recap: not public affairs, so nobody's blindspot whatever its outlets.
DANCE = _story(["Dancing with the Stars recap: week 2 eliminations", "Stars dance off on DWTS week 2"])
# Other public-affairs stories as left-heavy as the feed list: they make eight left outlets the usual.
USUAL = {"immigration": _story(["Congress passes immigration bill", "President vetoes border bill"], right=1),
         "voting": _story(["Supreme Court blocks state voting law"], right=1),
         "attorney": _story(["Senate confirms new attorney general"], right=1)}


async def test_blindspot_lists_the_stories_one_side_barely_covers(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("iss", ISS)
        rent = h.seed("rent", RENT)
        h.seed("dance", DANCE)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        answer = await say(h, chat.id, "/blindspot")
        assert answer.text and answer.text.startswith("🔍 Blindspots today")
        assert "political story" in answer.text  # what a blindspot is
        assert "rent" in answer.text.lower() and "space" not in answer.text.lower()
        assert "dancing" not in answer.text.lower() and "dwts" not in answer.text.lower()
        assert answer.text.count("⚠️ Blindspot: little right coverage") == 1
        # the same rule on the story's own card, and its bar: 8 left, 1 centre of 9 rated
        card = await say(h, chat.id, "/story senate rent freeze")
        assert card.text and "⚠️ Blindspot: little right coverage" in card.text
        assert "Left\xa089%\xa0· Center\xa011%\xa0· Right\xa00% of\xa09\xa0rated" in card.text
        assert button_data(card)[0] == f"src:{rent}:0"
        dance = await say(h, chat.id, "/story dancing stars")
        assert dance.text and "Dancing" in dance.text and "Blindspot" not in dance.text


async def test_a_story_as_one_sided_as_its_kind_usually_is_no_blindspot(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("rent", RENT)
        for key, items in USUAL.items():
            h.seed(key, items)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        answer = await say(h, chat.id, "/blindspot")
        assert answer.text and answer.text.startswith("🔍 No blindspots today")
        card = await say(h, chat.id, "/story senate rent freeze")
        assert card.text and "Rent" in card.text and "Blindspot" not in card.text


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
            h.seed("rent", RENT, now=day)
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
