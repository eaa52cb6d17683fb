"""Groups, forum topics, channels, migration to a supergroup, and the operators' commands."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from storage import chats as chat_store
from storage.models import Chat
from tests.bot.botkit import FAST, NOW, button_data, press, say, wait_until
from tests.bot.harness import running_bot


async def test_only_group_admins_change_subscriptions(tmp_path: Path, db_url: str, webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        owner, member = h.telegram.add_user("Olga"), h.telegram.add_user("Max")
        group = await h.telegram.add_group("Newsroom", creator=owner, members=(member,))
        hello = (await h.telegram.wait_for_messages(group.id, 1))[0]
        assert hello.text and "group admin" in hello.text

        refused = await say(h, group.id, "/subscribe climate", member)
        assert refused.text and refused.text.startswith("Only this group's admins")
        assert (await say(h, group.id, "/subscribe climate", owner)).text == (
            "✅ Subscribed to climate. Try /digest to see its top stories now.")
        topics = await say(h, group.id, "/topics", member)  # reading is open to everyone
        assert topics.text and "climate" in topics.text
        assert (await say(h, group.id, "/stop", member)).text.startswith("Only")  # type: ignore[union-attr]

        h.telegram.set_member(group.id, member, "administrator")  # cached "no" expires after a minute...
        assert h.core.interactive.sync(lambda s: chat_store.topics(s, group.id)) == ["climate"]
        members = [r for r in h.telegram.requests("getChatMember") if r.chat_id == group.id]
        assert len(members) == 2  # ...and repeated commands don't ask Telegram again


async def test_forum_topic_gets_the_digest_and_migration_keeps_subscriptions(
    tmp_path: Path, db_url: str, webhook: bool
) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST, webhook=webhook) as h:
        owner = h.telegram.add_user("Olga")
        forum = await h.telegram.add_supergroup("Forum", creator=owner, is_forum=True)
        await h.telegram.wait_for_messages(forum.id, 1)  # the hello
        thread = await h.telegram.create_topic(forum.id, "News", owner)
        reply = await say(h, forum.id, "/subscribe science", owner, thread_id=thread)
        assert reply.thread_id == thread
        assert h.core.interactive.sync(lambda s: s.get_one(Chat, forum.id).thread_id) == thread

        group = await h.telegram.add_group("Old group", creator=owner)
        await h.telegram.wait_for_messages(group.id, 1)
        await say(h, group.id, "/subscribe world", owner)
        await say(h, group.id, "/time 09:15", owner)
        new_id = await h.telegram.migrate_group(group.id, owner)

        def moved(s: Session) -> bool:
            return s.get(Chat, group.id) is None and chat_store.topics(s, new_id) == ["world"]

        await wait_until(lambda: h.core.interactive.sync(moved))
        assert h.core.interactive.sync(lambda s: s.get_one(Chat, new_id).digest_times) == "09:15"
        assert "world" in ((await say(h, new_id, "/topics", owner)).text or "")


async def test_channel_admin_posts_commands(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, **FAST) as h:
        channel = await h.telegram.add_channel("Daily brief")
        confirm = await say(h, channel.id, "/subscribe business")
        assert confirm.text and "Subscribed to business" in confirm.text
        listing = await say(h, channel.id, "/topics")
        reader = h.telegram.add_user("Reader")
        h.telegram.set_member(channel.id, reader, "member")
        await press(h, listing, button_data(listing)[0], reader)  # anyone can press a button under a post...
        assert h.telegram.callback_answers[-1]["show_alert"]  # ...but only admins change the channel
        assert h.core.interactive.sync(lambda s: chat_store.topics(s, channel.id)) == ["business"]
        await h.telegram.kick(channel.id)
        await wait_until(lambda: not h.core.interactive.sync(lambda s: s.get_one(Chat, channel.id).active))


async def test_operator_commands_only_for_admin_user_ids(tmp_path: Path, db_url: str) -> None:
    operator, stranger = 777, 778
    async with running_bot(tmp_path, db_url, None, lambda: NOW, admin_user_ids=[operator],
                           **FAST) as h:
        assert {c["command"] for c in h.telegram.commands[f"chat:{operator}"]} >= {"stats", "feeds", "story"}
        assert f"chat:{stranger}" not in h.telegram.commands
        admin_chat = h.telegram.add_private_chat(h.telegram.add_user("Op", user_id=operator))
        other_chat = h.telegram.add_private_chat(h.telegram.add_user("Who", user_id=stranger))
        stats = await say(h, admin_chat.id, "/stats")
        assert stats.text and stats.text.startswith("storybot stats") and "Stories: 0" in stats.text
        feeds = await say(h, admin_chat.id, "/feeds")
        assert feeds.text and "feeds are healthy" in feeds.text
        assert (await say(h, other_chat.id, "/stats")).text == "I don't know that command. /help lists what I can do."
        default = {c["command"] for c in h.telegram.commands["default"]}
        assert "stats" not in default and {"story", "settings", "stop"} <= default
