"""/mute <word or phrase>, /mute source <outlet>, /unmute (with the same arguments, or a list with buttons)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.mutes import MAX_MUTES, MAX_OUTLET_NAME, Mute, Muted, MuteKind, mutes_of, parse_mute
from app.runtime import Core
from bot.handlers.common import COMMAND_UPDATES, Access, argument_text, bounded_id, chat_ref, chat_view, e, edit, reply
from bot.i18n import N_, _, number
from news.topics import MAX_TOPIC_LENGTH

__all__ = [
    "MUTED", "UNMUTE", "MuteHandlers", "handlers", "mute_label", "mute_lines", "mutes_message", "unmute_buttons",
]

UNMUTE = "um:"
MUTED = {
    (MuteKind.WORD, Muted.ADDED): N_("🔇 Muted <b>{value}</b>: stories about it are left out of /digest, /top and "
                                     "/story. <code>/unmute {value}</code> undoes it."),
    (MuteKind.SOURCE, Muted.ADDED): N_("🔇 Muted the outlet <b>{value}</b>: its links are hidden from cards. It still "
                                       "counts in a story's sources and bias bar. <code>/unmute source {value}</code> "
                                       "undoes it."),
}
ALREADY = N_("<b>{value}</b> is muted already. /unmute lists this chat's mutes.")
FULL = N_("This chat already has {limit} mutes, the most I keep. Remove one with /unmute first.")
MUTE_HOW = N_("What should I mute? e.g. <code>/mute football</code> leaves out stories about football; "
              "<code>/mute source Fox News</code> hides that outlet's links.")
BAD_WORD = N_("Mute a word or phrase of at most {limit} characters, with a letter or a digit: "
              "<code>/mute football</code>.")
BAD_OUTLET = N_("Name the outlet after <code>source</code>, at most {limit} characters: "
                "<code>/mute source Fox News</code>.")
UNMUTED = N_("🔊 Unmuted <b>{value}</b>.")
NOT_MUTED = N_("<b>{value}</b> isn't muted here. /unmute lists this chat's mutes.")
NO_MUTES = N_("Nothing is muted in this chat. <code>/mute football</code> leaves out stories about football.")
MUTES_TITLE = N_("<b>Muted</b> ({count}/{limit})")
TAP_TO_UNMUTE = N_("Tap one to unmute it.")
UNMUTED_ALERT = N_("Unmuted {value}")  # a button's answer: plain text
ALREADY_UNMUTED = N_("Already unmuted")


def mute_label(kind: MuteKind, value: str) -> str:
    return f"source {value}" if kind is MuteKind.SOURCE else value  # as typed after /unmute: never translated


def mute_lines(mutes: list[Mute]) -> str:
    return _(MUTES_TITLE).format(count=number(len(mutes)), limit=number(MAX_MUTES)) + "\n" + "\n".join(
        f"🔇 {e(mute_label(m.kind, m.value))}" for m in mutes)


def unmute_buttons(mutes: list[Mute]) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(f"🔊 {mute_label(m.kind, m.value)[:40]}", callback_data=f"{UNMUTE}{m.id}")
            for m in mutes]


def mutes_message(mutes: list[Mute]) -> tuple[str, InlineKeyboardMarkup | None]:
    if not mutes:
        return _(NO_MUTES), None
    buttons = unmute_buttons(mutes)
    markup = InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
    return f"{mute_lines(mutes)}\n\n{_(TAP_TO_UNMUTE)}", markup


class MuteHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    async def _parsed(self, update: Update, raw: str) -> tuple[MuteKind, str] | None:
        try:
            return parse_mute(raw)
        except ValueError:
            is_source = raw.split()[:1] and raw.split()[0].casefold() == "source"
            limit = MAX_OUTLET_NAME if is_source else MAX_TOPIC_LENGTH
            await reply(update, _(BAD_OUTLET if is_source else BAD_WORD).format(limit=number(limit)))
            return None

    async def mute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raw = argument_text(update, context)
        if not raw:
            await reply(update, _(MUTE_HOW))
            return
        parsed = await self._parsed(update, raw)
        if parsed is None or not await self.access.check(update, context):
            return
        kind, value = parsed
        outcome = await self.core.mutes.mute(chat_ref(update), kind, value)
        text = FULL if outcome is Muted.FULL else ALREADY if outcome is Muted.ALREADY else MUTED[(kind, outcome)]
        await reply(update, _(text).format(value=e(value), limit=number(MAX_MUTES)))

    async def unmute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raw = argument_text(update, context)
        if not raw:
            chat = await chat_view(self.core.chats, update)
            text, markup = mutes_message(mutes_of(chat) if chat is not None else [])
            await reply(update, text, reply_markup=markup)
            return
        parsed = await self._parsed(update, raw)
        if parsed is None or not await self.access.check(update, context):
            return
        kind, value = parsed
        removed = await self.core.mutes.unmute(chat_ref(update), kind, value)
        await reply(update, _(UNMUTED if removed else NOT_MUTED).format(value=e(mute_label(kind, value))))

    async def unmute_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        if not await self.access.check(update, context):
            return
        mute_id = bounded_id(query.data.removeprefix(UNMUTE)) or 0
        removed, left = await self.core.mutes.remove(chat_ref(update).id, mute_id)
        await query.answer(_(UNMUTED_ALERT).format(value=mute_label(removed.kind, removed.value)) if removed
                           else _(ALREADY_UNMUTED))
        await edit(update, *mutes_message(left))


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = MuteHandlers(core, access)
    return [
        CommandHandler("mute", h.mute, COMMAND_UPDATES),
        CommandHandler("unmute", h.unmute, COMMAND_UPDATES),
        CallbackQueryHandler(h.unmute_button, pattern=rf"^{UNMUTE}\d{{1,10}}$"),
    ]
