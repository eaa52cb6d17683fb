"""/time, /timezone, /settings (the same by buttons) and /stop."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from app.chats import Schedule
from app.digest_time import InvalidSchedule
from app.runtime import Core
from bot.handlers.common import COMMAND_UPDATES, Access, argument_text, chat_ref, chat_view, e, edit, problem, reply
from bot.i18n import N_, _, moment, ngettext, number

__all__ = [
    "BUTTONS", "PICK", "PRESET_TIMES", "PRESET_ZONES", "ZONE_LABELS", "SettingsHandlers", "describe", "handlers",
    "settings_keyboard", "with_pick",
]

SET_TIME, SET_ZONE, SET_BLINDSPOT = "set:t:", "set:z:", "set:b:"
PRESET_TIMES = ("06:00", "07:00", "08:00", "12:00", "18:00", "21:00")
PRESET_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
                "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney")
# The buttons name each preset zone by its city, as the reader's language does.
ZONE_LABELS = ("UTC", N_("London"), N_("Berlin"), N_("New York"), N_("Los Angeles"), N_("Kolkata"), N_("Tokyo"),
               N_("Sydney"))
PICK = N_("Pick a time and a timezone:")
# Only what the keyboard offers: a preset time, or a preset zone's index.
BUTTONS = (rf"^(?:{SET_TIME}(?:{'|'.join(t.replace(':', '') for t in PRESET_TIMES)})"
           rf"|{SET_ZONE}[0-{len(PRESET_ZONES) - 1}]|{SET_BLINDSPOT}[01])$")
BLINDSPOT_ON = N_("🔍 Weekly Blindspot section: on")
BLINDSPOT_OFF = N_("🔍 Add a weekly Blindspot section")
BLINDSPOT_NOTE = N_("🔍 Monday's digest ends with the stories the left or the right barely covers.")
STOPPED_NOTE = N_("⏸ Digests are stopped in this chat: /start or a change here brings them back.")


def describe(schedule: Schedule) -> str:
    local = schedule.next_at.astimezone(ZoneInfo(schedule.zone))
    shown = ", ".join(schedule.times.split(","))
    note = "\n" + _(BLINDSPOT_NOTE) if schedule.blindspot_weekly else ""
    note += "" if schedule.active else "\n" + _(STOPPED_NOTE)
    return _("🕗 Daily digest at <b>{times}</b> ({zone}).\nNext one: <b>{next}</b> {zone} time.").format(
        times=e(shown), zone=e(schedule.zone), next=e(moment(local, N_("EEE dd MMM, HH:mm")))) + note


def with_pick(schedule: Schedule) -> str:
    return describe(schedule) + "\n\n" + _(PICK)


def settings_keyboard(schedule: Schedule) -> InlineKeyboardMarkup:
    def mark(value: str, chosen: bool) -> str:
        return f"• {value} •" if chosen else value

    times = [InlineKeyboardButton(mark(t, t == schedule.times), callback_data=SET_TIME + t.replace(":", ""))
             for t in PRESET_TIMES]
    zones = [InlineKeyboardButton(mark(_(label), z == schedule.zone), callback_data=f"{SET_ZONE}{i}")
             for i, (z, label) in enumerate(zip(PRESET_ZONES, ZONE_LABELS, strict=True))]
    blindspot = InlineKeyboardButton(_(BLINDSPOT_ON) if schedule.blindspot_weekly else _(BLINDSPOT_OFF),
                                     callback_data=f"{SET_BLINDSPOT}{0 if schedule.blindspot_weekly else 1}")
    return InlineKeyboardMarkup([times[:3], times[3:], zones[:4], zones[4:], [blindspot]])


class SettingsHandlers:
    def __init__(self, core: Core, access: Access) -> None:
        self.core = core
        self.access = access

    async def _command(self, update: Update, context: ContextTypes.DEFAULT_TYPE, *, is_time: bool) -> None:
        argument = argument_text(update, context)
        if not argument:
            await reply(update, _("Use /time 07:30 (or two: /time 07:30 18:00), or /settings for buttons.") if is_time
                        else _("Use /timezone Europe/Berlin, or /settings for buttons."))
            return
        if not await self.access.check(update, context):
            return
        try:
            schedule = await self.core.chats.set_schedule(chat_ref(update), argument if is_time else None,
                                                          None if is_time else argument)
        except InvalidSchedule as exc:
            await reply(update, problem(exc))
            return
        await reply(update, describe(schedule))

    async def time(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, context, is_time=True)

    async def timezone(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, context, is_time=False)

    async def settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = await chat_view(self.core.chats, update)
        assert chat is not None
        schedule = self.core.chats.schedule(chat)
        await reply(update, with_pick(schedule), reply_markup=settings_keyboard(schedule))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        if not await self.access.check(update, context):
            return
        if query.data.startswith(SET_BLINDSPOT):
            schedule = await self.core.chats.set_blindspot_weekly(chat_ref(update), query.data.endswith("1"))
            await query.answer(_("Saved"))
            await edit(update, with_pick(schedule), settings_keyboard(schedule))
            return
        if query.data.startswith(SET_TIME):
            raw = query.data.removeprefix(SET_TIME)
            times, zone = f"{raw[:2]}:{raw[2:]}", None
        else:
            times, zone = None, PRESET_ZONES[int(query.data.removeprefix(SET_ZONE))]
        schedule = await self.core.chats.set_schedule(chat_ref(update), times, zone)
        await query.answer(_("Saved"))
        await edit(update, with_pick(schedule), settings_keyboard(schedule))

    async def stop(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await self.access.check(update, context):
            return
        removed = await self.core.chats.stop(chat_ref(update))
        done = ngettext("Done: unsubscribed from {count} topic, and no more digests.",
                        "Done: unsubscribed from {count} topics, and no more digests.", removed)
        back = _("Come back any time with /start or /subscribe.")
        await reply(update, f"{done.format(count=number(removed))} {back}")


def handlers(core: Core, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = SettingsHandlers(core, access)
    return [
        CommandHandler("time", h.time, COMMAND_UPDATES),
        CommandHandler("timezone", h.timezone, COMMAND_UPDATES),
        CommandHandler("settings", h.settings, COMMAND_UPDATES),
        CommandHandler("stop", h.stop, COMMAND_UPDATES),
        CallbackQueryHandler(h.button, pattern=BUTTONS),
    ]
