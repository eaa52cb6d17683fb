"""The bot's own membership: added to a group or channel, removed, and a group upgraded to a supergroup."""

from __future__ import annotations

import logging

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import BaseHandler, ChatMemberHandler, ContextTypes, MessageHandler, filters

from app.chat_view import ChatState
from app.runtime import Core
from bot.handlers.common import chat_ref
from bot.i18n import N_, _, activate, pick

__all__ = ["GONE", "GROUP_HELLO", "GroupHandlers", "handlers"]

log = logging.getLogger(__name__)
GONE = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})
GROUP_HELLO = N_(
    "👋 Hi! I turn news into stories. A group admin can follow topics here with "
    "<code>/subscribe climate</code> (or /start for popular ones); anyone can look one up with /story. "
    "In a forum, the daily digest goes to the topic where you set it up. /language changes the language I speak here."
)


class GroupHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change: ChatMemberUpdated | None = update.my_chat_member
        assert change is not None
        chat, old, new = change.chat, change.old_chat_member.status, change.new_chat_member.status
        if new in GONE:
            private = chat.type == ChatType.PRIVATE
            reason = "blocked the bot" if private else f"bot {new}"
            await self.core.chats.left(chat.id, ChatState.BLOCKED if private else ChatState.KICKED, reason)
            log.info("chat %s: %s", chat.id, reason)
            return
        if old in GONE and chat.type != ChatType.PRIVATE:
            stored = await self.core.chats.joined(chat_ref(update))  # added again: the chat comes back
            told = change.from_user.language_code
            activate(pick(stored, told, self.core.settings.default_language))
            if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
                await context.bot.send_message(chat.id, _(GROUP_HELLO))

    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.migrate_to_chat_id:
            old_id, new_id = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old_id, new_id = message.migrate_from_chat_id, message.chat.id
        else:
            return
        await self.core.chats.migrated(old_id, new_id)  # idempotent: both service messages call it
        log.info("chat %s migrated to supergroup %s", old_id, new_id)


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = GroupHandlers(core)
    return [
        ChatMemberHandler(h.membership, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, h.migrated),
    ]
