"""A chat that changes its zone after today's digest gets the digest of its new time too (the real Application,
/timezone, the fake Bot API; SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from storage import chats
from storage.models import Delivery, DeliveryStatus
from tests.bot.botkit import FAST, ISS, NOW, say
from tests.bot.harness import running_bot
from tests.bot.test_delivery import app_delivery, private

MORNING = datetime(2026, 8, 2, 8, 0, tzinfo=NOW.tzinfo)  # 08:00 UTC; 08:00 in New York is 12:00 UTC (EDT)


async def test_0800_utc_then_new_york_gets_both_digests(tmp_path: Path, db_url: str) -> None:
    now = [MORNING - timedelta(hours=1)]
    async with running_bot(tmp_path, db_url, None, lambda: now[0], **FAST) as h:
        delivery = app_delivery(h)
        ada = private(h, "Ada")
        with h.core.db.session() as s:
            chats.ensure_chat(s, ada, timezone="UTC", digest_times="08:00", next_digest_at=MORNING)
            chats.subscribe(s, ada, "space")
        h.seed("iss", ISS, now=now[0])

        now[0] = MORNING + timedelta(seconds=20)
        assert await delivery.tick(now[0]) == 1
        await delivery.idle()
        assert len(h.telegram.messages(ada)) == 1

        now[0] = MORNING + timedelta(hours=1)
        answer = await say(h, ada, "/timezone America/New_York")
        assert answer.text and "America/New_York" in answer.text
        assert await delivery.tick(MORNING + timedelta(hours=3, minutes=59)) == 0  # not yet: 11:59 UTC
        now[0] = MORNING + timedelta(hours=4, seconds=20)
        assert await delivery.tick(now[0]) == 1  # 08:00 in New York, the same day: its own digest
        await delivery.idle()
        texts = [m.text or "" for m in h.telegram.messages(ada)]
        digests = [t for t in texts if t.startswith(("🗞 Your digest", "📭 Nothing new"))]
        assert len(digests) == 2 and digests[0].startswith("🗞 Your digest"), texts
        with h.core.db.session() as s:
            rows = [(d.period, d.status) for d in s.query(Delivery).order_by(Delivery.id)]
        assert rows == [("2026-08-02T08:00Z", DeliveryStatus.SENT), ("2026-08-02T12:00Z", DeliveryStatus.SENT)]
