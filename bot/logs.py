"""Logging for the process: one format, quiet libraries, and the bot token redacted from every record.

The Bot API URL carries the token (`…/bot<token>/getUpdates`), and python-telegram-bot and httpx log URLs at
DEBUG, some errors at any level. `RedactSecrets` sits on the handlers, so it sees every record that is written,
the libraries' propagated ones included, and replaces each secret (and its URL-encoded form) in the message, its
arguments, the exception text and the stack.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

__all__ = ["REDACTED", "RedactSecrets", "configure_logging"]

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
