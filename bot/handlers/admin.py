"""Operator commands for ADMIN_USER_IDS only: /stats and /feeds. Everyone else gets the unknown-command hint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from app.operators import FeedHealth
from app.runtime import Core
from bot.handlers.common import e, reply
from bot.i18n import _, moment, ngettext, number
from bot.render import pack

__all__ = ["MAX_FAILING_SHOWN", "AdminHandlers", "failing_feeds_blocks", "handlers", "stats_text"]

MAX_FAILING_SHOWN = 40


def stats_text(data: dict[str, Any]) -> str:
    """The operator's counts; delivery statuses stay the database's words (they are searched for in logs)."""
    feeds, deliveries = data["feeds"], data["deliveries"]
    n = {key: number(value) for key, value in {**data, **{f"feeds_{k}": v for k, v in feeds.items()}}.items()
         if isinstance(value, int)}
    sent = ", ".join(f"{k} {number(v)}" for k, v in sorted(deliveries.items())) or _("none yet")
    return "\n".join([
        _("<b>storybot stats</b>"),
        _("Feeds: {feeds_total} ({feeds_ok} ok, {feeds_failing} failing, {feeds_paused} paused)").format(**n),
        _("Articles: {articles} ({articles_unclustered} not yet clustered)").format(**n),
        _("Stories: {stories}").format(**n),
        _("Chats: {chats} active, {chats_inactive} inactive · {subscriptions} subscriptions").format(**n),
        _("Deliveries: {sent}").format(sent=e(sent)),
    ])


def _when(at: datetime | None) -> str:
    return moment(at, "yyyy-MM-dd HH:mm 'UTC'") if at else _("never")


def _feed_block(feed: FeedHealth) -> str:
    errors = ngettext("{count} error", "{count} errors", feed.error_count).format(count=number(feed.error_count))
    last_ok = _("last ok: {last_ok} · next try: {next_try}").format(last_ok=_when(feed.last_success_at),
                                                                   next_try=_when(feed.next_check_at))
    last_error = e((feed.last_error or _("no error recorded"))[:300])
    return (f"• <b>{e((feed.title or feed.url)[:80])}</b> ({e(feed.status)}, {errors})\n"
            f"  {e(feed.url[:200])}\n  {last_ok}\n  <i>{last_error}</i>")


def failing_feeds_blocks(health: list[FeedHealth]) -> list[str]:
    failing = [f for f in health if f.error_count > 0 or f.status != "active"]
    if not failing:
        return [ngettext("✅ The feed is healthy.", "✅ All {count} feeds are healthy.", len(health)).format(
            count=number(len(health)))]
    failing.sort(key=lambda f: (-f.error_count, f.id))
    heading = ngettext("{failing} of {count} feed failing or paused", "{failing} of {count} feeds failing or paused",
                       len(health)).format(failing=number(len(failing)), count=number(len(health)))
    blocks = [f"<b>{heading}</b>"]
    blocks.extend(_feed_block(feed) for feed in failing[:MAX_FAILING_SHOWN])
    if len(failing) > MAX_FAILING_SHOWN:
        blocks.append(_("… and {count} more (`storybot feeds list` shows all).").format(
            count=number(len(failing) - MAX_FAILING_SHOWN)))
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
