"""/mute <word or phrase>, /mute source <outlet>, /unmute (with the same arguments, or a list with buttons)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.mutes import MAX_MUTES, MAX_OUTLET_NAME, Mute, Muted, MuteKind, parse_mute
from app.runtime import Core
from bot.handlers.common import COMMAND_UPDATES, Access, argument_text, bounded_id, chat_ref, e, edit, reply
from news.topics import MAX_TOPIC_LENGTH

__all__ = [
    "MUTED", "UNMUTE", "MuteHandlers", "handlers", "mute_label", "mute_lines", "mutes_message", "unmute_buttons",
]

UNMUTE = "um:"
MUTED = {
    (MuteKind.WORD, Muted.ADDED): "🔇 Muted <b>{value}</b>: stories about it are left out of /digest, /top and "
                                  "/story. <code>/unmute {value}</code> undoes it.",
    (MuteKind.SOURCE, Muted.ADDED): "🔇 Muted the outlet <b>{value}</b>: its links are hidden from cards. It still "
                                    "counts in a story's sources and bias bar. <code>/unmute source {value}</code> "
                                    "undoes it.",
}
ALREADY = "<b>{value}</b> is muted already. /unmute lists this chat's mutes."
FULL = f"This chat already has {MAX_MUTES} mutes, the most I keep. Remove one with /unmute first."
MUTE_HOW = ("What should I mute? e.g. <code>/mute football</code> leaves out stories about football; "
            "<code>/mute source Fox News</code> hides that outlet's links.")
BAD_WORD = (f"Mute a word or phrase of at most {MAX_TOPIC_LENGTH} characters, with a letter or a digit: "
            "<code>/mute football</code>.")
BAD_OUTLET = (f"Name the outlet after <code>source</code>, at most {MAX_OUTLET_NAME} characters: "
              "<code>/mute source Fox News</code>.")
UNMUTED = "🔊 Unmuted <b>{value}</b>."
NOT_MUTED = "<b>{value}</b> isn't muted here. /unmute lists this chat's mutes."
NO_MUTES = "Nothing is muted in this chat. <code>/mute football</code> leaves out stories about football."
MUTES_TITLE = "<b>Muted</b> ({count}/{limit})"
TAP_TO_UNMUTE = "Tap one to unmute it."
UNMUTED_ALERT = "Unmuted {value}"  # a button's answer: plain text
ALREADY_UNMUTED = "Already unmuted"


def mute_label(kind: MuteKind, value: str) -> str:
    return f"source {value}" if kind is MuteKind.SOURCE else value


def mute_lines(mutes: list[Mute]) -> str:
    return MUTES_TITLE.format(count=len(mutes), limit=MAX_MUTES) + "\n" + "\n".join(
        f"🔇 {e(mute_label(m.kind, m.value))}" for m in mutes)


def unmute_buttons(mutes: list[Mute]) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(f"🔊 {mute_label(m.kind, m.value)[:40]}", callback_data=f"{UNMUTE}{m.id}")
            for m in mutes]


def mutes_message(mutes: list[Mute]) -> tuple[str, InlineKeyboardMarkup | None]:
    if not mutes:
        return NO_MUTES, None
    buttons = unmute_buttons(mutes)
    markup = InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
    return f"{mute_lines(mutes)}\n\n{TAP_TO_UNMUTE}", markup


class MuteHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    async def _parsed(self, update: Update, raw: str) -> tuple[MuteKind, str] | None:
        try:
            return parse_mute(raw)
        except ValueError:
            is_source = raw.split()[:1] and raw.split()[0].casefold() == "source"
            await reply(update, BAD_OUTLET if is_source else BAD_WORD)
            return None

    async def mute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raw = argument_text(update, context)
        if not raw:
            await reply(update, MUTE_HOW)
            return
        parsed = await self._parsed(update, raw)
        if parsed is None or not await self.access.check(update, context):
            return
        kind, value = parsed
        outcome = await self.core.mutes.mute(chat_ref(update), kind, value)
        text = FULL if outcome is Muted.FULL else ALREADY if outcome is Muted.ALREADY else MUTED[(kind, outcome)]
        await reply(update, text.format(value=e(value)))

    async def unmute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raw = argument_text(update, context)
        if not raw:
            text, markup = mutes_message(await self.core.mutes.list(chat_ref(update)))
            await reply(update, text, reply_markup=markup)
            return
        parsed = await self._parsed(update, raw)
        if parsed is None or not await self.access.check(update, context):
            return
        kind, value = parsed
        removed = await self.core.mutes.unmute(chat_ref(update), kind, value)
        await reply(update, (UNMUTED if removed else NOT_MUTED).format(value=e(mute_label(kind, value))))

    async def unmute_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        if not await self.access.check(update, context):
            return
        mute_id = bounded_id(query.data.removeprefix(UNMUTE)) or 0
        removed, left = await self.core.mutes.remove(chat_ref(update).id, mute_id)
        await query.answer(UNMUTED_ALERT.format(value=mute_label(removed.kind, removed.value)) if removed
                           else ALREADY_UNMUTED)
        await edit(update, *mutes_message(left))


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = MuteHandlers(core, access)
    return [
        CommandHandler("mute", h.mute, COMMAND_UPDATES),
        CommandHandler("unmute", h.unmute, COMMAND_UPDATES),
        CallbackQueryHandler(h.unmute_button, pattern=rf"^{UNMUTE}\d{{1,10}}$"),
    ]
