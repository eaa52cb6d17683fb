"""`storybot outlets import` and `storybot outlets check` as an operator runs them, and what /source then shows,
through the real Application and the fake Bot API."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.botkit import FAST, ISS, NOW, say
from tests.bot.harness import running_bot

PUBLISHED = Path(__file__).resolve().parents[1] / "fixtures" / "published"


@pytest.fixture
def operator_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """OUTLETS_FILE set to an empty file, as an operator starts; no .env or token around."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "FEEDS_FILE"):
        monkeypatch.delenv(name, raising=False)
    table = tmp_path / "outlets.csv"
    table.write_text("", encoding="utf-8")
    monkeypatch.setenv("OUTLETS_FILE", str(table))
    return table


async def test_an_imported_mbfc_export_rates_outlets_and_shows_where_from(
        operator_table: Path, tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outlets", "import", str(PUBLISHED / "mbfc.json"), "--checked", "2026-01-02"]) == 0
    report = capsys.readouterr().out
    assert "8 entries of Media Bias/Fact Check" not in report  # broken entries are not counted as read
    assert "Matched 3 listed outlets: filled 2 empty cells, changed 0, kept 1 that differ" in report
    assert "Kept (differs): Fox News: bias kept 'right', Media Bias/Fact Check says 'lean_left'" in report
    assert "Added: Zebra Gazette" in report and "Added: Quack Cures" in report
    assert f"Wrote 4 outlets to {operator_table}." in report
    assert main(["outlets", "import", str(PUBLISHED / "mbfc.json"), "--checked", "2026-02-01"]) == 0
    assert "filled 0 empty cells, changed 0, kept 1 that differ" in capsys.readouterr().out  # idempotent

    async with running_bot(tmp_path, db_url, None, lambda: NOW, command_burst=100, outlets_file=operator_table,
                           **FAST) as h:
        h.seed("iss", ISS)
        chat = h.telegram.add_private_chat(h.telegram.add_user("Ada"))
        zebra = await say(h, chat.id, "/source zebra gazette")
        assert zebra.text is not None and zebra.text.startswith(
            "🏛 Zebra Gazette\nBias: Lean right (Media Bias/Fact Check, 2026-01-02)\n"
            "Factuality: low (Media Bias/Fact Check, 2026-01-02)\n")
        assert {e["url"] for e in zebra.entities if e["type"] == "text_link"} == {
            "https://mediabiasfactcheck.com/zebra-gazette/"}
        fox = await say(h, chat.id, "/source fox news")
        assert fox.text is not None
        assert "Bias: Right (AllSides, 2025-09-11)" in fox.text  # the bundled rating was not overridden
        assert "Factuality: mixed (Media Bias/Fact Check, 2026-01-02)" in fox.text  # the empty cell was filled


def test_check_prints_agreement_per_source_and_every_difference(
        operator_table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outlets", "check", f"{PUBLISHED / 'allsides.json'}=2025-09-11"]) == 1  # a difference
    out = capsys.readouterr().out
    assert "AllSides: 1 of 2 cells agree, 1 differ, 0 cite another page; 108 cited cells not in" in out
    assert "  - Fox News: bias 'right' here, 'lean_right' in the copy\n" in out  # the fixture's made-up rating
    operator_table.write_text("name,domains,bias,bias_source,bias_url,bias_checked\n"
                              "Fox News,foxnews.com,left,AllSides,https://www.allsides.com/news-source/old,"
                              "2026-01-01\n", encoding="utf-8")
    assert main(["outlets", "check", f"{PUBLISHED / 'allsides.json'}=2025-09-11", "--table",
                 str(operator_table)]) == 1
    out = capsys.readouterr().out
    assert "AllSides: 1 of 2 cells agree, 1 differ, 1 cite another page" in out
    assert ("  - Fox News: bias 'left' here, 'lean_right' in the copy (read after the copy's date: "
            "a later re-rating?)") in out


@pytest.mark.parametrize(("content", "reason"), [
    (b"{oops", "not valid JSON"), (b"\x00\xff", "not UTF-8"), (b"a,b\n1,2\n", "not an AllSides table")])
def test_a_hostile_file_is_one_clear_line(operator_table: Path, tmp_path: Path, content: bytes, reason: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    for command in (["outlets", "import", str(bad)], ["outlets", "check", str(bad)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert reason in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert operator_table.read_text(encoding="utf-8") == ""  # nothing lost


def test_import_needs_somewhere_to_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OUTLETS_FILE", raising=False)
    assert main(["outlets", "import", str(PUBLISHED / "mbfc.json")]) == 2
    assert "OUTLETS_FILE" in capsys.readouterr().err


def test_an_operator_table_that_is_no_text_is_refused_and_kept(
        operator_table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    operator_table.write_bytes(b"name,domains\n\xff\xfe\n")
    assert main(["outlets", "import", str(PUBLISHED / "mbfc.json")]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert operator_table.read_bytes() == b"name,domains\n\xff\xfe\n"
