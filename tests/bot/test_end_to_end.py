"""A user's first minutes: /start, /subscribe, feeds fetched and clustered, /digest shows a real story."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from news.normalize import canonical_url
from tests.bot.harness import running_bot
from tests.conftest import FIXTURES

NOW = datetime(2014, 3, 18, 14, 0, tzinfo=UTC)
# truth.json holds the dataset's raw URLs; the database holds canonical ones (tracking parameters dropped).
TRUTH: dict[str, str] = {
    canonical_url(url): story for url, story in json.loads((FIXTURES / "feeds" / "truth.json").read_text()).items()
}
BIG_BANG = "dvCeISdqhvcdTiMdflPzCENPpslIM"
COUNTS = re.compile(r"(\d+) articles? · (\d+) sources?")


async def wait_until(predicate: object, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():  # type: ignore[operator]
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def test_subscribe_then_digest_shows_a_real_story(tmp_path: Path, db_url: str, webhook: bool) -> None:
    async with running_bot(tmp_path, db_url, FIXTURES / "feeds", lambda: NOW, webhook=webhook) as h:
        user = h.telegram.add_user("Ada")
        chat = h.telegram.add_private_chat(user)

        await h.telegram.send_message(chat.id, "/start", user)
        welcome = (await h.telegram.wait_for_messages(chat.id, 1))[0]
        assert welcome.text and "Welcome to storybot" in welcome.text
        assert {c["command"] for c in next(iter(h.telegram.commands.values()))} >= {"subscribe", "digest", "story"}

        await h.telegram.send_message(chat.id, "/subscribe Big Bang", user)
        confirm = (await h.telegram.wait_for_messages(chat.id, 2))[1]
        assert confirm.text == "✅ Subscribed to big bang. Try /digest to see its top stories now."

        # `run` fetches every feed right after start and clusters what came in (all of it: feeds arrive one by one).
        await wait_until(lambda: h.core.interactive.sync(_articles) == len(TRUTH)
                         and h.core.interactive.sync(_unclustered) == 0)

        await h.telegram.send_message(chat.id, "/digest", user)
        card = (await h.telegram.wait_for_messages(chat.id, 3))[2]
        assert card.raw_text and card.text, card
        assert card.link_preview_disabled
        links = [e["url"] for e in card.entities if e["type"] == "text_link"]
        story_links = [u for u in links if u in TRUTH]
        assert story_links, card.raw_text
        assert {TRUTH[u] for u in story_links} == {BIG_BANG}  # every linked article is of one real story
        match = COUNTS.search(card.text)
        assert match, card.text
        articles, sources = int(match.group(1)), int(match.group(2))
        true_size = sum(1 for s in TRUTH.values() if s == BIG_BANG)
        assert 2 <= sources <= articles <= true_size


def _unclustered(session: object) -> int:
    from sqlalchemy import func, select

    from storage.models import Article

    return int(session.scalar(select(func.count(Article.id)).where(Article.story_id.is_(None))) or 0)  # type: ignore[attr-defined]


def _articles(session: object) -> int:
    from sqlalchemy import func, select

    from storage.models import Article

    return int(session.scalar(select(func.count(Article.id))) or 0)  # type: ignore[attr-defined]
