"""Following a story: the card's 🔔 Follow button, /following (a button per story to stop following it).

A card shared inline has no chat of its own: its Follow button follows the story in the presser's private chat
with the bot, when there is one (the bot can't write first); updates then come there, not as replies.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.chats import ChatRef
from app.digest_time import zone_or_utc
from app.follows import MAX_FOLLOWS, Followed, Outcome
from app.runtime import Core
from bot.handlers.cards import FOLLOW, gone
from bot.handlers.common import COMMAND_UPDATES, Access, bounded_id, chat_ref, chat_view, edit, reply
from bot.i18n import N_, _, number
from bot.render_follow import following_message

__all__ = ["UNFOLLOW", "FollowHandlers", "handlers"]

UNFOLLOW = "unf:"
FOLLOWED = {
    Outcome.ADDED: N_("🔔 Following. I'll reply to this card when the story develops (/following lists them)."),
    Outcome.ALREADY: N_("You follow this story already. /following lists what you follow."),
    Outcome.FULL: N_("You follow {limit} stories, the most I keep. Stop following one in /following first."),
}


def following_keyboard(followed: list[Followed]) -> InlineKeyboardMarkup | None:
    buttons = [InlineKeyboardButton(f"✖ {number(i)}", callback_data=f"{UNFOLLOW}{item.story_id}")
               for i, item in enumerate(followed, 1)]
    return InlineKeyboardMarkup([buttons[i : i + 5] for i in range(0, len(buttons), 5)]) if buttons else None


class FollowHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    async def follow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        story_id = bounded_id(query.data.removeprefix(FOLLOW))
        message = query.message if isinstance(query.message, Message) else None
        if message is None:  # a card shared inline: the presser's private chat, if the bot knows it
            known = await self.core.chats.view(query.from_user.id)
            if not known.known:
                await query.answer(_("Start a private chat with me to follow stories."), show_alert=True)
                return
            chat = ChatRef(query.from_user.id, ChatType.PRIVATE)
        elif not await self.access.check(update, context):
            return
        else:
            chat = chat_ref(update)
        reply_to = message.message_id if message is not None else None
        outcome, _view = await self.core.follows.follow(chat, story_id, reply_to) if story_id else (Outcome.GONE, None)
        if outcome is Outcome.GONE:
            await query.answer(gone(self.core.settings.retention_days), show_alert=True)
            return
        await query.answer(_(FOLLOWED[outcome]).format(limit=number(MAX_FOLLOWS)),
                           show_alert=outcome is Outcome.FULL)

    async def following(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Reads only: the list, with a button per story."""
        chat = await chat_view(self.core.chats, update)
        assert chat is not None
        followed = await self.core.follows.following(chat.id)
        text = following_message(followed, zone_or_utc(chat.timezone), self.core.clock())
        await reply(update, text, reply_markup=following_keyboard(followed))

    async def unfollow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        if not await self.access.check(update, context):
            return
        story_id = bounded_id(query.data.removeprefix(UNFOLLOW))
        chat = chat_ref(update)
        removed = await self.core.follows.unfollow(chat.id, story_id) if story_id else False
        await query.answer(_("Stopped following it.") if removed else _("Already stopped."))
        view = await chat_view(self.core.chats, update)
        followed = await self.core.follows.following(chat.id)
        zone = zone_or_utc(view.timezone if view is not None else "UTC")
        await edit(update, following_message(followed, zone, self.core.clock()), following_keyboard(followed))


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = FollowHandlers(core, access)
    return [
        CommandHandler("following", h.following, COMMAND_UPDATES),
        CallbackQueryHandler(h.follow, pattern=rf"^{FOLLOW}\d{{1,10}}$"),
        CallbackQueryHandler(h.unfollow, pattern=rf"^{UNFOLLOW}\d{{1,10}}$"),
    ]
