"""`updates`: each test that takes it runs with updates by long polling and by webhook."""

from __future__ import annotations

import pytest

from tests.bot.harness import UPDATE_MODES


@pytest.fixture(params=UPDATE_MODES)
def webhook(request: pytest.FixtureRequest) -> bool:
    """True in webhook mode: pass it to running_bot(..., webhook=webhook)."""
    return bool(request.param == "webhook")
