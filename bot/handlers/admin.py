"""Operator commands for ADMIN_USER_IDS only: /stats and /feeds. Everyone else gets the unknown-command hint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from app.operators import FeedHealth
from app.runtime import Core
from bot.handlers.common import e, reply
from bot.render import pack

__all__ = ["MAX_FAILING_SHOWN", "AdminHandlers", "failing_feeds_blocks", "handlers", "stats_text"]

MAX_FAILING_SHOWN = 40


def stats_text(data: dict[str, Any]) -> str:
    feeds, deliveries = data["feeds"], data["deliveries"]
    sent = ", ".join(f"{k} {v}" for k, v in sorted(deliveries.items())) or "none yet"
    return (
        "<b>storybot stats</b>\n"
        f"Feeds: {feeds['total']} ({feeds['ok']} ok, {feeds['failing']} failing, {feeds['paused']} paused)\n"
        f"Articles: {data['articles']} ({data['articles_unclustered']} not yet clustered)\n"
        f"Stories: {data['stories']}\n"
        f"Chats: {data['chats']} active, {data['chats_inactive']} inactive · {data['subscriptions']} subscriptions\n"
        f"Deliveries: {e(sent)}"
    )


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def failing_feeds_blocks(health: list[FeedHealth]) -> list[str]:
    failing = [f for f in health if f.error_count > 0 or f.status != "active"]
    if not failing:
        return [f"✅ All {len(health)} feeds are healthy."]
    failing.sort(key=lambda f: (-f.error_count, f.id))
    blocks = [f"<b>{len(failing)} of {len(health)} feeds failing or paused</b>"]
    for feed in failing[:MAX_FAILING_SHOWN]:
        blocks.append(
            f"• <b>{e((feed.title or feed.url)[:80])}</b> ({feed.status}, {feed.error_count} errors)\n"
            f"  {e(feed.url[:200])}\n"
            f"  last ok: {_when(feed.last_success_at)} · next try: {_when(feed.next_check_at)}\n"
            f"  <i>{e((feed.last_error or 'no error recorded')[:300])}</i>"
        )
    if len(failing) > MAX_FAILING_SHOWN:
        blocks.append(f"… and {len(failing) - MAX_FAILING_SHOWN} more (`storybot feeds list` shows all).")
    return blocks


class AdminHandlers:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await reply(update, stats_text(await self.core.operators.stats()))

    async def feeds(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        for text in pack(failing_feeds_blocks(list(await self.core.operators.health()))):
            await reply(update, text)


def handlers(core: Core) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    admins = core.settings.admin_user_ids
    if not admins:
        return []
    h = AdminHandlers(core)
    only_admins = filters.User(user_id=admins) & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [CommandHandler("stats", h.stats, only_admins), CommandHandler("feeds", h.feeds, only_admins)]
