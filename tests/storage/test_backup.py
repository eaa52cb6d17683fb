"""`storybot backup FILE`: a consistent SQLite copy while another process writes; hostile targets refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from storage.db import Database
from storage.migrate import upgrade

WRITER = textwrap.dedent("""
    import sys, time
    from datetime import UTC, datetime
    from sqlalchemy import insert
    from storage.db import Database
    from storage.models import Article, Feed
    db = Database(sys.argv[1])
    with db.session() as s:
        s.execute(insert(Feed).values(id=1, url="https://example.org/rss", title="x", category=""))
    n = 0
    while True:  # ten articles per transaction, until killed
        with db.session() as s:
            s.execute(insert(Article), [{"feed_id": 1, "dedup_key": f"k{n + i}", "url": f"https://example.org/{n + i}",
                "title": f"Headline {n + i} about volcanoes", "summary": "lava " * 50, "categories": "",
                "published_at": datetime.now(UTC)} for i in range(10)])
        n += 10
        if n == 2000:
            print("ready", flush=True)
""")


def backup(target: str | Path, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           ) -> tuple[int, str, str]:
    """`storybot backup TARGET` with DATABASE_URL=url, in this process: (exit status, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    status = main(["backup", str(target)])
    out, err = capsys.readouterr()
    return status, out, err


def _counts(path: Path) -> tuple[str, int, int]:
    copy = sqlite3.connect(path)
    try:
        integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
        articles = copy.execute("SELECT count(*) FROM articles").fetchone()[0]
        indexed = copy.execute("SELECT count(*) FROM article_search_docsize").fetchone()[0]
        copy.execute("INSERT INTO article_search(article_search) VALUES ('integrity-check')")
        return integrity, articles, indexed
    finally:
        copy.close()


def test_backup_while_another_process_writes_is_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'live.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        copies = []
        for n in range(3):
            target = tmp_path / f"copy{n}.db"
            status, out, err = backup(target, url, monkeypatch, capsys)
            assert status == 0, err
            assert out.startswith(f"backed up the database to {target}")
            copies.append(_counts(target))
    finally:
        writer.kill()
        writer.wait()
    for integrity, articles, indexed in copies:
        assert integrity == "ok"
        assert articles >= 2000 and articles % 10 == 0  # whole transactions only
        assert indexed == articles  # the search index agrees with its table
    assert not list(tmp_path.glob(".*.partial"))


def test_backup_refuses_to_overwrite_and_says_why_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade(Database(url))
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"precious")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    cases = {str(existing): "already exists", str(tmp_path): "already exists",
             str(tmp_path / "missing" / "b.db"): "is not a directory"}
    if os.geteuid() != 0:  # root writes anywhere
        cases[str(locked / "b.db")] = "cannot write in"
    for target, message in cases.items():
        status, out, err = backup(target, url, monkeypatch, capsys)
        assert status == 2, (target, out)
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert existing.read_bytes() == b"precious"
    locked.chmod(0o700)


@pytest.mark.parametrize("url, message", [
    ("postgresql://postgres@127.0.0.1:5432/nowhere", "pg_dump -Fc"),
    ("sqlite:///does/not/exist.db", "no database at"),
])
def test_backup_of_what_it_cannot_copy_is_one_clear_line(
    tmp_path: Path, url: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _out, err = backup(tmp_path / "copy.db", url, monkeypatch, capsys)
    assert status == 2 and message in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "copy.db").exists()
