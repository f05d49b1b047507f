"""What readers get that automated checkers (tests/test_quality.py) pass
over: nothing scrolls sideways on a 320 px screen whatever the text, a
focused link is dark on yellow in both colour schemes, printing hides the
controls and keeps the print palette, a brief in another language has
its words marked so wherever they appear, a table is a tab stop only while
it scrolls, and the archives' years stand apart from their counts."""

from __future__ import annotations

import pytest
from conftest import Site

LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitaen" * 7  # 301 letters
LONG_URL = "https://example.org/" + "report-" * 30 + "final.pdf"
JAPANESE_BODY = "\n\n".join(
    f"## 第{n}節\n\n人口減少を前提にした地域政策への転換が求められている。" * 3
    for n in range(1, 4)
)
NARROW = 320  # px: WCAG 1.4.10's reflow width
# A table that fits a phone, and one wider than a phone's page but not a
# desktop's.
TABLES = (
    "## Small\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
    "## Budgets by year\n\n"
    "| FY2019-20 | FY2020-21 | FY2021-22 | FY2022-23 | FY2023-24 |\n"
    "|---|---|---|---|---|\n"
    "| 12,345.6 | 12,345.6 | 12,345.6 | 12,345.6 | 12,345.6 |\n"
)


@pytest.fixture(scope="module")
def stressed(tmp_path_factory) -> Site:
    """A title of one 301-letter word, addresses as text in a summary and a
    key point, a Japanese series of two parts, one with an alias, and two
    tables."""
    site = Site(tmp_path_factory.mktemp("stressed"))
    site.brief(
        "long-title",
        title=LONG_WORD,
        summary=f"See {LONG_URL} for the figures.",
        key_points=[f"The report: {LONG_URL}"],
        tags=["Trade"],
        date="2024-05-01",
    )
    site.brief(
        "neighbour",
        title="A Neighbour",
        author=["Yuki Tatsumi", "Søren Kjærgaard"],
        tags=["Trade"],
        date="2024-04-01",
        updated="2024-05-03",
    )
    site.brief(
        "nihongo-1",
        title="地方創生の次の十年",
        summary="人口減少を前提にした地域政策へ。",
        series="地域",
        aliases=["briefs/old-nihongo.html"],
        body=JAPANESE_BODY,
        date="2024-02-01",
    )
    site.brief(
        "nihongo-2",
        title="地方創生の第二部",
        series="地域",
        body=JAPANESE_BODY,
        date="2024-03-01",
    )
    site.brief(
        "tables",
        title="Two Tables",
        body=TABLES,
        date="2024-01-01",
    )
    site.build()
    return site


@pytest.mark.browser
@pytest.mark.parametrize(
    "page",
    [
        "briefs/long-title.html",
        "briefs/neighbour.html",
        "index.html",
        "regions/northeast-asia.html",
        "regions/index.html",
        "authors/index.html",
        "topics/trade.html",
        "archives.html",
        "search.html",
        "search.html?q=trade",
    ],
)
def test_nothing_scrolls_sideways_on_a_narrow_screen(tab, stressed, page):
    file, _, query = page.partition("?")
    tab.set_viewport_size({"width": NARROW, "height": 800})
    tab.goto((stressed.output / file).as_uri() + (f"?{query}" if query else ""))
    if query:
        tab.wait_for_selector("#pb\\:search-results .result")
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW, f"{page} is {width} px wide on a {NARROW} px screen"


@pytest.mark.browser
@pytest.mark.parametrize("width", [NARROW, 360, 390])
def test_a_name_or_an_update_is_never_split_across_lines(tab, stressed, width):
    """On a phone the byline wraps between its parts, not inside a name
    ("Søren / Kjærgaard") or an update ("Updated / 3 May 2024")."""
    tab.set_viewport_size({"width": width, "height": 800})
    tab.goto((stressed.output / "briefs" / "neighbour.html").as_uri())
    byline = tab.locator(".brief__meta .byline")
    lines = byline.locator(".byline__name, .byline__updated").evaluate_all(
        """units => units.map(unit => {
            const tops = new Set(), texts = document.createTreeWalker(unit, 4);
            while (texts.nextNode()) {
                const text = document.createRange();
                text.selectNodeContents(texts.currentNode);
                for (const box of text.getClientRects()) tops.add(Math.round(box.top));
            }
            return [unit.textContent, tops.size]; })"""
    )
    assert lines == [
        ["Yuki Tatsumi", 1],
        ["Søren Kjærgaard", 1],
        ["Updated 3 May 2024", 1],
    ]
    # (and the byline does wrap: else the test shows nothing)
    assert byline.evaluate(
        "p => p.offsetHeight >= 2 * parseFloat(getComputedStyle(p).lineHeight)"
    )


@pytest.mark.browser
def test_the_year_and_its_count_are_apart_in_the_archives(tab, stressed):
    """The year links are flex boxes, which dropped the space: "2024(5 briefs)"."""
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.goto((stressed.output / "archives.html").as_uri())
    apart = tab.locator(".year-nav a").first.evaluate(
        """a => { const words = document.createRange();
        words.selectNodeContents(a.firstChild);
        return a.querySelector(".count").getBoundingClientRect().left
            - words.getBoundingClientRect().right; }"""
    )
    assert apart >= 3


def table_boxes(tab) -> list[list]:
    return tab.locator('[data-pb="table-scroll"]').evaluate_all(
        "boxes => boxes.map(box => [box.getAttribute('tabindex'),"
        " box.getAttribute('role'), box.getAttribute('aria-label')])"
    )


@pytest.mark.browser
def test_a_table_is_a_focusable_region_only_while_it_scrolls(tab, stressed):
    """A table that fits gets no tab stop and no "(scrollable)" label; a
    wide one does, for as long as it is wider than the page."""
    scrolls = ["0", "region", "Table 2: Budgets by year (scrollable)"]
    tab.set_viewport_size({"width": NARROW, "height": 800})
    tab.goto((stressed.output / "briefs" / "tables.html").as_uri())
    assert table_boxes(tab) == [[None, None, None], scrolls]
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.wait_for_function(
        "!document.querySelectorAll('[data-pb=\"table-scroll\"]')[1]"
        ".hasAttribute('tabindex')"
    )
    assert table_boxes(tab) == [[None, None, None], [None, None, None]]
    tab.set_viewport_size({"width": NARROW, "height": 800})
    tab.wait_for_function(
        "document.querySelectorAll('[data-pb=\"table-scroll\"]')[1]"
        ".hasAttribute('tabindex')"
    )
    assert table_boxes(tab) == [[None, None, None], scrolls]


FOCUSED = (
    ".primary-nav a",
    ".byline a",
    ".kicker a",
    ".author-card__name a",
    ".mini-list__title a",
)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_focused_link_is_dark_on_yellow(tab, stressed, scheme):
    """Every component colours its links; focus must win over all of them."""
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.emulate_media(color_scheme=scheme)
    tab.goto((stressed.output / "briefs" / "neighbour.html").as_uri())
    tab.keyboard.press("Tab")  # from the keyboard: focus is shown from now on
    for selector in FOCUSED:
        link = tab.locator(selector).first
        link.focus()
        colours = link.evaluate(
            "a => [getComputedStyle(a).color, getComputedStyle(a).backgroundColor]"
        )
        assert colours == ["rgb(11, 12, 12)", "rgb(255, 221, 0)"], (selector, scheme)
    tab.emulate_media(color_scheme="light")


@pytest.mark.browser
def test_printing_hides_the_controls_and_keeps_the_print_palette(tab, stressed):
    """A browser in dark mode prints with the print palette: white text on
    black buttons, never the screen's dark ink on black."""
    tab.emulate_media(media="print", color_scheme="dark")
    tab.goto((stressed.output / "briefs" / "neighbour.html").as_uri())
    assert tab.locator(".site-search").is_hidden()
    assert tab.locator(".primary-nav").is_hidden()
    ink = tab.evaluate(
        "getComputedStyle(document.documentElement)"
        ".getPropertyValue('--color-accent-ink').trim()"
    )
    assert ink == "#ffffff"
    tab.emulate_media(media="screen", color_scheme="light")


def test_a_briefs_own_words_are_marked_in_its_language(stressed):
    """The contents, the title in each reference and in the series' links,
    and the alias's redirect page (the search results: below)."""
    first = stressed.html("briefs/nihongo-1.html")
    assert first.find(class_="contents__list")["lang"] == "ja"
    for reference in first.select(".cite__text"):
        assert reference.find("span", lang="ja").get_text() == "地方創生の次の十年"
    following = first.select_one(".series-nav__next a span[lang=ja]")
    assert following.get_text() == "地方創生の第二部"
    moved = stressed.html("briefs/old-nihongo.html")  # its own words: English
    assert (moved.html["lang"], moved.find("a")["lang"]) == ("en", "ja")
    english = stressed.html("briefs/neighbour.html")
    assert english.select(".cite__text span") == []  # the site's language


@pytest.mark.browser
def test_search_results_are_marked_in_their_briefs_language(tab, stressed):
    tab.goto((stressed.output / "search.html").as_uri() + "?q=地方創生")
    tab.wait_for_selector("#pb\\:search-results .result")
    marked = tab.locator("#pb\\:search-results .result__link").evaluate_all(
        "links => links.map(a => a.getAttribute('lang'))"
    )
    assert marked and set(marked) == {"ja"}
