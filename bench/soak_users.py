"""The soak's users at work: each Action goes through the app layer as the Telegram edge would call it
(bot/handlers), and the bench's model (bench/soak_world.py) takes the same step.

A user who blocks the bot is told to the product half of the time (the edge's my_chat_member update: Chats.left);
otherwise the product finds out at the next send (ChatGone). Coming back after a block is /start.
"""

from __future__ import annotations

from collections import Counter
from datetime import time

from soak_world import Action, Member

from app.chats import ChatRef
from app.mutes import parse_mute
from app.runtime import Core
from storage.models import ChatState


def ref(member: Member) -> ChatRef:
    if not member.group:
        return ChatRef(member.chat_id, "private")
    kind = "group" if member.chat_id == member.key else "supergroup"
    return ChatRef(member.chat_id, kind, title=f"group {member.key}")


def parse_times(text: str) -> tuple[time, ...]:
    return tuple(sorted({time(int(p[:2]), int(p[3:5])) for p in text.split(",") if p}))


def possible(m: Member, kind: str) -> bool:
    """Whether the action still makes sense: the day's actions are drawn in the morning, and a chat that has
    stopped since only reads or comes back (what a stopped chat's /time or /mute should do is not the soak's
    to say); a chat that blocked the bot (or a group that removed it) does nothing but come back."""
    if kind == "join":
        return not m.joined
    if m.blocked:
        return kind == "unblock"
    if not m.active:
        return kind in ("read", "back")
    return kind not in ("back", "unblock")


async def apply(core: Core, action: Action, by_id: dict[int, Member], moved: dict[int, int],
                done: Counter[str]) -> bool:
    """Do the action through the app layer and in the model; False when it no longer makes sense (not done)."""
    m, at, arg = action.member, action.at, action.arg
    if not possible(m, action.kind):
        done[f"dropped {action.kind}"] += 1
        return False
    chat = ref(m)
    done[action.kind] += 1
    m.did(action)
    if action.kind == "join":
        if m.group:
            await core.chats.joined(chat)
        else:
            await core.chats.start(chat)
        await core.chats.follow(chat, arg)
        m.joined = True
        m.topics.add(arg)
        m.open(at)
    elif action.kind == "follow":
        await core.chats.follow(chat, arg)
        m.topics.add(arg)
    elif action.kind == "unfollow":
        await core.chats.unfollow(chat, arg)
        m.topics.discard(arg)
    elif action.kind == "mute":
        kind, value = parse_mute(arg)
        await core.mutes.mute(chat, kind, value)
    elif action.kind in ("times", "zone", "both"):
        times_text, _, zone_text = arg.partition(" ") if action.kind == "both" else (
            (arg, "", "") if action.kind == "times" else ("", "", arg))
        await core.chats.set_schedule(chat, times_text or None, zone_text or None)
        m.reschedule(at, parse_times(times_text) if times_text else m.times, zone_text or m.zone)
    elif action.kind == "read":
        await read(core, m, chat, arg)
    elif action.kind == "stop":
        await core.chats.stop(chat)
        m.topics.clear()
        m.close(at)
    elif action.kind == "back":
        if arg == "follow":
            topic = "election"
            await core.chats.follow(chat, topic)
            m.topics.add(topic)
        else:
            await core.chats.start(chat)
        m.open(at)
    elif action.kind == "block":
        m.blocked = True
        m.close(at)
        m.told_left = at.second % 2 == 0 or m.group  # a group's "block" is a kick: the edge is always told
        if m.told_left:
            await core.chats.left(m.chat_id, ChatState.KICKED if m.group else ChatState.BLOCKED, "blocked the bot")
    elif action.kind == "unblock":
        m.blocked = False
        await (core.chats.joined(chat) if m.group else core.chats.start(chat))
        m.open(at)
    elif action.kind == "migrate":
        new_id = int(arg)
        await core.chats.migrated(m.chat_id, new_id)
        moved[m.chat_id] = new_id
        m.chat_id = new_id
        m.aliases.add(new_id)
        by_id[new_id] = m
    else:
        raise ValueError(action.kind)
    return True


async def read(core: Core, m: Member, chat: ChatRef, what: str) -> None:
    """Reads change nothing: /topics, /settings, /mutes (bot/handlers: topics, settings, mute) read the chat's view
    (Chats.view, what bot.handlers.common.chat_view calls), /settings then its Schedule; /digest (story.py) asks
    Digests.for_chat."""
    if what in ("topics", "settings", "mutes"):
        view = await core.chats.view(chat.id)
        if what == "settings":
            core.chats.schedule(view)
    else:
        await core.digests.for_chat(m.chat_id)
