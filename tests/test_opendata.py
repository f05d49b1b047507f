"""Open data: every file read back by a real reader (jsonschema with format
checking, csv, bibtexparser, rispy, ElementTree, Chromium for briefs.js)
and compared with the brief pages the same build wrote, on the sample site
(for GitHub Pages) and on a small site whose front matter is all awkward
characters (from disk, and as a preview with drafts)."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import json
import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bs4 import BeautifulSoup
from conftest import Site
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from test_citations import latex_to_text

from briefs import opendata
from briefs.reading import body_text, reading_time, word_count
from briefs.schema import Brief
from policy_briefs import build as site_build

ATOM = "{http://www.w3.org/2005/Atom}"
FORMULA = '=HYPERLINK("https://evil.example","click"), 1+1'
TITLES = {
    "formula": FORMULA,
    "quotes": "He said \"no\" & she said 'yes', then {left}} 100% #1 _x_ $5 ~ ^ \\",
    "lines": "First line\nsecond line\u2028third, \u201ccurly\u201d",
    "plus": "+5% growth; -3% cost; @everyone",
    "script": "</script><script>alert(1)</script> Ünïcödé 北極",
}


# Small pure pieces --------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ("<p>One two</p><p>three</p>", 3),
        ("<p>U.S.-North Korea — talks</p>", 3),
        ("<ul><li>a</li><li>b</li></ul><p>&amp; — •</p>", 2),
        ("", 0),
        ("snake_case _ __ 3.5% ½ Ⅻ ٣ 你好 —x— a\u00a0b c\u2003d", 11),
    ],
)
def test_word_count_of_rendered_body(html, words):
    assert word_count(body_text(html)) == words


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        ("人口減少を前提にした地域政策", "ja", 6),  # 14 characters
        ("2030年までに GDP を", "ja", 4),  # 2030, GDP and 5 characters
        ("人口減少", "", 1),  # in an English brief: one run
        ("인구 감소 대책", "ko", 3),  # Korean puts spaces between words
    ],
)
def test_japanese_and_chinese_are_counted_by_their_characters(text, language, words):
    assert word_count(text, language) == words


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (1000, 5)]
)
def test_reading_time_rounds_up_at_200_a_minute(words, minutes):
    assert reading_time(words) == minutes


def brief(slug: str, day: int, series: str | None = "S", status="published"):
    return Brief(
        source=f"{slug}.md",
        slug=slug,
        title=slug,
        authors=("A B",),
        regions=("Europe",),
        date=datetime(2024, 1, day, tzinfo=UTC),
        body="",
        series=series,
        status=status,
    )


def test_series_parts_in_date_order_without_drafts():
    briefs = [
        brief("third", 9),
        brief("draft", 5, status="draft"),
        brief("first", 1),
        brief("second-b", 3),
        brief("second-a", 3),
        brief("alone", 2, series="T"),
        brief("none", 4, series=None),
    ]
    assert opendata.series_parts(briefs) == {
        "first": 1,
        "second-a": 2,
        "second-b": 3,
        "third": 4,
        "alone": 1,
    }


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_spreadsheet_formulas_are_defused(start):
    assert opendata.spreadsheet_safe(start + "1+1") == "'" + start + "1+1"
    assert opendata.spreadsheet_safe("a" + start) == "a" + start


@pytest.mark.parametrize(
    "title",
    [
        "Plain",
        "Caf\u00e9",
        "Tab\there",
        "DEL\x7fhere",
        "Bell\x07",
        "\U0001f30d",
        "\u2028",
    ],
)
def test_the_ascii_json_is_what_json_writes_with_ascii_escapes(title):
    """briefs.js's records reuse the plain JSON text when escaping would
    change nothing: compared with json.dumps's own ASCII output."""
    record = dataclasses.replace(brief("b1", 1), title=title)
    entry = opendata.make_entry(
        record,
        "briefs/b1.html",
        1,
        authors=[opendata.AuthorRef("A B", "a-b", "authors/a-b.html")],
        regions=[opendata.RegionRef("Europe", "europe", "regions/europe.html")],
        topics=[],
        series_part=1,
    )
    texts = opendata.entry_texts(entry, "S", None)
    plain = json.dumps(opendata._brief_json(entry, None), ensure_ascii=True, indent=2)
    assert texts.ascii_json == plain.replace("\n", "\n    ")
    assert texts.ascii_json.isascii()
    assert json.loads(texts.ascii_json)["title"] == title


def test_same_entries_in_any_order_give_the_same_bytes():
    entries = [
        opendata.make_entry(
            brief(f"b{day}", day),
            f"briefs/b{day}.html",
            1,
            authors=[opendata.AuthorRef("A B", "a-b", "authors/a-b.html")],
            regions=[opendata.RegionRef("Europe", "europe", "regions/europe.html")],
            topics=[],
            series_part=day,
        )
        for day in range(1, 9)
    ]
    region = opendata.RegionRef("Europe", "europe", "regions/europe.html")

    def files(items):
        return opendata.catalogue_files(
            items, site_name="S", public_url=None, regions=[region], feeds=[]
        )

    shuffled = entries[:]
    random.Random(4).shuffle(shuffled)
    assert files(entries) == files(shuffled)
    slugs = [
        b["slug"] for b in json.loads(files(entries)["data/briefs.json"])["briefs"]
    ]
    assert slugs == [f"b{day}" for day in range(8, 0, -1)]


# Builds -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_production) -> Path:
    """The project's sample site, built for GitHub Pages (links checked)."""
    return sample_production


def awkward_content(root: Path) -> Site:
    site = Site(root)
    (site.content / "images").mkdir()
    (site.content / "images" / "map one.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"/>', "utf-8"
    )
    site.registry(
        "authors.yml",
        [
            {"name": "Yuki Tatsumi", "role": 'Fellow, "Asia" & {Pacific}'},
            {"name": "Nguyen Thi Lan", "family": "Nguyen", "given": "Thi Lan"},
            {"name": "Søren Kjærgaard", "bio": "Writes *a lot*, 100%."},
        ],
    )
    series = 'Series, "quoted" & {braced}'
    for day, (name, title) in enumerate(TITLES.items(), start=1):
        site.brief(
            name,
            title=title,
            summary=f"{title}; a summary,\nover lines",
            author=["Nguyen Thi Lan", "Yuki Tatsumi", "=Guest, Jr."][: 1 + day % 3],
            region=["Middle East & North Africa", "Northeast Asia"][: 1 + day % 2],
            tags=["C++ & Rust", "50% {braces}"][: day % 3],
            date=f"2024-03-{day:02d}",
            series=series if day % 2 else None,
            body=f"Body of {name}, with *five* more words here.",
        )
    site.brief(
        "pictured",
        title="Pictured",
        author="Søren Kjærgaard",
        date="2023-12-31",
        updated="2024-01-02T10:00:00+09:00",
        image="images/map one.svg",
        image_alt='A map, "one"',
        image_credit="Policy & Co",
        doi="10.5555/pb.0002",
        series=series,
    )
    site.brief(
        "secret-draft",
        title="Secret Draft Title",
        author="Hidden Person",
        region="Europe",
        tags=["Hidden Topic"],
        date="2024-03-02T12:00:00",
        series=series,
        status="draft",
    )
    return site


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> Path:
    site = awkward_content(tmp_path_factory.mktemp("awkward"))
    site.build()
    return site.output


@pytest.fixture(scope="module")
def awkward_preview(tmp_path_factory) -> Path:
    """The same site as the live preview builds it: drafts shown."""
    site = awkward_content(tmp_path_factory.mktemp("awkward-preview"))
    settings = site_build.load_settings(site.content, site.output)
    site.build(BRIEFS={**settings["BRIEFS"], "show_drafts": True})
    return site.output


@pytest.fixture(params=["sample", "awkward"])
def built(request) -> Path:
    return request.getfixturevalue(request.param)


def catalogue(output: Path) -> dict:
    return json.loads((output / "data" / "briefs.json").read_text("utf-8"))


def page(output: Path, relative: str) -> BeautifulSoup:
    return BeautifulSoup((output / relative).read_text("utf-8"), "html.parser")


def validator(output: Path, definition: str | None = None) -> Draft202012Validator:
    schema = json.loads((output / "data" / "schema.json").read_text("utf-8"))
    if definition:
        schema = {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


# JSON and its schema ------------------------------------------------------


def test_format_checking_is_really_on():
    """jsonschema skips a format silently when its checker is not installed."""
    checkers = FormatChecker().checkers
    assert {"date-time", "uri", "uri-reference"} <= set(checkers)


def test_briefs_json_is_valid(built):
    data = catalogue(built)
    Draft202012Validator.check_schema(validator(built).schema)
    validator(built).validate(data)
    assert data["count"] == len(data["briefs"]) > 0


def test_region_and_author_files_are_valid(built):
    data = built / "data"
    validator(built, "regions_index").validate(
        json.loads(data.joinpath("regions.json").read_text("utf-8"))
    )
    validator(built, "authors_index").validate(
        json.loads(data.joinpath("authors.json").read_text("utf-8"))
    )
    for kind, definition in (("regions", "region_file"), ("authors", "author_file")):
        files = sorted((data / kind).glob("*.json"))
        assert files
        for path in files:
            validator(built, definition).validate(json.loads(path.read_text("utf-8")))


MANGLED = [
    ("missing title", lambda b: b.pop("title")),
    ("unknown key", lambda b: b.update(score=1)),
    ("date not ISO 8601", lambda b: b.update(date="20/03/2019")),
    ("impossible date", lambda b: b.update(date="2019-02-30T00:00:00+00:00")),
    ("date without time", lambda b: b.update(updated="2019-03-20")),
    ("root-absolute url", lambda b: b.update(url="/briefs/x.html")),
    ("script url", lambda b: b.update(url="javascript:alert(1)")),
    ("relative absolute_url", lambda b: b.update(absolute_url="briefs/x.html")),
    ("bad slug", lambda b: b.update(slug="Not A Slug")),
    ("no authors", lambda b: b.update(authors=[])),
    ("author without role", lambda b: b["authors"][0].pop("role")),
    ("zero reading time", lambda b: b.update(reading_time=0)),
    ("words as text", lambda b: b.update(word_count="500")),
    ("series part zero", lambda b: b.update(series={"name": "S", "part": 0})),
    ("pdf not a pdf", lambda b: b.update(pdf_url="briefs/x.html")),
    ("bad doi", lambda b: b.update(doi="doi:10.1/x")),
]


@pytest.mark.parametrize(
    "mangle", [m for _, m in MANGLED], ids=[name for name, _ in MANGLED]
)
def test_a_mangled_entry_fails_the_schema(sample, mangle):
    data = catalogue(sample)
    entry = copy.deepcopy(data["briefs"][0])
    mangle(entry)
    data["briefs"][0] = entry
    with pytest.raises(ValidationError):
        validator(sample).validate(data)


def test_catalogue_matches_the_brief_pages(built):
    data = catalogue(built)
    pages = sorted(p.relative_to(built).as_posix() for p in built.glob("briefs/*.html"))
    assert sorted(b["url"] for b in data["briefs"]) == pages
    dates = [b["date"] for b in data["briefs"]]
    assert dates == sorted(dates, reverse=True)
    public = data["site"]["url"]
    for entry in data["briefs"]:
        html = page(built, entry["url"])
        main = html.find("main")
        assert main.find("h1").get_text() == entry["title"]
        byline = main.find(class_="byline__names")
        assert [a.get_text() for a in byline.find_all("a")] == [
            a["name"] for a in entry["authors"]
        ]
        assert [a["href"] for a in byline.find_all("a")] == [
            "../" + a["url"] for a in entry["authors"]
        ]
        kicker = main.find(class_="kicker")
        assert [a.get_text() for a in kicker.find_all("a")] == [
            r["name"] for r in entry["regions"]
        ]
        topics = main.find(class_="topics")
        names = [a.get_text() for a in topics.find_all("a")] if topics else []
        assert names == [t["name"] for t in entry["topics"]]
        assert main.find("time")["datetime"] == entry["date"]
        body = main.find(class_="brief__body")
        words = word_count(body.get_text(" "), body.get("lang", ""))
        assert entry["word_count"] == words
        assert entry["reading_time"] == reading_time(words)
        for key in ("bibtex_url", "ris_url"):
            assert (built / entry[key]).is_file()
            assert html.find("a", href="../" + entry[key])
        if public:
            assert entry["absolute_url"] == f"{public}/{entry['url']}"
            canonical = html.find("link", rel="canonical")["href"]
            assert canonical == entry["absolute_url"]
        else:
            assert entry["absolute_url"] is None
        if entry["image"]:
            img = main.find("figure").find("img")
            assert img["alt"] == entry["image"]["alt"]
            assert (built / entry["image"]["url"].replace("%20", " ")).is_file()


def test_awkward_values_survive_exactly(awkward):
    data = catalogue(awkward)
    by_slug = {b["slug"]: b for b in data["briefs"]}
    assert by_slug["quotes"]["title"] == TITLES["quotes"]
    assert (
        by_slug["lines"]["title"] == "First line second line third, \u201ccurly\u201d"
    )
    assert by_slug["formula"]["title"] == FORMULA  # JSON is data: no guard
    pictured = by_slug["pictured"]
    assert pictured["image"] == {
        "url": "images/map%20one.svg",
        "alt": 'A map, "one"',
        "credit": "Policy & Co",
    }
    assert pictured["updated"] == "2024-01-02T10:00:00+09:00"
    assert pictured["doi"] == "10.5555/pb.0002"
    parts = {slug: b["series"]["part"] for slug, b in by_slug.items() if b["series"]}
    # The draft (2 March) is not counted: pictured, formula, lines, script.
    assert parts == {"pictured": 1, "formula": 2, "lines": 3, "script": 4}
    assert by_slug["quotes"]["authors"][1]["role"] == 'Fellow, "Asia" & {Pacific}'


def test_region_and_author_files_list_their_briefs(built):
    data = catalogue(built)
    regions = json.loads((built / "data" / "regions.json").read_text("utf-8"))
    for region in regions["regions"]:
        own = [
            b["slug"]
            for b in data["briefs"]
            if region["slug"] in {r["slug"] for r in b["regions"]}
        ]
        file = json.loads((built / region["data_url"]).read_text("utf-8"))
        assert [b["slug"] for b in file["briefs"]] == own
        assert region["count"] == file["count"] == len(own)
        assert (built / region["url"]).is_file()
        if own:
            assert (built / region["feed_url"]).is_file()
        else:
            assert region["feed_url"] is None
    authors = json.loads((built / "data" / "authors.json").read_text("utf-8"))
    index = page(built, "authors/index.html").find("main")
    pages = {f"authors/{a['href']}" for a in index.find_all("a", href=True)}
    assert {p for p in pages if "../" not in p} == {
        a["url"] for a in authors["authors"]
    }
    for author in authors["authors"]:
        own = [
            b["slug"]
            for b in data["briefs"]
            if author["slug"] in {a["slug"] for a in b["authors"]}
        ]
        file = json.loads((built / author["data_url"]).read_text("utf-8"))
        assert [b["slug"] for b in file["briefs"]] == own
        assert (built / author["feed_url"]).is_file()


def test_registry_names_in_the_author_files(awkward):
    nguyen = json.loads(
        (awkward / "data/authors/nguyen-thi-lan.json").read_text("utf-8")
    )
    assert (nguyen["family"], nguyen["given"], nguyen["listed"]) == (
        "Nguyen",
        "Thi Lan",
        True,
    )
    guest = json.loads((awkward / "data/authors/guest-jr.json").read_text("utf-8"))
    assert (guest["name"], guest["family"], guest["given"]) == (
        "=Guest, Jr.",
        "Jr.",
        "=Guest,",
    )
    assert guest["listed"] is False and guest["bio"] is None


# The other formats ----------------------------------------------------------


def csv_rows(output: Path) -> list[dict]:
    raw = (output / "data" / "briefs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_brief_in_the_same_order(built):
    data = catalogue(built)
    rows = csv_rows(built)
    assert list(rows[0]) == list(opendata.CSV_COLUMNS)
    assert [r["slug"] for r in rows] == [b["slug"] for b in data["briefs"]]
    for row, entry in zip(rows, data["briefs"], strict=True):
        assert opendata.spreadsheet_safe(entry["title"]) == row["title"]
        assert row["authors"] == "; ".join(a["name"] for a in entry["authors"])
        assert row["regions"] == "; ".join(r["name"] for r in entry["regions"])
        assert row["date"] == entry["date"]
        assert row["url"] == entry["url"]
        assert int(row["word_count"]) == entry["word_count"]
        assert row["absolute_url"] == (entry["absolute_url"] or "")


def test_csv_defuses_formulas_and_keeps_the_rest(awkward):
    rows = {r["slug"]: r for r in csv_rows(awkward)}
    assert rows["formula"]["title"] == "'" + FORMULA
    assert rows["plus"]["title"] == "'" + TITLES["plus"]
    assert rows["quotes"]["title"] == TITLES["quotes"]
    assert rows["quotes"]["authors"] == "Nguyen Thi Lan; Yuki Tatsumi; =Guest, Jr."
    assert rows["pictured"]["series"] == 'Series, "quoted" & {braced}'
    for row in rows.values():
        cells = [v for v in row.values() if v]
        assert not any(v.startswith(("=", "+", "-", "@")) for v in cells), row


def test_bulk_bibtex_has_every_brief_and_author(built):
    data = catalogue(built)
    library = bibtexparser.parse_string(
        (built / "data" / "briefs.bib").read_text("utf-8"),
        append_middleware=[SeparateCoAuthors(), SplitNameParts()],
    )
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [b["slug"] for b in data["briefs"]]
    for entry, brief in zip(library.entries, data["briefs"], strict=True):
        assert latex_to_text(entry["title"]) == brief["title"]
        assert len(entry["author"]) == len(brief["authors"])
        single = (built / brief["bibtex_url"]).read_text("utf-8")
        assert single in (built / "data" / "briefs.bib").read_text("utf-8")


def test_bulk_ris_has_every_brief_and_author(built):
    data = catalogue(built)
    records = rispy.loads((built / "data" / "briefs.ris").read_text("utf-8"))
    assert [r["title"] for r in records] == [b["title"] for b in data["briefs"]]
    for record, brief in zip(records, data["briefs"], strict=True):
        assert len(record["authors"]) == len(brief["authors"])
        assert record.get("urls") == (
            [brief["absolute_url"]] if brief["absolute_url"] else None
        )


def feed_titles(output: Path) -> dict[str, str]:
    """Every feed file written, relative to feeds/, with its <title>; not the
    copies kept at a renamed region's or author's old feed address (their
    self link names the feed they copy, the one to subscribe to)."""
    titles = {}
    for path in (output / "feeds").rglob("*.atom.xml"):
        feed = ET.parse(path)
        relative = path.relative_to(output / "feeds").as_posix()
        selfs = [
            link.get("href")
            for link in feed.iter(f"{ATOM}link")
            if link.get("rel") == "self"
        ]
        if all(href.endswith(relative) for href in selfs):
            titles[relative] = feed.find(f"{ATOM}title").text
    return titles


def test_opml_lists_every_feed_the_site_writes(built):
    root = ET.parse(built / "feeds" / "index.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    feeds = [o for o in root.iter("outline") if o.get("xmlUrl")]
    public = catalogue(built)["site"]["url"]
    prefix = f"{public}/feeds/" if public else ""
    listed = {o.get("xmlUrl").removeprefix(prefix): o.get("title") for o in feeds}
    assert listed == feed_titles(built)
    assert len(feeds) == len(listed)  # none twice
    for outline in feeds:
        assert outline.get("type") == "rss"
        html_url = outline.get("htmlUrl")
        target = html_url.removeprefix(f"{public}/") if public else f"feeds/{html_url}"
        assert (built / target).resolve().is_file(), html_url
    groups = [o.get("text") for o in root.find("body") if not o.get("xmlUrl")]
    assert groups == ["Regions", "Authors", "Topics"]


@pytest.mark.parametrize("page", ["index.html", "archives.html", "regions/index.html"])
def test_every_page_links_the_opml_file_beside_the_site_feed(built, page):
    """Written, but once linked from nowhere: the footer's Follow column."""
    footer = BeautifulSoup((built / page).read_text("utf-8"), "html.parser").find(
        "footer"
    )
    follow = [a["href"] for a in footer.find("h2", string="Follow").parent("a")]
    base = (built / page).parent
    assert [(base / href).resolve() for href in follow] == [
        (built / "feeds" / "all.atom.xml").resolve(),
        (built / "feeds" / "index.opml").resolve(),
    ]
    opml = footer.find("a", href=lambda href: href.endswith("index.opml"))
    assert opml["type"] == "text/x-opml"


# Drafts, determinism, file:// ------------------------------------------------


@pytest.mark.parametrize("output", ["awkward", "awkward_preview"])
def test_drafts_appear_in_no_data_file(request, output):
    built = request.getfixturevalue(output)
    for path in [*(built / "data").rglob("*"), built / "feeds" / "index.opml"]:
        if path.is_file():
            text = path.read_bytes().decode("utf-8")
            for trace in (
                "secret-draft",
                "Secret Draft",
                "Hidden Person",
                "hidden-topic",
            ):
                assert trace not in text, (path, trace)
    assert not (built / "data" / "authors" / "hidden-person.json").exists()
    europe = json.loads((built / "data" / "regions" / "europe.json").read_text("utf-8"))
    assert europe["briefs"] == [] and europe["feed_url"] is None


def test_preview_writes_the_drafts_page_but_the_same_data(awkward, awkward_preview):
    assert (awkward_preview / "briefs" / "secret-draft.html").is_file()
    assert (awkward_preview / "briefs" / "secret-draft.bib").is_file()
    for path in sorted((awkward / "data").rglob("*.*")):
        relative = path.relative_to(awkward)
        assert (awkward_preview / relative).read_bytes() == path.read_bytes(), relative


@pytest.mark.browser
def test_briefs_js_sets_one_global_from_disk(awkward, browser, tmp_path):
    script = (awkward / "data" / "briefs.js").as_uri()
    # No charset: the script is decoded as windows-1252, so it must be ASCII.
    host = tmp_path / "consumer.html"
    host.write_text(
        f'<!DOCTYPE html><title>t</title><script src="{script}"></script>', "utf-8"
    )
    page = browser.new_page()
    try:
        page.goto(host.as_uri())
        loaded = page.evaluate("() => globalThis.policyBriefs")
        own = page.evaluate(
            "() => Object.keys(window).filter((k) => k.startsWith('policy'))"
        )
    finally:
        page.close()
    assert loaded == catalogue(awkward)
    assert own == ["policyBriefs"]
