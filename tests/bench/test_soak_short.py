"""A short soak (bench/soak.py): a few simulated days across Europe's spring-forward night, on each database.

It drives the real app layer and storage (feeds through the Ingestor, clustering, retention, chats that change
schedules and zones, stop, read while stopped, come back, block the bot and migrate) and asserts that the daily
audit found no violation: every owed digest sent once or accounted for, none to a stopped or blocked chat.
`churn=6` makes three days hold a season's worth of changes.

It passes on both databases since the chat-lifecycle fixes (reads never write; only /start, /subscribe, follow,
/time, /timezone and settings changes resume a stopped chat, on its own stored schedule).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_ENV

BENCH = Path(__file__).resolve().parents[2] / "bench"
UCI_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "uci-dev.jsonl"  # the soak's headlines


@pytest.fixture(params=["sqlite", "postgres"])
def kind(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (bash .ci/run sets it)")
    return str(request.param)


def test_a_short_soak_finds_no_violation(kind: str) -> None:
    if not UCI_DEV.exists():  # as tests/news/test_sources.py: CI has ../shared beside the clone
        pytest.skip("benchmark data not present (../shared/bench)")
    sys.path.insert(0, str(BENCH))
    try:
        import soak
    finally:
        sys.path.remove(str(BENCH))
    lines: list[str] = []
    result = soak.soak(kind, chats=80, feeds=10, days=3, start=date(2026, 3, 28), seed=7, retention_days=2, churn=6,
                       postgres_url=os.environ.get(POSTGRES_ENV, ""), out=lines.append)
    assert len(result.rows) == 3
    assert sum(row.audit.sent for row in result.rows) > 100
    details = [v.line() for examples in result.examples.values() for v in examples]
    assert not result.violations, "\n".join(lines + details)
