"""Listing pages as readers use them: the featured brief and regions at a
glance on the home page, a region's and an author's overview (briefs per
year, experts, regions), the author's profile, archives by year, and the
`featured` field's validation. Parsed HTML of real builds."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from briefs import charts, listings, pages
from policy_briefs.build import BuildError, build, load_settings

SVG = "{http://www.w3.org/2000/svg}"


# charts.py -----------------------------------------------------------------


def test_per_year_fills_the_gaps_oldest_first():
    assert charts.per_year([2026, 2023, 2026, 2025]) == (
        (2023, 1),
        (2024, 0),
        (2025, 1),
        (2026, 2),
    )
    assert charts.per_year([]) == ()


def test_year_chart_draws_one_bar_per_year_with_a_brief():
    svg = charts.year_chart(
        ((2022, 4), (2023, 0), (2024, 2)), "Briefs on Europe per year", "t"
    )
    root = ET.fromstring(str(svg).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t"
    (title,) = root.findall(f"{SVG}title")
    assert title.get("id") == "t"
    assert title.text == (
        "Briefs on Europe per year: 2022: 4 briefs; 2023: 0 briefs; 2024: 2 briefs"
    )
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 2  # no bar for 2023
    heights = [float(bar.get("height")) for bar in bars]
    assert heights == [charts.PLOT, charts.PLOT / 2]
    baseline = charts.TOP + charts.PLOT
    assert all(float(b.get("y")) + float(b.get("height")) == baseline for b in bars)
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert texts == ["4", "2022", "0", "2023", "2", "2024"]
    # Colours come from the stylesheet (classes), never from the markup.
    assert "fill=" not in str(svg) and "style=" not in str(svg)


def test_year_chart_escapes_its_title():
    svg = charts.year_chart(((2024, 1),), "Briefs on <Middle East & Africa>", "t")
    assert "Briefs on &lt;Middle East &amp; Africa&gt;: 2024: 1 brief" in str(svg)
    assert charts.year_chart((), "Nothing", "t") == ""


# The sample site -------------------------------------------------------------


def main_of(site, relative):
    return site.html(relative).find("main")


def card_titles(element) -> list[str]:
    return [a.get_text(strip=True) for a in element.select(".card__title a")]


@pytest.fixture(scope="module")
def listed(module_site):
    """Five briefs over three years, two regions, three authors; the newest
    is a featured draft, an older one is featured; two pages per listing."""
    site = module_site
    site.image("images/yuki.png", (8, 8))
    site.registry(
        "authors.yml",
        [
            {
                "name": "Yuki Tatsumi",
                "role": "Senior Fellow",
                "affiliation": "Japan Desk",
                "bio": "Yuki **writes**.",
                "photo": "images/yuki.png",
                "links": {"Profile": "https://example.org/yuki"},
            },
            {"name": "Søren Kjærgaard", "role": "Fellow"},
        ],
    )
    yuki, guest = "Yuki Tatsumi", "Guest Writer"
    briefs = [
        ("draft-news", "2025-05-01", [yuki], "Europe", {"status": "draft"}),
        ("old-featured", "2022-01-10", ["Søren Kjærgaard"], "Europe", {}),
        ("mid", "2024-02-02", [yuki], "Northeast Asia", {}),
        ("newest", "2024-11-11", [yuki, guest], "Europe", {}),
        ("older", "2022-06-06", [yuki], "Northeast Asia", {}),
    ]
    for name, date, authors, region, more in briefs:
        site.brief(
            name,
            title=name.replace("-", " ").title(),
            date=date,
            author=authors,
            region=region,
            featured={"draft-news": True, "old-featured": True, "older": False}.get(
                name
            ),
            **more,
        )
    site.build(DEFAULT_PAGINATION=2)
    return site


def test_home_leads_with_the_newest_published_featured_brief(listed):
    main = main_of(listed, "index.html")
    featured = main.select_one(".home-featured")
    assert featured.find("h2").get_text(strip=True) == "Featured"
    assert card_titles(featured) == ["Old Featured"]
    assert featured.select_one(".card--lead") is not None
    latest = main.select_one(".home-latest")
    # Page 1's briefs (pagination 2: Newest, Mid), the featured one apart.
    assert card_titles(latest) == ["Newest", "Mid"]
    assert "Draft News" not in main.get_text()
    # Later pages list as before, with no featured brief.
    page_2 = main_of(listed, "index-2.html")
    assert card_titles(page_2) == ["Older", "Old Featured"]
    assert page_2.select_one(".home-featured") is None
    assert page_2.select_one(".regions-glance") is None


def test_regions_at_a_glance_count_and_link_every_region(listed):
    glance = main_of(listed, "index.html").select_one(".regions-glance")
    assert glance.find("h2").get_text(strip=True) == "Regions at a glance"
    rows = [
        (li.a["href"], li.a.get_text(strip=True), li.select_one(".count").text)
        for li in glance.find_all("li")
    ]
    assert rows == [
        ("regions/northeast-asia.html", "Northeast Asia", "2 briefs"),
        (
            "regions/middle-east-north-africa.html",
            "Middle East & North Africa",
            "0 briefs",
        ),
        ("regions/europe.html", "Europe", "2 briefs"),
    ]


def test_a_featured_draft_is_not_featured_in_the_preview(listed):
    preview = listed.root / "preview"
    settings = load_settings(listed.content, preview)
    build(
        listed.content,
        preview,
        BRIEFS={**settings["BRIEFS"], "show_drafts": True},
        PDF_EDITIONS="off",
        DEFAULT_PAGINATION=2,
        CACHE_PATH=str(listed.root.with_name(listed.root.name + "-cache")),
    )
    main = BeautifulSoup((preview / "index.html").read_text("utf-8"), "html.parser")
    assert card_titles(main.select_one(".home-featured")) == ["Old Featured"]
    # The draft is listed (the preview shows drafts), never featured.
    assert card_titles(main.select_one(".home-latest")) == ["Draft News", "Newest"]


def test_without_a_featured_brief_the_newest_leads(site):
    site.brief("first", title="First", date="2024-01-01")
    site.brief("second", title="Second", date="2024-02-01")
    site.build()
    main = main_of(site, "index.html")
    assert card_titles(main.select_one(".home-featured")) == ["Second"]
    assert card_titles(main.select_one(".home-latest")) == ["First"]


def chart_rows(main) -> list[tuple[str, str]]:
    table = main.select_one("details.year-table table")
    return [
        (row.th.get_text(strip=True), row.td.get_text(strip=True))
        for row in table.tbody.find_all("tr")
    ]


def counted(main, heading: str) -> list[tuple[str, str, str]]:
    """The overview's (link, name, count) rows, under `heading`."""
    items = main.select_one(".counted-list")
    assert items.find_previous("h2").get_text(strip=True) == heading
    return [
        (li.a["href"], li.a.text, li.select_one(".count").text)
        for li in items.find_all("li")
    ]


def test_region_page_has_a_chart_a_table_experts_and_its_feed(listed):
    main = main_of(listed, "regions/europe.html")
    svg = main.select_one("figure svg.year-chart")
    assert svg["role"] == "img"
    title = svg.find("title")
    assert svg["aria-labelledby"] == title["id"]
    assert title.text.startswith("Briefs on Europe per year: 2022: 1 brief;")
    assert len(svg.find_all("rect")) == 2  # 2022 and 2024 (the draft is not built)
    assert chart_rows(main) == [("2022", "1"), ("2023", "0"), ("2024", "1")]
    assert counted(main, "Experts") == [
        ("../authors/guest-writer.html", "Guest Writer", "1 brief"),
        ("../authors/soren-kjaergaard.html", "Søren Kjærgaard", "1 brief"),
        ("../authors/yuki-tatsumi.html", "Yuki Tatsumi", "1 brief"),
    ]
    assert main.select_one("a.feed-link")["href"] == "../feeds/regions/europe.atom.xml"


def test_the_overview_is_on_the_first_page_only(listed):
    first = main_of(listed, "authors/yuki-tatsumi.html")
    second = main_of(listed, "authors/yuki-tatsumi-2.html")
    assert first.select_one("svg.year-chart") is not None
    assert second.select_one("svg.year-chart") is None
    assert second.select_one(".counted-list") is None
    # Newest first across the pages.
    assert card_titles(first) + card_titles(second) == ["Newest", "Mid", "Older"]


def test_author_page_shows_profile_regions_and_chart(listed):
    main = main_of(listed, "authors/yuki-tatsumi.html")
    photo = main.select_one("img.profile__photo")
    assert photo["src"] == "../images/yuki.png"
    assert photo["alt"] == "Portrait of Yuki Tatsumi"
    assert (listed.output / "images" / "yuki.png").is_file()
    assert main.select_one(".profile__role").text == "Senior Fellow, Japan Desk"
    assert main.select_one(".page-header__intro strong").text == "writes"
    assert main.select_one(".link-list a")["href"] == "https://example.org/yuki"
    assert counted(main, "Regions written on") == [
        ("../regions/northeast-asia.html", "Northeast Asia", "2 briefs"),
        ("../regions/europe.html", "Europe", "1 brief"),
    ]
    assert chart_rows(main) == [("2022", "1"), ("2023", "0"), ("2024", "2")]


def test_a_guest_author_has_no_photo(listed):
    main = main_of(listed, "authors/guest-writer.html")
    assert main.select_one("img") is None
    assert main.select_one(".page-header__label").text == "Guest author"
    assert chart_rows(main) == [("2024", "1")]


def test_archives_group_by_year_with_counts_and_a_year_list(listed):
    main = main_of(listed, "archives.html")
    headings = [h2.get_text(" ", strip=True) for h2 in main.select(".archive-year h2")]
    assert headings == ["2024 (2 briefs)", "2022 (2 briefs)"]
    nav = main.select_one("nav.year-nav")
    assert nav["aria-label"] == "Years"
    links = [(a["href"], a.get_text(" ", strip=True)) for a in nav.find_all("a")]
    assert links == [
        ("#pb:archive-2024", "2024 (2 briefs)"),
        ("#pb:archive-2022", "2022 (2 briefs)"),
    ]
    for href, _ in links:
        assert main.find(id=href[1:]) is not None
    sections = main.select(".archive-year")
    assert [len(s.select(".archive-list li")) for s in sections] == [2, 2]


def test_featured_is_in_the_open_data(listed):
    data = json.loads((listed.output / "data" / "briefs.json").read_text("utf-8"))
    flags = {entry["slug"]: entry["featured"] for entry in data["briefs"]}
    assert flags == {
        "newest": False,
        "mid": False,
        "older": False,
        "old-featured": True,
    }


def test_featured_brief_picks_published_newest():
    class View:
        def __init__(self, name, featured, draft=False):
            self.name, self.is_draft = name, draft
            self.brief = type("B", (), {"featured": featured})

    views = [View("d", True, draft=True), View("a", False), View("b", True)]
    assert listings.featured_brief(views).name == "b"
    assert listings.featured_brief(views[:2]).name == "a"
    assert listings.featured_brief(views[:1]) is None


# The field -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("featured: yes", "'yes'"),
        ("featured: 1", "'1'"),
        ('featured: "true"', "the text 'true' in quotes"),
        ("featured: [true]", "a list"),
        ("featured:", "nothing"),
    ],
)
def test_featured_must_be_true_or_false(site, line, found):
    site.raw(
        "x",
        "---\ntitle: X\nauthor: Yuki Tatsumi\nregion: Europe\n"
        f"date: 2024-01-01\n{line}\n---\nBody.\n",
    )
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        f"content/briefs/2024/x.md: featured: expected true or false, found {found}"
    ]


@pytest.mark.parametrize("spelling", ["true", "True", "TRUE"])
def test_featured_spellings(site, spelling):
    site.brief("a", title="A", date="2024-05-05")
    site.raw(
        "b",
        "---\ntitle: B\nauthor: Yuki Tatsumi\nregion: Europe\n"
        f"date: 2024-01-01\nfeatured: {spelling}\n---\nBody.\n",
    )
    site.build()
    featured = main_of(site, "index.html").select_one(".home-featured")
    assert card_titles(featured) == ["B"]


def test_the_header_and_sidebar_show_the_first_regions_and_link_the_rest(site):
    """Past NAV_REGIONS regions, the header and the listings' sidebar show the
    first ones of regions.yml and a link to all of them; the index of regions
    and the home page's glance still name every one."""
    names = [f"Region {n:02d}" for n in range(pages.NAV_REGIONS + 6)]
    site.registry("regions.yml", [{"name": name} for name in names])
    site.brief("first", region="Region 00")
    site.brief("last", region=names[-1], date="2024-04-01")
    site.build()
    shown = names[: pages.NAV_REGIONS]

    def region_names(links) -> list[str]:
        return [a.get_text(strip=True) for a in links if "region-" in a["href"]]

    for page in ("briefs/first.html", "regions/region-29.html", "index.html"):
        nav = site.html(page).select_one("nav.region-nav")
        assert region_names(nav.select("a")) == shown
        last = nav.select("li")[-1].a
        assert " ".join(last.get_text().split()) == "All regions →"
        assert last["href"].endswith("regions/index.html")
    sidebar = site.html("index.html").select_one("aside.sidebar")
    regions = sidebar.select_one("[aria-labelledby='pb:sidebar-regions']")
    assert [a.span.get_text() for a in regions.select(".side-list a")] == shown
    assert regions.select_one(".sidebar__more a")["href"] == "regions/index.html"
    index = site.html("regions/index.html")
    assert index.select_one("nav.region-nav li:last-child a")["aria-current"] == "page"
    listed = index.find("main")
    assert all(listed.find(string=name) for name in names)
    glance = site.html("index.html").select_one(".regions-glance")
    assert len(glance.find_all("li")) == len(names)


def test_with_few_regions_the_header_links_no_index_of_regions(site):
    site.brief("first")
    site.build()
    nav = site.html("briefs/first.html").select_one("nav.region-nav")
    assert "All regions" not in nav.get_text()
    sidebar = site.html("index.html").select_one("aside.sidebar")
    assert "All regions" not in sidebar.get_text()
