"""The `storybot` command as an operator runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest

from bot.cli import main
from fakes.feed_server import FeedServer
from news.opml import FeedSpec, export_opml, parse_opml
from tests.conftest import FIXTURES

CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "FEEDS_FILE"))}


def storybot(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, timeout=60,
                          env={**CLEAN_ENV, **(env or {}), "PYTHONPATH": str(Path.cwd())}, cwd=cwd)


@pytest.mark.parametrize("token", ["", "not-a-token", "123:short"])
def test_run_without_a_usable_token_says_how_to_get_one(token: str, tmp_path: Path) -> None:
    result = storybot("run", env={"TELEGRAM_BOT_TOKEN": token}, cwd=tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = storybot("stats", env={"DIGEST_TIMEZONE": "Mars/Olympus"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "DIGEST_TIMEZONE" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["run"], ["migrate"], ["fetch"], ["cluster"], ["cluster-file"], ["preview"],
                                     ["stats"], ["feeds"], ["feeds", "list"], ["feeds", "import"], ["feeds", "export"],
                                     ["feeds", "resume"], ["prune"], ["backup"], ["outlets"], ["outlets", "check"],
                                     ["outlets", "import"]])
def test_every_subcommand_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: storybot" in capsys.readouterr().out


def test_cluster_file_writes_one_story_per_item(tmp_path: Path) -> None:
    items = [
        {"id": "a", "title": "NASA and Roscosmos agree to keep the ISS flying to 2028", "summary": "",
         "source": "Reuters", "url": "", "published": "2025-07-31T10:00:00Z"},
        {"id": "b", "title": "Cooking with summer tomatoes", "summary": "", "source": "Food", "url": "",
         "published": "2025-07-31T09:00:00Z"},
        {"id": "c", "title": "Roscosmos and NASA agree ISS flights until 2028", "summary": "", "source": "AP",
         "url": "", "published": "2025-07-31T11:00:00Z"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(i) + "\n" for i in items))
    out = tmp_path / "out.jsonl"
    assert main(["cluster-file", str(source), "--out", str(out)]) == 0
    stories = {row["id"]: row["story"] for row in map(json.loads, out.read_text().splitlines())}
    assert set(stories) == {"a", "b", "c"}
    assert stories["a"] == stories["c"] != stories["b"]


def test_cluster_file_refines_fragments_and_reports_online_stories_and_churn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refinement passes paced by `published` (hourly items, 5-minute passes: one before each item after the first,
    one at the end); each line also carries the story the item had right after its online assignment."""
    titles = ["Volcano erupts on Iceland's Reykjanes peninsula near Grindavik",
              "Cooking with summer tomatoes",
              "Grindavik evacuated as lava flows toward the town",
              "Grindavik lava: Iceland volcano eruption on Reykjanes peninsula",
              "Iceland's Reykjanes volcano eruption threatens Grindavik"]
    items = [{"id": f"i{n}", "title": t, "summary": "", "source": f"S{n}", "url": "",
              "published": f"2025-07-31T{10 + n:02d}:00:00Z"} for n, t in enumerate(titles)]
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps(i) + "\n" for i in items))
    assert main(["cluster-file", str(source), "--out", str(out)]) == 0
    rows = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert all(set(row) >= {"story", "online_story", "sections"} for row in rows.values())
    volcano = {rows[i]["story"] for i in ("i0", "i2", "i3", "i4")}
    assert len(volcano) == 1 and rows["i1"]["story"] not in volcano
    assert {row["online_story"] for row in rows.values()} <= {f"s{n}" for n in range(1, 6)}
    err = capsys.readouterr().err
    assert "refinement: 5 passes" in err and "items changed story" in err


def recent_copies(folder: Path, into: Path) -> Path:
    """The fixture feeds (18 March 2014) moved in time so that they end about now: the CLI runs on the real clock,
    and a digest shows news of the last day."""
    shift = datetime.now(UTC) - datetime(2014, 3, 18, 23, 59, tzinfo=UTC)

    def moved(match: re.Match[str]) -> str:
        return f"<pubDate>{format_datetime(parsedate_to_datetime(match.group(1)) + shift)}</pubDate>"

    into.mkdir()
    for feed in folder.glob("*.xml"):
        (into / feed.name).write_text(re.sub(r"<pubDate>([^<]+)</pubDate>", moved, feed.read_text()))
    return into


async def test_fetch_cluster_stats_preview_and_feeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    async with FeedServer() as server:
        urls = server.add_dir(recent_copies(FIXTURES / "feeds", tmp_path / "feeds"))
        opml = tmp_path / "feeds.opml"
        opml.write_text(export_opml(FeedSpec(u, Path(u).stem, "science") for u in urls[:2]))
        more = tmp_path / "more.opml"
        more.write_text(export_opml(FeedSpec(u, Path(u).stem) for u in urls))
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        monkeypatch.setenv("FEEDS_FILE", str(opml))
        monkeypatch.chdir(tmp_path)

        assert await _in_thread(["feeds", "import", str(more)]) == 0
        assert "imported 4 new feeds (2 already followed)" in capsys.readouterr().out
        proc = await _in_thread(["fetch", "--once"])
        assert proc == 0
        assert "fetched 6 feeds: 6 ok" in capsys.readouterr().out
    assert await _in_thread(["cluster"]) == 0
    assert re.match(r"clustered (\d+) articles into (\d+) stories", capsys.readouterr().out)
    assert await _in_thread(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["feeds"]["total"] == 6 and stats["articles"] > 20 and stats["stories"] > 0
    assert stats["articles_unclustered"] == 0
    assert await _in_thread(["preview", "--topic", "big bang"]) == 0
    assert "Big Bang" in capsys.readouterr().out
    assert await _in_thread(["feeds", "export"]) == 0
    assert {f.url for f in parse_opml(capsys.readouterr().out)} == set(urls)
    assert await _in_thread(["feeds", "list"]) == 0
    assert "6 feeds" in capsys.readouterr().out
    assert await _in_thread(["feeds", "resume"]) == 0
    assert "resumed 0 paused feeds" in capsys.readouterr().out


async def _in_thread(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(main, argv)
