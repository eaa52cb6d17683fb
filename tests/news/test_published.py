"""Published ratings tables: the formats told apart, scales mapped, hostile files refused with a reason, and the
check and the import that use them (news.published, news.published_match, news.outlets_check, news.outlets_import).
Fixtures are small hand-written files in each format (tests/fixtures/published), with made-up ratings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from news.outlet_rows import format_outlets_csv
from news.outlets_check import check_table
from news.outlets_import import merge_published
from news.published import ALLSIDES, KAGI, MBFC, PublishedFormatError, read_published
from news.published_match import PublishedIndex
from news.sources import load_outlets, parse_outlets_csv
from news.types import Bias, Outlet, Provenance

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "published"


def _read(name: str) -> list:  # type: ignore[type-arg]
    return read_published((FIXTURES / name).read_bytes())


def test_an_mbfc_export_maps_to_our_scales_and_skips_what_it_cannot_place() -> None:
    entries = {e.domain: e for e in _read("mbfc.json")}
    assert {e.source for e in entries.values()} == {MBFC}
    assert (entries["reuters.com"].bias, entries["reuters.com"].factuality) == (Bias.CENTER, "very high")
    assert entries["foxnews.com"].bias is Bias.LEAN_LEFT  # left-center
    assert (entries["zebra-gazette.example"].bias, entries["zebra-gazette.example"].factuality) == (
        Bias.LEAN_RIGHT, "low")  # very low -> low
    assert entries["quack.example"].bias is None and entries["quack.example"].factuality == "low"
    broken = next(e for e in _read("mbfc.json") if e.name == "Broken")
    assert broken.domain == "" and broken.url == ""  # no site, and a javascript: page is no page


def test_allsides_json_and_csv_read_alike() -> None:
    by_json = {e.name: e for e in _read("allsides.json")}
    assert by_json["Reuters"].bias is Bias.CENTER and by_json["Reuters"].source == ALLSIDES
    assert by_json["Reuters"].url == "https://www.allsides.com/news-source/reuters"
    assert by_json["Mixed Bag"].bias is None  # AllSides "Mixed" is no point on the scale
    assert not by_json["Fox News (Opinion)"].front
    by_csv = {e.name: e for e in _read("allsides.csv")}
    assert by_csv["Reuters"] == by_json["Reuters"]
    assert by_csv["Zebra Gazette, Inc."].bias is Bias.LEAN_RIGHT


def test_a_table_without_site_addresses_matches_by_exact_name_only() -> None:
    entries = _read("allsides-r.csv")  # news_source,rating,...,url: AllSides' page, no site
    assert {(e.name, e.domain, e.bias) for e in entries} == {
        ("Reuters", "", Bias.CENTER), ("Fox News Digital", "", Bias.LEAN_RIGHT)}
    index = PublishedIndex(entries)
    found = index.match(Outlet("Reuters", ("reuters.com",)))
    assert found is not None and found.url == "https://www.allsides.com/news-source/reuters"
    assert index.match(Outlet("Fox News", ("foxnews.com",))) is None  # "Fox News Digital" is not its name


def test_media_data_gives_owners_per_domain() -> None:
    entries = _read("media_data.json")
    assert {(e.domain, e.owner) for e in entries} == {
        ("reuters.com", "Thomson Reuters"), ("zebra-gazette.example", "Zebra Holdings"),
        ("zebra.example", "Zebra Holdings")}
    assert {e.source for e in entries} == {KAGI}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\t", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b'{"sources": "nope"}', "not an MBFC export"),
        (b"[1, 2, 3]", "not an MBFC export"),
        (b"name,domains\nX,x.example\n", "not an AllSides table"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"allsides_media_bias_ratings": [{"publication": {"source_name": 5}}]}', "no entries"),
    ],
)
def test_hostile_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(PublishedFormatError, match=reason):
        read_published(data)


def test_oversized_files_are_refused_before_parsing() -> None:
    with pytest.raises(PublishedFormatError, match="larger than"):
        read_published(b" " * (64 * 1024 * 1024 + 1))


def test_matching_sets_aside_opinion_pages_and_refuses_to_guess() -> None:
    index = PublishedIndex(_read("allsides.json"))
    fox = index.match(Outlet("Fox News", ("foxnews.com",)))
    assert fox is not None and fox.name == "Fox News Digital"
    assert index.match(Outlet("Split", ("split.example",))) is None  # two entries, two ratings
    cited = index.match(Outlet("Fox News", ("foxnews.com",)), "https://www.allsides.com/news-source/fox-news-opinion")
    assert cited is not None and cited.bias is Bias.RIGHT  # the page a cell cites wins


def _outlet(bias: Bias | None, source: str, url: str, checked: str = "2025-01-01") -> Outlet:
    return Outlet("Fox News", ("foxnews.com",), "US", bias, bias_from=Provenance(source, url, checked))


def test_check_counts_agreement_and_lists_every_difference() -> None:
    copies = {ALLSIDES: (PublishedIndex(_read("allsides.json")), "2025-09-11"),
              MBFC: (PublishedIndex(_read("mbfc.json")), "2026-01-02")}
    rows = [
        _outlet(Bias.LEAN_RIGHT, "AllSides", "https://www.allsides.com/news-source/fox-news-media-bias"),
        Outlet("Reuters", ("reuters.com",), bias=Bias.LEFT,
               bias_from=Provenance("Media Bias/Fact Check", "https://mediabiasfactcheck.com/reuters-old/",
                                    "2026-05-01")),
        Outlet("Zebra", ("zebra-gazette.example",), bias=Bias.LEFT, bias_from=Provenance("AllSides")),
        Outlet("Unrated", ("split.example",)),
    ]
    allsides, mbfc = check_table(rows, copies)
    assert (allsides.agree, allsides.checked, allsides.missing) == (1, 1, 1)  # Zebra: not in the AllSides copy
    assert [d.describe() for d in mbfc.differences] == [
        "Reuters: bias 'left' here, 'center' in the copy (read after the copy's date: a later re-rating?)",
        "Reuters: page 'https://mediabiasfactcheck.com/reuters-old/' here, "
        "'https://mediabiasfactcheck.com/reuters/' in the copy",
    ]
    assert mbfc.unrated_here == 3  # MBFC's copy has a factuality for each of the three; none here


def test_the_bundled_table_agrees_with_itself_read_as_a_copy() -> None:
    bundled = list(load_outlets())
    copy = [{"publication": {"source_name": o.name, "media_bias_rating": o.bias.value.replace("_", " "),
                             "source_url": f"https://{o.domains[0]}/", "allsides_url": o.bias_from.url}}
            for o in bundled if o.bias and o.bias_from]
    entries = read_published(json.dumps({"allsides_media_bias_ratings": copy}).encode())
    (agreement,) = check_table(bundled, {ALLSIDES: (PublishedIndex(entries), "")})
    assert agreement.checked == len(copy) >= 100 and not agreement.differences


def test_import_fills_empty_cells_keeps_what_differs_and_adds_new_outlets() -> None:
    directory = load_outlets()
    result = merge_published(directory, [], _read("mbfc.json"), "2026-01-02")
    assert "Reuters: factuality very high" in result.filled
    assert any(c.startswith("Fox News: bias kept 'right'") for c in result.conflicts)
    assert not result.changed
    assert result.added == ["Zebra Gazette", "Quack Cures"]
    rows = {o.name: o for o in result.rows}
    reuters = rows["Reuters"]
    assert reuters.bias is Bias.CENTER and reuters.bias_from is not None and reuters.bias_from.source == "AllSides"
    assert reuters.factuality_from == Provenance(MBFC, "https://mediabiasfactcheck.com/reuters/", "2026-01-02")
    assert rows["Fox News"].factuality == "mixed" and rows["Fox News"].bias is Bias.RIGHT
    assert "Google News" not in rows  # an aggregator stays unrated
    # what it writes loads, and a second import of the same file changes nothing
    written = parse_outlets_csv(format_outlets_csv(result.rows), "ops.csv")
    assert {o.name: o for o in written}["Reuters"].factuality_from == reuters.factuality_from
    merged = directory.with_overrides(written)
    again = merge_published(merged, written, _read("mbfc.json"), "2026-02-02")
    assert (again.filled, again.added, again.changed) == ([], [], [])
    assert [o.name for o in again.rows] == [o.name for o in written]


def test_import_replaces_only_when_asked_and_then_says_so() -> None:
    result = merge_published(load_outlets(), [], _read("mbfc.json"), "2026-01-02", replace=True, add_new=False)
    assert "Fox News: bias lean_left" in result.changed and not result.conflicts and not result.added
    assert {o.name: o for o in result.rows}["Fox News"].bias_from == Provenance(
        MBFC, "https://mediabiasfactcheck.com/fox-news/", "2026-01-02")


def test_import_names_an_added_outlet_apart_from_a_listed_one() -> None:
    entries = read_published(json.dumps({"sources": [
        {"domain": "other-reuters.example", "name": "Reuters", "url": "", "bias": "left", "reporting": ""}]}).encode())
    result = merge_published(load_outlets(), [], entries, "2026-01-02", dataset_url="https://example.org/data.json")
    (added,) = [o for o in result.rows if o.domains == ("other-reuters.example",)]
    assert added.name == "Reuters (other-reuters.example)"
    assert added.bias_from == Provenance(MBFC, "https://example.org/data.json", "2026-01-02")
