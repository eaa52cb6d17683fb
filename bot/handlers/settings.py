"""/time, /timezone, /settings (the same by buttons) and /stop."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.digest_time import InvalidSchedule, format_times, next_digest_at, parse_times, parse_zone
from bot.handlers.common import COMMAND_UPDATES, Access, argument_text, e, edit, register_chat, reply
from bot.services import Services
from storage import chats as chat_store

SET_TIME, SET_ZONE = "set:t:", "set:z:"
PRESET_TIMES = ("06:00", "07:00", "08:00", "12:00", "18:00", "21:00")
PRESET_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
                "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney")


def describe(times: str, zone: str, next_at: datetime) -> str:
    local = next_at.astimezone(ZoneInfo(zone))
    shown = ", ".join(times.split(","))
    return (f"🕗 Daily digest at <b>{e(shown)}</b> ({e(zone)}).\n"
            f"Next one: <b>{local:%a %d %b, %H:%M}</b> {e(zone)} time.")


def settings_keyboard(current_times: str, current_zone: str) -> InlineKeyboardMarkup:
    def mark(value: str, chosen: bool) -> str:
        return f"• {value} •" if chosen else value

    times = [InlineKeyboardButton(mark(t, t == current_times), callback_data=SET_TIME + t.replace(":", ""))
             for t in PRESET_TIMES]
    zones = [InlineKeyboardButton(mark(z.split("/")[-1].replace("_", " "), z == current_zone),
                                  callback_data=f"{SET_ZONE}{i}") for i, z in enumerate(PRESET_ZONES)]
    return InlineKeyboardMarkup([times[:3], times[3:], zones[:4], zones[4:]])


class SettingsHandlers:
    def __init__(self, services: Services, access: Access) -> None:
        self.services = services
        self.access = access

    async def _apply(self, update: Update, times_text: str | None, zone_name: str | None) -> str:
        """Store new times and/or zone; the confirmation. Raises InvalidSchedule with a message for the user."""
        chat_id = await register_chat(self.services, update, record_thread=True)
        current = await self.services.query(chat_store.schedule, chat_id)
        assert current is not None
        times = parse_times(times_text if times_text is not None else current[0])
        zone = parse_zone(zone_name if zone_name is not None else current[1])
        next_at = next_digest_at(times, zone, self.services.clock())
        stored = format_times(times)
        await self.services.query(chat_store.set_schedule, chat_id, stored, zone.key, next_at)
        return describe(stored, zone.key, next_at)

    async def _command(self, update: Update, context: ContextTypes.DEFAULT_TYPE, *, is_time: bool) -> None:
        argument = argument_text(update, context)
        if not argument:
            example = "/time 07:30 (or two: /time 07:30 18:00)" if is_time else "/timezone Europe/Berlin"
            await reply(update, f"Use {example}, or /settings for buttons.")
            return
        if not await self.access.check(update, context):
            return
        try:
            text = await self._apply(update, argument if is_time else None, None if is_time else argument)
        except InvalidSchedule as exc:
            await reply(update, e(str(exc)))
            return
        await reply(update, text)

    async def time(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, context, is_time=True)

    async def timezone(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, context, is_time=False)

    async def settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = await register_chat(self.services, update)
        current = await self.services.query(chat_store.schedule, chat_id)
        assert current is not None
        times, zone, _ = current
        next_at = next_digest_at(parse_times(times), parse_zone(zone), self.services.clock())
        await reply(update, describe(times, zone, next_at) + "\n\nPick a time and a timezone:",
                    reply_markup=settings_keyboard(times, zone))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        if not await self.access.check(update, context):
            return
        if query.data.startswith(SET_TIME):
            raw = query.data.removeprefix(SET_TIME)
            text = await self._apply(update, f"{raw[:2]}:{raw[2:]}", None)
        else:
            text = await self._apply(update, None, PRESET_ZONES[int(query.data.removeprefix(SET_ZONE))])
        current = await self.services.query(chat_store.schedule, query.message.chat.id if query.message else 0)
        await query.answer("Saved")
        times, zone = (current[0], current[1]) if current else ("", "")
        await edit(update, text + "\n\nPick a time and a timezone:", settings_keyboard(times, zone))

    async def stop(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not await self.access.check(update, context):
            return
        chat_id = await register_chat(self.services, update)
        removed = await self.services.query(chat_store.unsubscribe_all, chat_id)
        await self.services.query(chat_store.deactivate, chat_id, "stopped with /stop")
        topics = f"{removed} topic{'s' if removed != 1 else ''}"
        await reply(update, f"Done: unsubscribed from {topics}, and no more digests. "
                            "Come back any time with /start or /subscribe.")


def handlers(services: Services, access: Access) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    h = SettingsHandlers(services, access)
    return [
        CommandHandler("time", h.time, COMMAND_UPDATES),
        CommandHandler("timezone", h.timezone, COMMAND_UPDATES),
        CommandHandler("settings", h.settings, COMMAND_UPDATES),
        CommandHandler("stop", h.stop, COMMAND_UPDATES),
        CallbackQueryHandler(h.button, pattern=rf"^(?:{SET_TIME}\d{{4}}|{SET_ZONE}\d)$"),
    ]
