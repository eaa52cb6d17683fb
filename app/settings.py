"""Settings: every key, its default, validated once at startup.

Read from the environment and `.env`. Nothing else in the project reads os.environ. A key that is present but
empty (`FEEDS_FILE=` in `.env`, a compose file or a systemd unit) means "use the default", for every key.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.digest_time import InvalidSchedule, parse_zone
from news.cluster import ClusterParams
from storage.db import url_problem

__all__ = ["LANGUAGES", "TOKEN_HELP", "TOKEN_PATTERN", "TUNED", "Settings"]

TUNED = ClusterParams()  # the clustering defaults chosen on the dev sets

# The languages the bot ships catalogs for (bot/locales; a test checks the two agree), English first.
LANGUAGES = ("en", "es")
TOKEN_PATTERN = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,60}$")
WEBHOOK_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is {problem}. Get a token from @BotFather in Telegram "
    "(send /newbot), then put TELEGRAM_BOT_TOKEN=<token> in .env or the environment."
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///data/storybot.db"
    feeds_file: Path | None = None
    outlets_file: Path | None = None

    fetch_interval_minutes: int = Field(default=15, ge=1, le=24 * 60)
    fetch_concurrency: int = Field(default=20, ge=1, le=500)
    fetch_per_host: int = Field(default=2, ge=1, le=50)
    fetch_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    fetch_connect_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    fetch_min_interval_minutes: int = Field(default=5, ge=1, le=24 * 60)  # floor, whatever a feed asks
    fetch_max_interval_minutes: int = Field(default=24 * 60, ge=1, le=7 * 24 * 60)  # ceiling for max-age/<ttl>
    fetch_pause_after_hours: float = Field(default=48.0, gt=0, le=24 * 365)  # failing this long pauses a feed
    fetch_max_entries: int = Field(default=500, ge=1, le=100_000)  # entries taken from one poll of one feed
    cluster_interval_minutes: int = Field(default=1, ge=1, le=24 * 60)  # how often new articles are clustered
    # Clustering: the defaults are the values tuned on the dev sets (news.cluster.ClusterParams).
    cluster_window_hours: float = Field(default=TUNED.window_hours, gt=0, le=24 * 30)
    cluster_threshold: float = Field(default=TUNED.threshold, ge=0, le=1)  # headline-only articles
    cluster_long_text_threshold: float = Field(default=TUNED.long_text_threshold, ge=0, le=1)  # with a lead
    cluster_merge_threshold: float = Field(default=TUNED.merge_threshold, ge=0, le=2)  # >1 never merges stories
    cluster_refine_minutes: float = Field(default=TUNED.refine_every_minutes, ge=0, le=24 * 60)  # 0: never
    cluster_embeddings: bool = False  # MiniLM sentence embeddings; needs `pip install 'storybot[embeddings]'`
    cluster_embedding_weight: float = Field(default=TUNED.embedding_weight, ge=0, le=1)
    cluster_hybrid_threshold: float = Field(default=TUNED.hybrid_threshold, ge=0, le=1)
    cluster_hybrid_long_text_threshold: float = Field(default=TUNED.hybrid_long_text_threshold, ge=0, le=1)

    digest_time: time = time(8, 0)
    digest_timezone: str = "UTC"
    digest_stories_per_topic: int = Field(default=5, ge=1, le=20)
    digest_max_lateness_hours: float = Field(default=3.0, ge=0, le=48)

    send_rate_global: float = Field(default=30.0, gt=0, le=1000)
    send_rate_private: float = Field(default=1.0, gt=0, le=100)  # messages per second to one private chat
    send_rate_group_per_minute: float = Field(default=20.0, gt=0, le=1000)  # messages per minute to one group
    digest_workers: int = Field(default=32, ge=1, le=1000)  # digests being built and sent at once
    digest_lease_seconds: float = Field(default=60.0, ge=3, le=3600)  # a dead process's digests are taken over after
    admin_user_ids: list[int] = Field(default_factory=list)
    command_burst: int = Field(default=8, ge=1, le=1000)  # commands/buttons a user may send at once
    command_window_seconds: float = Field(default=20.0, gt=0, le=3600)  # ...refilled over this many seconds
    default_language: str = "en"  # for a chat whose language is not known, and the command menu of other languages
    retention_days: int = Field(default=30, ge=1, le=36500)  # articles older than this are pruned daily
    log_level: str = "INFO"

    # Running as a service (README, "Running as a service"): webhook mode, the health/metrics endpoint, SIGTERM.
    webhook_url: str | None = None  # the public HTTPS URL Telegram POSTs updates to (`run --webhook`)
    webhook_secret: SecretStr | None = None  # sent by Telegram in X-Telegram-Bot-Api-Secret-Token
    webhook_listen: str = "127.0.0.1"  # the address the webhook listener binds (behind a reverse proxy)
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    metrics_port: int | None = Field(default=None, ge=0, le=65535)  # /healthz /readyz /metrics; None: off
    metrics_host: str = "127.0.0.1"
    shutdown_grace_seconds: float = Field(default=20.0, ge=0, le=600)  # sends in flight may finish this long

    @field_validator("database_url")
    @classmethod
    def _usable_database(cls, value: str) -> str:
        problem = url_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("digest_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            return parse_zone(value).key  # not ZoneInfo(value): "Europe" is a directory of the tz database
        except InvalidSchedule:
            raise ValueError(f"unknown IANA timezone {value[:64]!r} (use a name such as Europe/Berlin)") from None

    @field_validator("feeds_file", "outlets_file")
    @classmethod
    def _readable_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.is_dir():
            raise ValueError(f"{str(value)!r} is a directory; give the path of a file, or leave it empty")
        if not value.is_file():
            raise ValueError(f"{str(value)!r}: no such file; give the path of a file, or leave it empty")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not WEBHOOK_URL.match(value):
            raise ValueError(f"{value[:80]!r} is not an http(s) URL (e.g. https://bot.example.com/telegram)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("default_language")
    @classmethod
    def _shipped_language(cls, value: str) -> str:
        code = value.strip().lower().replace("_", "-").split("-")[0]
        if code not in LANGUAGES:
            raise ValueError(f"{value[:35]!r} is not a shipped language; use one of {', '.join(LANGUAGES)}")
        return code

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @property
    def bot_base_url(self) -> str:
        """python-telegram-bot appends the token: {TELEGRAM_API_URL}/bot{token}/{method}."""
        return f"{self.telegram_api_url}/bot"

    @property
    def bot_base_file_url(self) -> str:
        return f"{self.telegram_api_url}/file/bot"

    def token_problem(self) -> str | None:
        """Why the token can't be used, or None when it looks valid."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value().strip():
            return TOKEN_HELP.format(problem="not set")
        if not TOKEN_PATTERN.match(self.telegram_bot_token.get_secret_value().strip()):
            return TOKEN_HELP.format(problem="malformed (expected digits, a colon, then about 35 characters)")
        return None

    def webhook_problem(self) -> str | None:
        """Why `run --webhook` can't start, or None."""
        missing = [name for name, value in (("WEBHOOK_URL", self.webhook_url), ("WEBHOOK_SECRET", self.webhook_secret))
                   if value is None]
        if missing:
            return (f"run --webhook needs {' and '.join(missing)}: the public URL Telegram posts updates to, and a "
                    "secret of 1-256 characters A-Z a-z 0-9 _ - (README, \"Webhook mode\")")
        return None

    def token(self) -> str:
        assert self.telegram_bot_token is not None
        return self.telegram_bot_token.get_secret_value().strip()

