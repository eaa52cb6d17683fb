"""Logging for the process: one format, quiet libraries, and the bot token redacted from every record.

The Bot API URL carries the token (`…/bot<token>/getUpdates`), and python-telegram-bot and httpx log URLs at
DEBUG, some errors at any level. `RedactSecrets` sits on the handlers, so it sees every record that is written,
the libraries' propagated ones included, and replaces each secret (and its URL-encoded form) in the message, its
arguments, the exception text and the stack.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from urllib.parse import quote

__all__ = ["REDACTED", "PollingErrors", "RedactSecrets", "configure_logging"]

REDACTED = "<token>"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = {form for secret in secrets if secret for form in (secret, quote(secret, safe=""))}
        self.secrets = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    # Request URLs carry the bot token: the HTTP client stays quiet even at DEBUG (and is redacted besides).
    for name in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


class PollingErrors:
    """python-telegram-bot's `start_polling(error_callback=...)`: one line per kind of failure while the Bot API
    is unreachable or refuses getUpdates, then one line a minute while it goes on (the library would log a full
    traceback on every retry). The updater keeps retrying with its own back-off either way."""

    REPEAT_SECONDS = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._last: tuple[str, float] | None = None
        self.log = logging.getLogger("storybot")

    def __call__(self, error: Exception) -> None:
        said = f"{type(error).__name__}: {error}"[:300]
        now = self.clock()
        if self._last and self._last[0] == said and now - self._last[1] < self.REPEAT_SECONDS:
            return
        self._last = (said, now)
        self.log.warning("polling the Bot API failed (%s); retrying", said)
