from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from news.outlet_rows import format_outlets_csv
from news.sources import (
    FACTUALITY_LEVELS,
    OutletDirectory,
    OutletFileError,
    bundled_outlets_text,
    domain_of,
    load_outlets,
    parse_outlets_csv,
)
from news.types import Bias, Outlet, Provenance

HEADER = "name,domains,country,bias,factuality,rating_source\n"
UCI_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "uci-dev.jsonl"  # ../shared


@pytest.fixture(scope="module")
def outlets() -> OutletDirectory:
    return load_outlets()


def test_bundled_table_is_large_and_valid(outlets: OutletDirectory) -> None:
    rows = parse_outlets_csv(bundled_outlets_text(), "bundled")
    assert len(rows) == len(outlets) >= 70
    for outlet in outlets:
        assert outlet.factuality is None or outlet.factuality in FACTUALITY_LEVELS
        for value, where in ((outlet.bias, outlet.bias_from), (outlet.factuality, outlet.factuality_from),
                             (outlet.owner, outlet.owner_from)):
            if value:  # every cell names its source, the exact page or dataset, and the date it was read
                assert where is not None and where.source and where.url.startswith("https://"), outlet.name
                assert len(where.checked_on) == 10, outlet.name


def test_bundled_table_is_written_as_the_import_writes_and_every_cited_page_is_the_raters() -> None:
    text = bundled_outlets_text()
    rows = parse_outlets_csv(text, "bundled")
    assert format_outlets_csv(rows) == text  # one canonical form: a rebuild or an import diff shows only changes
    for outlet in rows:
        if outlet.bias_from is not None:
            assert outlet.bias_from.source == "AllSides", outlet.name
            assert outlet.bias_from.url.startswith("https://www.allsides.com/news-source/"), outlet.name
        assert outlet.factuality is None  # MBFC's ratings are not bundled (NOTICE)
        assert not (outlet.aggregator and outlet.bias), outlet.name


def test_bundled_table_spans_the_spectrum_and_the_world(outlets: OutletDirectory) -> None:
    biases = Counter(outlet.bias for outlet in outlets if outlet.bias is not None)
    assert set(biases) == set(Bias)
    sides = Counter(bias.side for bias in biases.elements())
    assert sides["left"] >= 12
    assert sides["right"] >= 12
    countries = {outlet.country for outlet in outlets}
    assert {"US", "GB", "CA", "AU", "IN", "DE", "FR", "QA", "RU", "JP", "IL", "IE", "SG"} <= countries


def test_wire_services_are_listed(outlets: OutletDirectory) -> None:
    for name in ("Reuters", "Associated Press", "Agence France-Presse"):
        assert any(outlet.name == name for outlet in outlets), name


@pytest.mark.parametrize(
    ("domain", "name"),
    [
        ("feeds.bbci.co.uk", "BBC News"),
        ("www.bbc.com", "BBC News"),
        ("edition.cnn.com", "CNN"),
        ("RSS.CNN.COM", "CNN"),
        ("bbc.co.uk.", "BBC News"),
        ("in.reuters.com", "Reuters"),
        ("timesofindia.indiatimes.com", "The Times of India"),
        ("economictimes.indiatimes.com", "The Economic Times"),
        ("moxie.foxnews.com", "Fox News"),
        ("https://www.theguardian.com/world/rss", "The Guardian"),
    ],
)
def test_lookup_by_domain_covers_subdomains(outlets: OutletDirectory, domain: str, name: str) -> None:
    found = outlets.by_domain(domain)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize("domain", ["indiatimes.com", "notbbc.co.uk", "co.uk", "", "example.org"])
def test_lookup_misses(outlets: OutletDirectory, domain: str) -> None:
    assert outlets.by_domain(domain) is None


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.BBC.co.uk/news/world-1", "bbc.co.uk"),
        ("http://edition.cnn.com:8080/x", "edition.cnn.com"),
        ("https://www3.nhk.or.jp/news/", "www3.nhk.or.jp"),
        ("not a url", ""),
    ],
)
def test_domain_of(url: str, domain: str) -> None:
    assert domain_of(url) == domain


def test_frequent_benchmark_sources_resolve(outlets: OutletDirectory) -> None:
    if not UCI_DEV.exists():
        pytest.skip("benchmark data not present")
    hosts: Counter[str] = Counter()
    with UCI_DEV.open(encoding="utf-8") as fh:
        for line in fh:
            hosts[domain_of(json.loads(line)["url"])] += 1
    for host in (
        "reuters.com",
        "in.reuters.com",
        "bbc.co.uk",
        "dailymail.co.uk",
        "latimes.com",
        "online.wsj.com",
        "theguardian.com",
        "foxnews.com",
        "huffingtonpost.com",
        "forbes.com",
    ):
        assert hosts[host] > 0, host
        assert outlets.by_domain(host) is not None, host


def test_override_file_extends_and_wins_by_domain(tmp_path: Path) -> None:
    path = tmp_path / "outlets.csv"
    path.write_text(
        HEADER
        + "BBC World Service,bbc.com,GB,lean_left,,local editors\n"
        + "Local Gazette,gazette.example.com,US,,,\n"
        + "CNN,cnn.com cnn.it,US,center,,local editors\n",
        encoding="utf-8",
    )
    bundled = load_outlets()
    merged = load_outlets(path)
    assert len(merged) == len(bundled) + 2
    bbc_com = merged.by_domain("www.bbc.com")
    assert bbc_com is not None and bbc_com.name == "BBC World Service"
    bbc = merged.by_domain("feeds.bbci.co.uk")
    assert bbc is not None and bbc.name == "BBC News"
    assert "bbc.com" not in bbc.domains
    cnn = next(outlet for outlet in merged if outlet.name.casefold() == "cnn")
    assert cnn is not None and cnn.bias is Bias.CENTER and cnn.domains == ("cnn.com", "cnn.it")
    assert merged.by_domain("edition.cnn.com") == cnn
    assert merged.by_domain("news.gazette.example.com") is not None


def test_override_drops_an_outlet_left_without_domains() -> None:
    base = OutletDirectory([Outlet("A", ("a.com",)), Outlet("B", ("b.com",))])
    merged = base.with_overrides([Outlet("A2", ("a.com",))])
    assert [o.name for o in merged] == ["B", "A2"]


def test_directory_rejects_shared_domains() -> None:
    with pytest.raises(ValueError, match="both"):
        OutletDirectory([Outlet("A", ("a.com",)), Outlet("B", ("a.com",))])


@pytest.mark.parametrize(
    ("rows", "line", "needle"),
    [
        ("X,x.com,US,far_left,,src\n", 2, "bias 'far_left'"),
        ("X,x.com,US,,excellent,src\n", 2, "factuality 'excellent'"),
        ("X,x.com,USA,,,\n", 2, "ISO 3166-1"),
        ("X,https://x.com/,US,,,\n", 2, "not a domain"),
        ("X,,US,,,\n", 2, "at least one domain"),
        (",x.com,US,,,\n", 2, "name is empty"),
        ("X,x.com,US,left,,\n", 2, "needs a bias_source (or a rating_source)"),
        ("X,x.com,US,,,\nY,y.com,US,,,\nx,z.com,US,,,\n", 4, "already listed on line 2"),
        ("X,x.com,US,,,\nY,y.com x.com,US,,,\n", 3, "domain 'x.com' was already listed"),
        ("X,x.com,US,,,,extra\n", 2, "expected 6 fields"),
        ("X,x.com\n", 2, "expected 6 fields"),
    ],
)
def test_invalid_rows_name_file_and_line(rows: str, line: int, needle: str) -> None:
    with pytest.raises(OutletFileError) as info:
        parse_outlets_csv(HEADER + rows, "ops.csv")
    assert info.value.line == line
    assert str(info.value).startswith(f"ops.csv, line {line}: ")
    assert needle in str(info.value)


def test_missing_column_is_reported_on_line_one() -> None:
    with pytest.raises(OutletFileError, match=r"ops.csv, line 1: missing column\(s\) domains"):
        parse_outlets_csv("name,country,bias,factuality\nX,US,,\n", "ops.csv")


def test_override_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + "X,x.com,US,centre,,src\n", encoding="utf-8")
    with pytest.raises(OutletFileError, match=r"mine\.csv, line 2: bias 'centre'"):
        load_outlets(path)


def test_an_override_file_that_is_no_text_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_bytes(b"name,domains\nX,x.com\n\xff\xfe")
    with pytest.raises(OutletFileError, match=r"mine\.csv, line 1: not UTF-8 text"):
        load_outlets(path)


def test_parse_tolerates_bom_quotes_and_www() -> None:
    text = (
        "\ufeff" + HEADER + '"Smith, Jones & Co",WWW.Smith.example.com,gb,Lean_Right,Mostly  Factual,"a, b"\n'
    )
    (outlet,) = parse_outlets_csv(text)
    assert outlet == Outlet(
        "Smith, Jones & Co", ("smith.example.com",), "GB", Bias.LEAN_RIGHT, "mostly factual", "a, b",
        bias_from=Provenance("a, b"), factuality_from=Provenance("a, b"),
    )


# Attribution: an article belongs to its feed's outlet; only an aggregator's items name their own.

def test_a_feed_is_its_own_outlet_whatever_it_links_to() -> None:
    outlets = load_outlets()
    fox = outlets.attribute("https://moxie.foxnews.com/world.xml", "", aggregator=False, claimed="reuters.com")
    assert (fox.key, fox.name) == ("foxnews.com", "Fox News")
    stranger = outlets.attribute("https://blog.example/feed", "A Blog", aggregator=False, claimed="apnews.com")
    assert (stranger.key, stranger.name, stranger.outlet) == ("blog.example/feed", "A Blog", None)
    untitled = outlets.attribute("http://127.0.0.1:8080/x.xml", "", aggregator=False, claimed="")
    assert (untitled.key, untitled.name) == ("127.0.0.1:8080/x.xml", "127.0.0.1")


def test_a_feed_calling_itself_after_an_outlet_says_where_it_is_from() -> None:
    credit = load_outlets().attribute("https://evil.example/rss", "  Reuters ", aggregator=False, claimed="")
    assert credit.name == "Reuters (evil.example)" and credit.outlet is None


def test_aggregators_name_the_outlet_of_each_item() -> None:
    outlets = load_outlets()
    google = outlets.attribute("https://news.google.com/rss?hl=en", "", aggregator=False, claimed="reuters.com")
    assert google.outlet is not None and google.outlet.name == "Reuters"  # marked in outlets.csv
    marked = outlets.attribute("http://127.0.0.1/planet.xml", "Planet", aggregator=True, claimed="unknown.example")
    assert (marked.key, marked.name, marked.outlet) == ("unknown.example", "unknown.example", None)
    own = outlets.attribute("https://news.google.com/rss", "", aggregator=False, claimed="")
    assert own.outlet is not None and own.outlet.name == "Google News"


def test_the_aggregator_column_is_optional_and_strict() -> None:
    header = "name,domains,country,bias,factuality,rating_source"
    assert not parse_outlets_csv(f"{header}\nX,x.example,,,,\n")[0].aggregator
    assert parse_outlets_csv(f"{header},aggregator\nX,x.example,,,,,true\n")[0].aggregator
    with pytest.raises(OutletFileError, match="aggregator"):
        parse_outlets_csv(f"{header},aggregator\nX,x.example,,,,,maybe\n")
