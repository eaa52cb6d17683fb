"""A digest that cannot be built has a budget: a few tries with backoff, one traceback, then FAILED; the chat's
next digest still comes. Through the real Application and the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from app.digests import Digest
from storage.models import DeliveryStatus
from tests.bot.test_delivery import TICK, bot, chat, private, rows, subscribe


async def test_a_digest_that_cannot_be_rendered_fails_after_three_tries(
    tmp_path: Path, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        ada = private(h, "Ada")
        subscribe(h, ada)
        render, tried = delivery.render, []

        def broken(digest: Digest) -> list[str]:
            tried.append(digest.chat_id)
            raise ZeroDivisionError("a bug in rendering this chat's digest")

        delivery.render = broken
        sample = delivery.metrics.registry.get_sample_value
        with caplog.at_level(logging.INFO, logger="app"):
            await delivery.tick(TICK)
            await delivery.idle()
        assert tried == [ada] * delivery.policy.build_attempts == [ada] * 3
        row = rows(h)[ada]
        assert row.status == DeliveryStatus.FAILED and row.attempts == 3 and row.messages is None
        assert "ZeroDivisionError" in (row.error or "")
        assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [ZeroDivisionError]  # one traceback
        assert sum("again in" in r.getMessage() for r in caplog.records) == 2
        assert sample("storybot_digest_build_failures_total") == 1
        assert sample("storybot_digests_total", {"outcome": "failed"}) == 1
        assert h.telegram.messages(ada) == []

        delivery.render = render  # fixed: the next day's digest comes as scheduled
        found = chat(h, ada)
        assert found is not None and found.next_digest_at is not None and found.next_digest_at > TICK
        assert await delivery.tick(found.next_digest_at + timedelta(seconds=20)) == 1
        await delivery.idle()
        [sent] = h.telegram.messages(ada)
        assert sent.text and "Your digest" in sent.text
        assert len(tried) == 3 and sample("storybot_digest_build_failures_total") == 1


async def test_a_fault_that_clears_costs_one_try(tmp_path: Path, db_url: str) -> None:
    async with bot(tmp_path, db_url) as (h, delivery):
        ada = private(h, "Ada")
        subscribe(h, ada)
        render, tried = delivery.render, []

        def flaky(digest: Digest) -> list[str]:
            tried.append(digest.chat_id)
            if len(tried) == 1:
                raise TimeoutError("once")
            return render(digest)

        delivery.render = flaky
        delivery.policy = dataclasses.replace(delivery.policy, build_attempts=3)
        await delivery.tick(TICK)
        await delivery.idle()
        assert len(tried) == 2 and len(h.telegram.messages(ada)) == 1
        row = rows(h)[ada]
        assert row.status == DeliveryStatus.SENT and row.attempts == 2  # the failed build, then the send
