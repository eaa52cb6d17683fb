"""Webhook mode: Telegram (the fake Bot API) POSTs updates to the bot with the secret; anyone else is refused."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import socket
from pathlib import Path

import httpx
import pytest

from app.runtime import StartupError
from bot.runtime import Runtime
from bot.webhook import MAX_BODY, SECRET_HEADER
from fakes.telegram_api import FakeTelegram
from tests.bot.botkit import FAST, NOW, say
from tests.bot.harness import WEBHOOK_SECRET, Harness, bot_settings, free_port, running_bot, webhook_settings
from tests.bot.test_quickstart import OFFLINE, STORYBOT, quick_start_dir, storybot


def sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'storybot.db'}"


def listener_url(h: Harness) -> str:
    assert h.runtime.settings.webhook_url is not None
    return h.runtime.settings.webhook_url


def update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Eve"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 1_700_000_000, "text": text,
                                                "chat": {"id": chat_id, "type": "private", "first_name": "Eve"},
                                                "from": user}}


async def test_updates_arrive_by_webhook_with_the_secret(tmp_path: Path, db_url: str) -> None:
    async with running_bot(tmp_path, db_url, None, lambda: NOW, webhook=True, **FAST) as h:
        [set_webhook] = h.telegram.requests("setWebhook")
        assert set_webhook.status == 200
        assert h.telegram.webhook_info()["url"] == listener_url(h)
        user = h.telegram.add_user("Ada")
        chat = h.telegram.add_private_chat(user).id
        reply = await say(h, chat, "/start", user)
        assert reply.text and "Welcome to storybot" in reply.text
        reply = await say(h, chat, "/subscribe volcano", user)
        assert reply.text and "Subscribed to volcano" in reply.text
        assert h.telegram.requests("getUpdates") == []  # nothing polled
        deliveries = h.telegram.webhook_deliveries
        assert len(deliveries) == 2 and {d.status for d in deliveries} == {200}
        assert h.telegram.pending_updates == []


async def test_requests_without_the_secret_are_refused_and_logged_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.webhook")
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, webhook=True, **FAST) as h, \
            httpx.AsyncClient(timeout=10) as client:
        url, good = listener_url(h), {SECRET_HEADER: WEBHOOK_SECRET}
        forged = json.dumps(update(1, 666, "/start"))
        refused = [
            await client.post(url, content=forged),  # no secret
            await client.post(url, content=forged, headers={SECRET_HEADER: "guess"}),
            await client.post(url, content=forged, headers={SECRET_HEADER: WEBHOOK_SECRET[:-1]}),
            await client.post(url, content=forged, headers={SECRET_HEADER: "é".encode() * 8}),
        ]
        assert [r.status_code for r in refused] == [403, 403, 403, 403]
        assert (await client.get(url, headers=good)).status_code == 405
        hostile = [
            await client.post(url, content=b"{not json", headers=good),
            await client.post(url, content=b"[1, 2]", headers=good),
            await client.post(url, content=b'{"update_id": "7"}', headers=good),
            await client.post(url, content=b'{"update_id": 8, "message": 5}', headers=good),
            await client.post(url, content=b"\xff\xfe" * 10, headers=good),
        ]
        assert [r.status_code for r in hostile] == [400] * 5
        huge = await client.post(url, content=b"x" * (MAX_BODY + 1), headers=good)
        assert huge.status_code == 413
        assert h.telegram.messages(666) == []  # the forged /start reached no handler
        warnings = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
        assert len(warnings) == 3, warnings  # one line per kind: secret, bad update, too large
        assert not any(WEBHOOK_SECRET in r.getMessage() for r in caplog.records)
        user = h.telegram.add_user("Bob")  # the bot still serves Telegram's own posts
        reply = await say(h, h.telegram.add_private_chat(user).id, "/help", user)
        assert reply.text and "/subscribe" in reply.text


async def test_a_redelivered_update_is_handled_once(tmp_path: Path) -> None:
    async with running_bot(tmp_path, sqlite(tmp_path), None, lambda: NOW, webhook=True, **FAST) as h, \
            httpx.AsyncClient(timeout=10) as client:
        user = h.telegram.add_user("Cy")
        chat = h.telegram.add_private_chat(user).id
        body, good = json.dumps(update(900_001, chat, "/help")), {SECRET_HEADER: WEBHOOK_SECRET}
        answers = [await client.post(listener_url(h), content=body, headers=good) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]  # Telegram stops retrying either way
        [reply] = await h.telegram.wait_for_messages(chat, 1)
        await say(h, chat, "/topics", user)
        assert [m.text for m in h.telegram.messages(chat)].count(reply.text) == 1


async def test_polling_again_after_webhook_mode(tmp_path: Path) -> None:
    """A restart without --webhook deletes the webhook and polls: no update is stranded at the old URL."""
    async with FakeTelegram() as api:
        config = bot_settings(api, tmp_path, sqlite(tmp_path), **FAST, **webhook_settings())
        async with Runtime(config, clock=lambda: NOW, webhook=True):
            assert api.webhook_info()["url"] == config.webhook_url
            await api.send_message(77, "/start", 77)
            await api.wait_for_messages(77, 1)
        assert api.webhook_info()["url"]  # stopping leaves it set, for the other processes behind the proxy
        await api.send_message(77, "/help", 77)  # arrives while no bot runs: the fake keeps retrying the webhook
        async with Runtime(config, clock=lambda: NOW):
            [_, help_reply] = await api.wait_for_messages(77, 2, timeout=10)
            assert help_reply.text and "/subscribe" in help_reply.text
            assert api.webhook_info()["url"] == "" and api.requests("deleteWebhook")
        assert any(d.status == 0 for d in api.webhook_deliveries)  # the post that found no bot was kept


@pytest.mark.parametrize(("values", "problem"), [
    ({}, "run --webhook needs WEBHOOK_URL and WEBHOOK_SECRET"),
    ({"WEBHOOK_URL": "https://bot.example.com/tg"}, "run --webhook needs WEBHOOK_SECRET:"),
    ({"WEBHOOK_URL": "https://bot.example.com/tg", "WEBHOOK_SECRET": "has space"}, "invalid setting WEBHOOK_SECRET"),
    ({"WEBHOOK_URL": "bot.example.com", "WEBHOOK_SECRET": "s3cret"}, "invalid setting WEBHOOK_URL"),
])
def test_run_webhook_without_its_keys_is_one_line_and_exit_2(tmp_path: Path, values: dict[str, str],
                                                             problem: str) -> None:
    here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN="123456789:" + "A" * 35, **values)
    result = storybot("run", "--webhook", cwd=here)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith(f"storybot: {problem}"), result.stderr


@pytest.mark.timeout(240)
async def test_storybot_run_webhook_answers_and_stops_cleanly(tmp_path: Path) -> None:
    async with FakeTelegram() as telegram, httpx.AsyncClient(timeout=5) as client:
        hook, metrics_port = webhook_settings(), free_port()
        here = quick_start_dir(tmp_path, TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.api_root,
                               WEBHOOK_URL=hook["webhook_url"], WEBHOOK_SECRET=WEBHOOK_SECRET,
                               WEBHOOK_PORT=str(hook["webhook_port"]), METRICS_PORT=str(metrics_port))
        bot = await asyncio.create_subprocess_exec(str(STORYBOT), "run", "--webhook", cwd=here, env=OFFLINE,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await telegram.send_message(42, "/start")
            [welcome] = await telegram.wait_for_messages(42, 1, timeout=90)
            assert welcome.text is not None and "Welcome to storybot" in welcome.text
            assert (await client.get(f"http://127.0.0.1:{metrics_port}/healthz")).status_code == 200
            assert (await client.post(hook["webhook_url"], content=b"{}")).status_code == 403
        finally:
            bot.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(bot.communicate(), 60)
    log = err.decode()
    assert bot.returncode == 0, log
    assert "Traceback" not in log and WEBHOOK_SECRET not in log
    assert telegram.requests("getUpdates") == [] and telegram.webhook_deliveries[0].status == 200


async def test_a_taken_port_or_a_failed_set_webhook_is_a_startup_error(tmp_path: Path) -> None:
    async with FakeTelegram() as api:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            for key, settings in (("WEBHOOK_PORT", {**webhook_settings(), "webhook_port": port}),
                                  ("METRICS_PORT", {"metrics_port": port})):
                config = bot_settings(api, tmp_path, sqlite(tmp_path), **settings)
                with pytest.raises(StartupError, match=f"cannot listen on 127.0.0.1:{port} .*{key}"):
                    async with Runtime(config, clock=lambda: NOW, webhook=key == "WEBHOOK_PORT"):
                        pass
        api.inject_fault("setWebhook", count=1, kind="500")
        config = bot_settings(api, tmp_path, sqlite(tmp_path), **webhook_settings())
        with pytest.raises(StartupError, match=re.escape("setWebhook failed for WEBHOOK_URL http://127.0.0.1:")):
            async with Runtime(config, clock=lambda: NOW, webhook=True):
                pass
        assert api.webhook_info()["url"] == ""
