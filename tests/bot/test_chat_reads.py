"""What reading a chat costs: nothing for updates nobody answers, one query for a chat read before, and a write by
another process on the same database is seen on the next command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from app.chats import ChatRef
from app.mutes import MuteKind
from app.runtime import Core
from tests.bot.botkit import FAST, ISS, NOW, say
from tests.bot.harness import Harness, running_bot


def _mentions(parameters: Any, chat_id: int) -> bool:
    rows = parameters if isinstance(parameters, list) else [parameters]
    return any(chat_id in (row.values() if isinstance(row, dict) else row or ()) for row in rows)


@contextmanager
def statements(engine: Engine, chat_id: int) -> Iterator[list[str]]:
    """Every SQL statement run with `chat_id` among its parameters while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if _mentions(parameters, chat_id):
            seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reads_of_chats(seen: list[str]) -> list[str]:
    return [s for s in seen if s.upper().startswith("SELECT") and "FROM CHATS" in s.upper()]


async def test_updates_nobody_answers_cost_no_query_and_reads_are_cached(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, command_burst=100) as h:
        engine = h.core.db.engine
        owner, member = h.telegram.add_user("Olga"), h.telegram.add_user("Max")
        # An admin, the bot gets every message of the group, chatter included (privacy mode would hide it).
        group = await h.telegram.add_group("Chatter", creator=owner, members=(member,), bot_status="administrator")
        await h.telegram.wait_for_messages(group.id, 1)
        await say(h, group.id, "/subscribe climate", owner)
        with statements(engine, group.id) as first:
            await say(h, group.id, "/topics", member)
        assert len(first) == 3, first  # the chat's row, its topics, its mutes
        with statements(engine, group.id) as again:
            for text in ("good morning", "did you see the news?", "🙂"):
                await h.telegram.send_message(group.id, text, member)
            topics = await say(h, group.id, "/topics", member)  # answered after the chatter: one chat, in order
        assert "climate" in (topics.text or "")
        assert len(again) == 1 and reads_of_chats(again) == again, again  # the chatter: none; /topics: the row

        channel = await h.telegram.add_channel("Wire")
        await say(h, channel.id, "/help")
        with statements(engine, channel.id) as posts:
            await h.telegram.send_message(channel.id, "Breaking: a post for the readers")
            await say(h, channel.id, "/help")
        assert len(posts) == 1, posts


async def test_a_story_search_reads_the_chat_once(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Rosa")).id
        await say(h, chat, "/mute football")
        with statements(h.core.db.engine, chat) as seen:
            card = await say(h, chat, "/story space station")
        assert "space" in (card.text or "").lower()
        assert len(reads_of_chats(seen)) == 1, seen


def _second_process(h: Harness) -> Core:
    """Another process on the same database, as `storybot run --role bot` twice would be."""
    return Core.build(h.core.settings, clock=lambda: NOW)


async def test_a_write_by_another_process_is_seen_on_the_next_command(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ines")).id
        await say(h, chat, "/start")
        assert "08:00" in ((await say(h, chat, "/settings")).text or "")  # read, and held by this process
        assert "Nothing is muted" in ((await say(h, chat, "/unmute")).text or "")
        other = _second_process(h)
        try:
            await other.chats.set_schedule(ChatRef(chat), "06:30", "Europe/Madrid")
            await other.mutes.mute(ChatRef(chat), MuteKind.WORD, "football")
            await other.chats.set_language(ChatRef(chat), "es")  # the chat had English, from its first user
        finally:
            await other.close()
        settings = await say(h, chat, "/settings")
        assert "06:30" in (settings.text or "") and "Europe/Madrid" in (settings.text or "")
        assert "football" in ((await say(h, chat, "/unmute")).text or "")
        assert (await say(h, chat, "/help")).text.startswith("Comandos")  # type: ignore[union-attr]
