"""The built site: every page type of the contract, asserted on parsed HTML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from conftest import Site

ATOM = "{http://www.w3.org/2005/Atom}"


def hrefs(soup, within=None) -> list[str]:
    scope = soup.find(within) if within else soup
    return [a["href"] for a in scope.find_all("a", href=True)]


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """Two regions, a co-authored multi-region brief, a guest and a draft,
    built once for the tests that read it."""
    site = Site(tmp_path_factory.mktemp("multi"))
    (site.content / "images").mkdir()
    (site.content / "images" / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"/>', "utf-8"
    )
    site.brief(
        "talks",
        title="North Korea Talks Stalemate: What Should Japan Do?",
        summary="The pause is an opportunity.",
        author=["Yuki Tatsumi", "Søren Kjærgaard"],
        region=["Northeast Asia", "Middle East & North Africa"],
        date="2019-03-20",
        updated="2019-03-22",
        tags=["North Korea", "Japan"],
        image="images/map.svg",
        image_alt="A map of the peninsula",
        image_credit="Policy Briefs",
        key_points=["Talks have stalled.", "Japan can lead."],
        body="Intro[^1].\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[^1]: A note.",
    )
    site.brief("older", title="An Older Brief", date="2018-01-01", tags=["Japan"])
    site.brief("guest", title="A Guest View", author="Maria Lopez", date="2020-05-05")
    site.brief("secret", title="Not Yet", status="draft", date="2021-01-01")
    site.build()
    return site


def test_brief_page_in_reference_order(multi):
    page = multi.html("briefs/talks.html")
    main = page.find("main")
    text = main.get_text(" ", strip=True)
    h1 = main.find("h1")
    assert (
        h1.get_text(strip=True) == "North Korea Talks Stalemate: What Should Japan Do?"
    )
    order = [
        main.find("a", href="../regions/northeast-asia.html"),
        h1,
        main.find(string=lambda s: "The pause is an opportunity." in s),
        main.find("img", src="../images/map.svg"),
        main.find("a", href="../authors/yuki-tatsumi.html"),
        main.find(string=lambda s: "Talks have stalled." in s),
        main.find("div", class_="footnote"),
        main.find(string=lambda s: "The Authors" in s),
        main.find(string=lambda s: "Related briefs" in s),
    ]
    assert all(order), order
    html = main.decode()
    positions = [html.index(str(element).strip()) for element in order]
    assert positions == sorted(positions)
    assert main.find("img", src="../images/map.svg")["alt"] == "A map of the peninsula"
    assert "Policy Briefs" in main.find("figure").get_text()
    assert main.find("a", href="../regions/middle-east-north-africa.html")
    assert main.find("a", href="../authors/soren-kjaergaard.html")
    assert main.find("table")
    times = {t["datetime"][:10] for t in main.find_all("time")}
    assert {"2019-03-20", "2019-03-22"} <= times
    assert "Senior Fellow" in text and "writes" in text
    assert "../briefs/older.html" in hrefs(main)
    assert "../topics/japan.html" in hrefs(main)


def test_region_pages_and_index(multi):
    index = multi.html("regions/index.html")
    main = index.find("main")
    assert "northeast-asia.html" in hrefs(main)
    assert "middle-east-north-africa.html" in hrefs(main)
    assert "3" in main.get_text()  # Northeast Asia's brief count
    region = multi.html("regions/northeast-asia.html").find("main")
    listed = [h for h in hrefs(region) if h.startswith("../briefs/")]
    assert listed.index("../briefs/guest.html") < listed.index("../briefs/talks.html")
    assert listed.index("../briefs/talks.html") < listed.index("../briefs/older.html")
    assert "China" in region.get_text()  # description, rendered from Markdown
    assert "../briefs/talks.html" in hrefs(
        multi.html("regions/middle-east-north-africa.html"), "main"
    )
    # Regions with no brief still get a page, so the index never links nowhere.
    assert (multi.output / "regions" / "europe.html").is_file()


def test_author_pages_include_co_authored_briefs(multi):
    for slug in ("yuki-tatsumi", "soren-kjaergaard"):
        main = multi.html(f"authors/{slug}.html").find("main")
        assert "../briefs/talks.html" in hrefs(main)
    yuki = multi.html("authors/yuki-tatsumi.html").find("main")
    assert "Senior Fellow" in yuki.get_text()
    guest = multi.html("authors/maria-lopez.html").find("main")
    assert "../briefs/guest.html" in hrefs(guest)
    index = multi.html("authors/index.html").find("main")
    assert {"yuki-tatsumi.html", "soren-kjaergaard.html", "maria-lopez.html"} <= set(
        hrefs(index)
    )


def test_topics_home_and_archives(multi):
    assert "japan.html" in hrefs(multi.html("topics/index.html"), "main")
    japan = hrefs(multi.html("topics/japan.html"), "main")
    assert {"../briefs/talks.html", "../briefs/older.html"} <= set(japan)
    home = hrefs(multi.html("index.html"), "main")
    assert "briefs/guest.html" in home and "briefs/talks.html" in home
    archives = hrefs(multi.html("archives.html"), "main")
    assert {"briefs/talks.html", "briefs/older.html", "briefs/guest.html"} <= set(
        archives
    )


def test_drafts_are_written_nowhere(multi):
    assert not (multi.output / "briefs" / "secret.html").exists()
    for path in multi.output.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml"}:
            text = path.read_text("utf-8")
            assert "secret.html" not in text and "Not Yet" not in text, path


def test_drafts_show_in_preview_only(site):
    site.brief("secret", title="Not Yet", status="draft")
    site.build(BRIEFS={"show_drafts": True})
    page = site.html("briefs/secret.html")
    assert "draft" in page.find("main").get_text().lower()


def test_feeds_exist_and_are_linked_from_their_pages(multi):
    pairs = {
        "index.html": "feeds/all.atom.xml",
        "regions/northeast-asia.html": "../feeds/regions/northeast-asia.atom.xml",
        "authors/yuki-tatsumi.html": "../feeds/authors/yuki-tatsumi.atom.xml",
    }
    for page, feed in pairs.items():
        soup = multi.html(page)
        assert soup.find("link", rel="alternate", href=feed), page
        assert (multi.output / page).parent.joinpath(feed).resolve().is_file()
    feed = ET.parse(multi.output / "feeds" / "regions" / "northeast-asia.atom.xml")
    titles = [e.text for e in feed.getroot().iter(f"{ATOM}title")]
    assert "North Korea Talks Stalemate: What Should Japan Do?" in titles
    (talks,) = [
        entry
        for entry in feed.getroot().iter(f"{ATOM}entry")
        if entry.findtext(f"{ATOM}title").startswith("North Korea")
    ]
    authors = [a.findtext(f"{ATOM}name") for a in talks.iter(f"{ATOM}author")]
    assert authors == ["Yuki Tatsumi", "Søren Kjærgaard"]  # a person each
    assert (multi.output / "feeds" / "authors" / "maria-lopez.atom.xml").is_file()


def test_feed_ids_are_absolute_one_per_feed_and_one_per_brief(multi):
    """RFC 4287: a feed's id is its own, an entry's is the same in every
    feed that holds it, and both are absolute even without a public
    address; a feed's alternate link is its page."""
    feed_ids, entry_ids = {}, {}
    for path in (multi.output / "feeds").rglob("*.atom.xml"):
        root = ET.parse(path).getroot()
        feed_ids[path] = root.findtext(f"{ATOM}id")
        alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
        page = path.parent.joinpath(alternate).resolve()
        assert page.is_file() and page.suffix == ".html", (path, alternate)
        for entry in root.iter(f"{ATOM}entry"):
            link = entry.find(f"{ATOM}link").get("href")
            brief = path.parent.joinpath(link).resolve()
            entry_ids.setdefault(brief, set()).add(entry.findtext(f"{ATOM}id"))
    assert len(set(feed_ids.values())) == len(feed_ids) > 5
    region_feed = multi.output / "feeds" / "regions" / "northeast-asia.atom.xml"
    assert (
        ET.parse(region_feed)
        .getroot()
        .find(f"{ATOM}link[@rel='alternate']")
        .get("href")
        == "../../regions/northeast-asia.html"
    )
    talks = multi.output / "briefs" / "talks.html"
    assert len(entry_ids[talks]) == 1 and len(entry_ids) == 3
    ids = [*feed_ids.values(), *(i for found in entry_ids.values() for i in found)]
    assert all(i.startswith("urn:uuid:") for i in ids), ids


def test_pagination(site):
    for number in range(12):
        site.brief(f"brief-{number:02d}", date=f"2024-01-{number + 1:02d}")
    site.build()
    for first, second in (
        ("index.html", "index-2.html"),
        ("regions/northeast-asia.html", "regions/northeast-asia-2.html"),
        ("authors/yuki-tatsumi.html", "authors/yuki-tatsumi-2.html"),
    ):
        assert (site.output / second).is_file(), second
        page_one = hrefs(site.html(first), "main")
        page_two = hrefs(site.html(second), "main")
        assert any(h.endswith("brief-11.html") for h in page_one)
        assert any(h.endswith("brief-00.html") for h in page_two)
        assert any(
            h.endswith(second.rsplit("/", 1)[-1]) for h in hrefs(site.html(first))
        )


def test_front_matter_is_escaped_everywhere(site):
    site.brief(
        "x",
        title="<script>alert(1)</script> &amp; Co",
        summary="<b>bold</b> &lt;i&gt;",
        author="Mal <img src=x onerror=alert(1)>",
        tags=["<em>tag</em>"],
    )
    site.build()
    page = site.html("briefs/x.html")
    assert page.find("h1").get_text() == "<script>alert(1)</script> &amp; Co"
    assert not page.find(
        "script", string=lambda s: s and "alert(1)" in s and "{" not in s
    )
    assert not page.find("b", string="bold")
    assert not page.find("img", src="x")
    assert not page.find("em", string="tag")
    description = page.find("meta", attrs={"name": "description"})
    assert description["content"] == "<b>bold</b> &lt;i&gt;"
    feed = ET.parse(site.output / "feeds" / "all.atom.xml").getroot()
    entry_title = next(feed.iter(f"{ATOM}entry")).find(f"{ATOM}title").text
    assert entry_title == "<script>alert(1)</script> &amp; Co"
    for listing in ("index.html", "archives.html", "topics/index.html"):
        assert "<script>alert" not in (site.output / listing).read_text("utf-8")


def test_slugs_transliterate(site):
    site.registry("regions.yml", [{"name": "Middle East & North Africa"}])
    site.brief(
        "x",
        author="Søren Kjærgaard",
        region="Middle East & North Africa",
        tags=["Ünïcode"],
    )
    site.build()
    assert (site.output / "authors" / "soren-kjaergaard.html").is_file()
    assert (site.output / "regions" / "middle-east-north-africa.html").is_file()
    assert (site.output / "topics" / "unicode.html").is_file()


def test_custom_slug_and_folders_do_not_change_urls(site):
    site.brief("some-file", slug="custom-slug")
    nested = site.content / "briefs" / "2024" / "deep" / "er"
    nested.mkdir(parents=True)
    (nested / "nested.md").write_text(
        (site.content / "briefs" / "2024" / "some-file.md")
        .read_text("utf-8")
        .replace("slug: custom-slug\n", ""),
        "utf-8",
    )
    site.build()
    assert (site.output / "briefs" / "custom-slug.html").is_file()
    assert (site.output / "briefs" / "nested.html").is_file()


def test_rebuild_removes_stale_pages(site):
    site.brief("old-name")
    site.build()
    (site.content / "briefs" / "2024" / "old-name.md").rename(
        site.content / "briefs" / "2024" / "new-name.md"
    )
    site.build()
    assert (site.output / "briefs" / "new-name.html").is_file()
    assert not (site.output / "briefs" / "old-name.html").exists()
    assert not any(p.name.startswith(".output") for p in site.root.iterdir())


def test_listings_are_inside_main_and_navigation_outside(multi):
    for page in ("index.html", "regions/northeast-asia.html", "authors/index.html"):
        soup = multi.html(page)
        main = soup.find("main")
        assert main.find("a", href=lambda h: h and "briefs/talks.html" in h), page
        nav = soup.find("nav")
        assert nav is not None and main not in nav.parents and nav not in main.parents


def test_image_beside_its_brief_is_published(site):
    site.image("briefs/2024/chart.png")
    site.brief("x", image="briefs/2024/chart.png", image_alt="A chart")
    site.build()
    img = site.html("briefs/x.html").find("main").find("img")
    assert img["src"] == "../briefs/2024/chart.png"
    assert (site.output / "briefs" / "2024" / "chart.png").is_file()


def test_relative_links_in_a_body_resolve_in_feeds_too(site):
    site.brief("first", date="2024-01-01")
    site.brief(
        "second",
        body="See [the first](first.html), ![a map](../images/m.png), a note[^1] "
        "and [elsewhere](https://example.org/a).\n\n[^1]: The note.",
    )
    site.image("images/m.png")
    site.build()  # the build's link check covers the feeds
    entry = (site.output / "feeds" / "regions" / "northeast-asia.atom.xml").read_text()
    assert 'href="../../briefs/first.html"' in entry.replace("&quot;", '"')
    assert 'src="../../images/m.png"' in entry.replace("&quot;", '"')
    assert 'href="#fn:1"' in entry.replace("&quot;", '"')
    assert 'href="https://example.org/a"' in entry.replace("&quot;", '"')
    production = site.root / "production"
    from policy_briefs.build import build
    from policy_briefs.project import PUBLISH_SETTINGS

    build(
        site.content,
        production,
        PUBLISH_SETTINGS,
        SITEURL="https://org.github.io/b",
        PDF_EDITIONS="off",
    )
    feed = (production / "feeds" / "all.atom.xml").read_text().replace("&quot;", '"')
    assert 'href="https://org.github.io/b/briefs/first.html"' in feed


@pytest.mark.parametrize("production", [False, True])
def test_feeds_rewrite_only_the_links_the_parse_found(site, production):
    """An attribute value or a code sample that only looks like a link
    (` href="` inside a title) is left as written: rewriting it as a path
    once turned a title's quote into markup and published an event
    attribute in every feed."""
    hostile = (
        'Hello <abbr title="a href=">x</abbr><abbr '
        "title='/../../../../\" onmouseover=alert(1) x'>y</abbr> end, "
        '`<a href="../code.html">`, and [the first](first.html).'
    )
    site.brief("first", date="2024-01-01")
    site.brief("second", body=hostile)
    if production:
        from policy_briefs.project import PUBLISH_SETTINGS

        site.build(
            settings_file=PUBLISH_SETTINGS,
            SITEURL="https://org.github.io/b",
            PDF_EDITIONS="off",
        )
    else:
        site.build()
    feed = ET.parse(site.output / "feeds" / "all.atom.xml").getroot()
    (entry,) = [
        e
        for e in feed.iter(f"{ATOM}entry")
        if "second" in e.find(f"{ATOM}link").get("href")
    ]
    content = entry.findtext(f"{ATOM}content")
    page = site.html("briefs/second.html").find(class_="brief__body")
    fed = BeautifulSoup(content, "html.parser")
    for tag in fed.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), tag
    assert [a["title"] for a in fed.find_all("abbr")] == [
        a["title"] for a in page.find_all("abbr")
    ]
    assert fed.find("code").get_text() == page.find("code").get_text()
    base = "https://org.github.io/b/briefs/" if production else "../briefs/"
    assert fed.find("a")["href"] == base + "first.html"


def test_json_ld_and_open_graph_carry_text_not_markup(site):
    title = '</script><script>alert(1)</script> "Q" & A'
    site.brief("x", title=title, summary="<b>dek</b>")
    site.build()
    page = site.html("briefs/x.html")
    [ld] = page.find_all("script", type="application/ld+json")
    assert "</script" not in ld.string and "<b>" not in ld.string
    data = json.loads(ld.string)
    assert data["headline"] == title and data["description"] == "<b>dek</b>"
    assert page.find("meta", property="og:title")["content"] == title
    assert page.find("title").get_text().startswith(title)


def test_open_graph_names_a_raster_image_only(site):
    """Link previews show JPEG, PNG, GIF or WebP images, not SVG or AVIF."""
    from policy_briefs.project import PUBLISH_SETTINGS

    site.image("images/photo.png")
    (site.content / "images" / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"></svg>'
    )
    site.brief("photo", image="images/photo.png", image_alt="A photo")
    site.brief("chart", image="images/chart.svg", image_alt="A chart")
    site.build(
        settings_file=PUBLISH_SETTINGS,
        SITEURL="https://org.github.io/b",
        PDF_EDITIONS="off",
    )
    photo = site.html("briefs/photo.html").find("meta", property="og:image")
    assert photo["content"] == "https://org.github.io/b/images/photo.png"
    chart = site.html("briefs/chart.html")
    assert chart.find("meta", property="og:image") is None
    assert chart.find("meta", property="og:image:alt") is None
    assert chart.find("meta", property="og:url") is not None


def test_unknown_briefs_setting_fails_the_build(site):
    from policy_briefs.build import BuildError

    site.brief("x")
    with pytest.raises(BuildError) as failure:
        site.build(BRIEFS={"show_draft": True})
    assert failure.value.lines == [
        "ValueError: BRIEFS setting: unknown key(s) 'show_draft' "
        "(did you mean 'show_drafts'?)"
    ]
    assert not site.output.exists()


@pytest.mark.parametrize(("words", "minutes"), [(1, 1), (200, 1), (201, 2), (999, 5)])
def test_the_byline_shows_the_reading_time(site, words, minutes):
    site.brief("long", body=" ".join(["word"] * words))
    site.build()
    byline = site.html("briefs/long.html").find("main").find("p", class_="byline")
    reading = byline.find("span", class_="byline__reading")
    assert reading.get_text() == f"{minutes} min read"
    card = site.html("index.html").find("main").find("p", class_="byline")
    assert card.find("span", class_="byline__reading") is None
