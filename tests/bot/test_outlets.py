"""Outlet profiles: from a card's "All N sources" pages and with /source NAME, through the real Application and
the fake Bot API."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bot.botkit import FAST, ISS, NOW, button_data, press, say, wait_until
from tests.bot.harness import running_bot


async def test_an_outlet_card_opened_from_the_sources_pages(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        story_id = h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        card = await say(h, chat.id, "/story space station cooperation")
        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: card.edits)
        assert (card.text or "").endswith("\n\nBias ratings: AllSides. ℹ️ shows an outlet's, with its page and date.")
        fox = [b for row in card.buttons for b in row if b["text"] == "ℹ️ Fox News"]
        assert len(fox) == 1 and len([d for d in button_data(card) if d.startswith("out:")]) == 5

        await press(h, card, fox[0]["callback_data"])
        await wait_until(lambda: len(card.edits) == 2)
        assert card.text is not None
        lines = card.text.split("\n")
        assert lines[0] == "🏛 Fox News"
        assert "Bias: Right (AllSides, 2025-09-11)" in lines  # the rater, linked to its page, and when it was read
        assert "Factuality: not rated" in lines  # MBFC's ratings are not bundled (NOTICE)
        assert "Country: US" in lines and "Owner: not known" in lines
        assert "Today: covered 1 story" in lines
        assert "In this story:" in card.text
        assert {e["url"] for e in card.entities if e["type"] == "text_link"} == {
            "https://foxnews.com/iss/3", "https://www.allsides.com/news-source/fox-news-media-bias"}
        assert button_data(card) == [f"src:{story_id}:0"]  # back to the page it came from

        await press(h, card, f"src:{story_id}:0")
        await wait_until(lambda: len(card.edits) == 3)
        unlisted = next(b for row in card.buttons for b in row if b["text"] == "ℹ️ Space Blog")
        await press(h, card, unlisted["callback_data"])
        await wait_until(lambda: len(card.edits) == 4)
        assert card.text and "Bias: not rated" in card.text and "Owner: not known" in card.text

        for forged in (f"out:{story_id}:99", "out:9999999999:0", f"out:{story_id}:-1", f"out:{story_id}:1:2"):
            answered = len(h.telegram.callback_answers)
            await h.telegram.press_button(chat.id, card.message_id, forged, forged=True)
            await wait_until(lambda n=answered: len(h.telegram.callback_answers) > n)  # type: ignore[misc]
        assert [a.get("text") for a in h.telegram.callback_answers[-2:]] != [None, None]
        assert card.text and "Bias: not rated" in card.text and len(card.edits) == 4  # nothing changed


async def test_source_command_finds_outlets_forgivingly_and_says_when_it_cannot(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, **FAST) as h:
        h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        reuters = await say(h, chat.id, "/source  REUTERS ")
        assert reuters.text is not None
        assert reuters.text.startswith("🏛 Reuters\nBias: Center (AllSides, 2025-09-11)\n")
        assert "Factuality: not rated" in reuters.text
        assert "Country: GB\nOwner: Thomson Reuters (Kagi News, 2026-03-17)\nToday: covered 1 story" in reuters.text
        assert "In this story" not in reuters.text
        assert ((await say(h, chat.id, "/source Ruters")).text or "").startswith("🏛 Reuters")
        assert ((await say(h, chat.id, "/source wall street")).text or "").startswith("🏛 The Wall Street Journal")
        assert "Today: covered 0 stories" in ((await say(h, chat.id, "/source wall street")).text or "")

        unknown = await say(h, chat.id, "/source <b>Zebra Gazette</b>")
        assert unknown.raw_text and "I don't know an outlet called <i>&lt;b&gt;Zebra Gazette&lt;/b&gt;</i>" in (
            unknown.raw_text)
        vague = await say(h, chat.id, "/source times")
        assert vague.text and vague.text.startswith("I don't know an outlet called times. Maybe: /source ")
        assert "at most 60 characters" in ((await say(h, chat.id, "/source " + "x" * 61)).text or "")
        assert "/source Reuters" in ((await say(h, chat.id, "/source")).text or "")


COMMAND_LIKE = re.compile(r"(?<![\w/])/\w")  # where a Telegram client would make a tappable command


async def test_source_shows_an_operator_table_with_only_some_columns_and_no_command_links(
        tmp_path: Path, db_url: str) -> None:
    table = tmp_path / "outlets.csv"
    table.write_text(
        "name,domains,bias,factuality,rating_source\n"
        "Reuters,reuters.com,center,very high,Media Bias/Fact Check /reuters/\n"
        'Slash Times,slash.example,left,,"/start the /stop (/help) desk"\n', encoding="utf-8")
    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, outlets_file=table,
                           **FAST) as h:
        h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        reuters = await say(h, chat.id, "/source reuters")
        assert reuters.text is not None
        assert "Bias: Center (Media Bias/Fact Check)" in reuters.text  # the path became the page's link
        assert "Factuality: very high (Media Bias/Fact Check)" in reuters.text
        assert "Country: not known" in reuters.text and "Owner: not known" in reuters.text
        links = {e["url"] for e in reuters.entities if e["type"] == "text_link"}
        assert links == {"https://mediabiasfactcheck.com/reuters/"}
        assert not COMMAND_LIKE.search(reuters.text)

        slash = await say(h, chat.id, "/source slash times")
        assert slash.text is not None and slash.text.startswith("🏛 Slash Times\nBias: Left (")
        assert "start the" in slash.text and not COMMAND_LIKE.search(slash.text)

        echoed = await say(h, chat.id, "/source /start now")  # what the user typed comes back, not as a command
        assert "I don't know an outlet called /\u2060start now." in (echoed.text or "")

        closed = await say(h, chat.id, "/source examiner.com")
        assert (closed.text or "").startswith("🏛 Examiner.com\nThis outlet has closed.\nBias: not rated")
