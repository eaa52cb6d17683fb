"""A DATABASE_URL storybot can't use is one line on stderr and exit status 2, for every subcommand that opens the
database: checked with the other settings (scheme, driver, path), or at the first connection."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from storage.db import url_problem
from tests.bot.test_cli import storybot

TOKEN = "123456789:" + "A" * 35


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_line_exit_2(args: list[str], url: str, cwd: Path) -> str:
    result = storybot(*args, env={"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN}, cwd=cwd)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("storybot: ")
    return result.stderr


BAD_URLS = [
    ("not a url", "DATABASE_URL: 'not a url' is not a database URL"),
    ("mysql://user:pw@db.example/news", "'mysql' is not a database storybot supports: use SQLite or PostgreSQL"),
    ("oracle+cx://db.example/news", "'oracle' is not a database storybot supports"),
    ("postgresql+psycopg2://db.example/news", "the driver 'psycopg2' for postgresql is not installed: pip install"),
    ("postgresql+asyncpg://db.example/news", "storybot can't use the driver 'asyncpg'"),
    ("sqlite:////etc/hostname/x.db", "'/etc/hostname' is a file, not a folder"),
]


@pytest.mark.parametrize(("url", "problem"), BAD_URLS)
def test_storybot_run_with_an_unusable_database_url(tmp_path: Path, url: str, problem: str) -> None:
    assert problem in one_line_exit_2(["run"], url, tmp_path)


SUBCOMMANDS = [["migrate"], ["fetch", "--once"], ["cluster"], ["preview"], ["stats"], ["feeds", "list"],
               ["feeds", "export"], ["prune"], ["backup", "copy.db"]]


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_that_opens_the_database_refuses_the_same_way(tmp_path: Path, args: list[str]) -> None:
    assert "invalid setting DATABASE_URL: " in one_line_exit_2(args, "sqlite:////etc/hostname/x.db", tmp_path)


@pytest.mark.parametrize("args", [["run"], ["stats"]], ids=" ".join)
def test_a_file_that_is_no_database_is_one_line(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "notes.db").write_text("these are my notes, not a database\n" * 200)
    stderr = one_line_exit_2(args, "sqlite:///notes.db", tmp_path)
    assert "cannot open the database sqlite:///notes.db: file is not a database" in stderr
    assert (tmp_path / "notes.db").read_text().startswith("these are my notes")  # left as it was


@pytest.mark.parametrize("args", [["run"], ["migrate"]], ids=" ".join)
def test_an_unreachable_postgresql_is_one_line_without_the_password(tmp_path: Path, args: list[str]) -> None:
    url = f"postgresql://storybot:hunter2secret@127.0.0.1:{closed_port()}/news"
    stderr = one_line_exit_2(args, url, tmp_path)
    assert "cannot open the database postgresql+psycopg://storybot:***@127.0.0.1" in stderr
    assert "hunter2secret" not in stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in any folder")
def test_a_folder_storybot_cannot_write_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    stderr = one_line_exit_2(["run"], f"sqlite:///{locked / 'storybot.db'}", tmp_path)
    assert "is not writable by this user" in stderr


def test_a_directory_as_the_database_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert "'data' is a directory, not a database file" in one_line_exit_2(["migrate"], "sqlite:///data", tmp_path)


@pytest.mark.parametrize("url", ["postgresql://storybot:hunter2secret@host:port/news", "mysql://a:hunter2secret@[x"])
def test_an_unparsable_url_never_shows_its_password(url: str) -> None:
    problem = url_problem(url)
    assert problem is not None and "hunter2secret" not in problem


@pytest.mark.parametrize("url", ["sqlite:///data/storybot.db", "sqlite://", "sqlite:///:memory:",
                                 "postgresql://user:pw@127.0.0.1/storybot", "postgres://u@h/db",
                                 "postgresql+psycopg://u@h/db"])
def test_usable_urls_pass(url: str) -> None:
    assert url_problem(url) is None
