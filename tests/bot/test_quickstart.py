"""The README's quick start, word for word: `cp .env.example .env`, a token, `make run` (= `storybot run`).

`.env.example` as shipped, the README's settings table and the code must agree on every default, so the three
can't drift apart. The bot runs as a subprocess from a fresh directory, the way `make run` starts it.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import Settings
from fakes.telegram_api import FakeTelegram

REPO = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = REPO / ".env.example"
README = REPO / "README.md"
STORYBOT = Path(sys.executable).with_name("storybot")  # the console script `make run` calls
KEYS = [name.upper() for name in Settings.model_fields]
# Nothing from the developer's own environment leaks in. The bundled feeds point at real outlets: the proxy
# variables send those fetches to a closed loopback port, so the test never leaves the machine.
OFFLINE = {
    **{k: v for k, v in os.environ.items() if k not in KEYS and "PROXY" not in k.upper()},
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
}
TABLE_ROW = re.compile(r"^\| `([A-Z][A-Z_]+)` \| ([^|]+) \|")
EXAMPLE_LINE = re.compile(r"^(#\s?)?([A-Z][A-Z_]+)=(.*)$")


def quick_start_dir(tmp_path: Path, **values: str) -> Path:
    """A fresh directory holding `.env.example` copied to `.env`, with `values` filled in."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^{key}=.*$", f"{key}={value}", text, flags=re.MULTILINE)
        assert count == 1, key
    (tmp_path / ".env").write_text(text, encoding="utf-8")
    return tmp_path


def storybot(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(STORYBOT), *args], capture_output=True, text=True, timeout=90, cwd=cwd,
                          env={**OFFLINE, **(env or {})})


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_quick_start_answers_start(tmp_path: Path) -> None:
    async with FakeTelegram() as telegram:
        here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.api_root)
        bot = await asyncio.create_subprocess_exec(str(STORYBOT), "run", cwd=here, env=OFFLINE,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await telegram.send_message(42, "/start")
            [welcome] = await telegram.wait_for_messages(42, 1, timeout=60)
            assert welcome.text is not None and "Welcome to storybot" in welcome.text
        finally:
            bot.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(bot.communicate(), 60)
        log = err.decode()
        assert bot.returncode == 0, log
        assert "Traceback" not in log
        assert (here / "data" / "storybot.db").is_file()  # DATABASE_URL as shipped: under ./data


async def test_the_token_never_reaches_the_log_even_at_debug(tmp_path: Path) -> None:
    async with FakeTelegram() as telegram:
        here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.api_root,
                               LOG_LEVEL="DEBUG")
        bot = await asyncio.create_subprocess_exec(str(STORYBOT), "run", cwd=here, env=OFFLINE,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await telegram.send_message(42, "/start")
            await telegram.wait_for_messages(42, 1, timeout=60)
        finally:
            bot.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(bot.communicate(), 60)
    log = err.decode()
    assert bot.returncode == 0 and " DEBUG telegram" in log  # python-telegram-bot's own debug records are there
    assert "<token>" in log  # ...and they named the Bot API URL, with the token taken out
    secret = telegram.token.split(":", 1)[1]
    assert secret not in log and secret.replace("-", "%2D") not in log


def test_env_example_as_shipped_gives_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    shipped = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    assert shipped.model_dump() == defaults.model_dump()


def _table() -> dict[str, str]:
    rows = (TABLE_ROW.match(line) for line in README.read_text(encoding="utf-8").splitlines())
    return {m.group(1): m.group(2).strip() for m in rows if m}


def _examples() -> dict[str, str]:
    """Every KEY=value of `.env.example`, the commented-out ones included (their values must be the defaults)."""
    found = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if (m := EXAMPLE_LINE.match(line)) and m.group(2) in KEYS:
            found[m.group(2)] = m.group(3).strip()
    return found


def _parsed(monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> object:
    """The value the key takes when the environment says `value`."""
    with monkeypatch.context() as env:
        env.setenv(key, value)
        return getattr(Settings(_env_file=None), key.lower())  # type: ignore[call-arg]


def test_readme_table_and_env_example_state_the_real_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    table, examples = _table(), _examples()
    assert sorted(table) == sorted(KEYS), "the README's settings table must list every key once"
    assert sorted(examples) == sorted(KEYS), ".env.example must list every key"
    for key in KEYS:
        default = getattr(defaults, key.lower())
        documented = re.match(r"`([^`]*)`", table[key])
        if documented is None:  # "(none; ...)" or "(empty: ...)": the key has no value by default
            assert default is None, f"README says {key} has no default, the code says {default!r}"
        else:
            assert _parsed(monkeypatch, key, documented.group(1)) == default, f"README default of {key}"
        if examples[key]:
            assert _parsed(monkeypatch, key, examples[key]) == default, f".env.example value of {key}"
        else:
            assert default is None, f".env.example leaves {key} empty, but its default is {default!r}"


def test_an_empty_value_in_the_environment_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in KEYS:
        monkeypatch.setenv(key, "")
    assert Settings(_env_file=None).model_dump() == Settings.model_construct().model_dump()  # type: ignore[call-arg]


@pytest.mark.parametrize(("key", "value", "problem"), [
    ("FEEDS_FILE", ".", "is a directory"),
    ("FEEDS_FILE", "missing.opml", "no such file"),
    ("OUTLETS_FILE", "data", "is a directory"),
    ("DIGEST_TIMEZONE", "Europe", "unknown IANA timezone"),
    ("DEFAULT_LANGUAGE", "klingon", "not a shipped language"),
])
def test_a_bad_path_or_zone_is_one_line_naming_the_key(tmp_path: Path, key: str, value: str, problem: str) -> None:
    (tmp_path / "data").mkdir()
    here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN="123456789:" + "A" * 35, **{key: value})
    result = storybot("run", cwd=here)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
    assert key in result.stderr and repr(value) in result.stderr and problem in result.stderr


@pytest.mark.parametrize(("name", "body", "problem"), [
    ("feeds.opml", "not an outline", "FEEDS_FILE"),
    ("outlets.csv", "name,country\nx,US\n", "OUTLETS_FILE"),  # only name and domains are required
    ("outlets.csv", "name,domains,bias\nx,example.com,left\n", "OUTLETS_FILE"),  # a rating needs its source
])
def test_an_unreadable_feeds_or_outlets_file_is_one_line(tmp_path: Path, name: str, body: str, problem: str) -> None:
    (tmp_path / name).write_text(body)
    here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN="123456789:" + "A" * 35, **{problem: name})
    result = storybot("run", cwd=here)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"storybot: invalid setting {problem}: " in result.stderr


def test_no_bot_api_at_start_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN="123456789:" + "A" * 35, TELEGRAM_API_URL=url)
    result = storybot("run", cwd=here)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("storybot: ")]
    assert len(problems) == 1 and f"cannot reach the Telegram Bot API at {url}" in problems[0]
    assert "A" * 35 not in result.stderr  # the token never shows


async def test_a_refused_token_at_start_is_one_line_and_exit_2(tmp_path: Path) -> None:
    async with FakeTelegram() as telegram:
        telegram.revoke_token(telegram.token)
        here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.api_root)
        result = await asyncio.to_thread(storybot, "run", cwd=here)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "storybot: Telegram refused TELEGRAM_BOT_TOKEN" in result.stderr
