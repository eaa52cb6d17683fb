"""One digest: `storybot preview --chat ID` prints exactly what the chat then receives, and /digest says the same."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.render import to_plain
from fakes.newsroom import ISS, Item
from storage import chats
from tests.bot.botkit import FAST, say
from tests.bot.harness import running_bot

# A second story under another topic, so the digest has two sections.
BUDGET = [Item(f"Outlet {i}", f"outlet{i}.example", "Congress passes the budget after a late-night vote",
               "", None, 2 + i) for i in range(3)]


async def test_preview_equals_what_the_chat_receives(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)  # `storybot preview` runs on the real clock, so the bot does too
    async with running_bot(tmp_path, db_url, None, lambda: datetime.now(UTC), **FAST) as h:
        queue = h.runtime.application.job_queue
        assert queue is not None
        for job in queue.jobs():
            if job.name in ("digests", "digests-start"):
                job.schedule_removal()  # the test says when the digest goes out
        user = h.telegram.add_user("Ada")
        chat_id = h.telegram.add_private_chat(user).id
        h.seed("iss", ISS, now=now)
        h.seed("budget", BUDGET, now=now)
        with h.core.db.session() as s:
            chats.ensure_chat(s, chat_id, timezone="Europe/Berlin", digest_times="08:00",
                              next_digest_at=now - timedelta(seconds=30))
            chats.subscribe(s, chat_id, "space")
            chats.subscribe(s, chat_id, "congress")
        monkeypatch.setenv("DATABASE_URL", db_url)
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", h.telegram.token)  # the preview's links name the bot (getMe)
        monkeypatch.setenv("TELEGRAM_API_URL", h.telegram.api_root)
        monkeypatch.setenv("FEEDS_FILE", str(tmp_path / "feeds.opml"))
        monkeypatch.chdir(tmp_path)

        assert await asyncio.to_thread(main, ["preview", "--chat", str(chat_id)]) == 0
        preview = capsys.readouterr().out
        asked = await say(h, chat_id, "/digest", user)  # /digest: the same selection and renderer

        delivery = h.runtime.delivery
        assert await delivery.tick(datetime.now(UTC)) == 1
        await delivery.idle()
        received = [m for m in h.telegram.messages(chat_id) if m.message_id > asked.message_id]
        links = [e["url"] for m in received for e in m.entities if e["type"] == "text_link" and "t.me" in e["url"]]
        assert links and all(url.startswith("https://t.me/storybot_test_bot?start=s") for url in links)
        card = await say(h, chat_id, "/start " + links[0].split("start=", 1)[1], user)  # the "Full card" link
        assert card.text and card.buttons and "sources" in card.text

    assert received and "Russian and US space chiefs" in preview and "Congress passes the budget" in preview
    assert preview == "".join(to_plain(m.raw_text or "") + "\n\n" for m in received)
    assert to_plain(asked.raw_text or "") == to_plain(received[0].raw_text or "")
