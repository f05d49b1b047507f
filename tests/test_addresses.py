"""Addresses that clash fail with one line naming both spellings and files;
aliases keep old addresses working as redirect pages (and old feeds)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from conftest import run_invoke as invoke
from conftest import snapshot
from test_cli import pelican

from briefs.redirects import redirect_page
from policy_briefs.build import BuildError
from policy_briefs.project import PUBLISH_SETTINGS, ROOT

A, B, C = (f"content/briefs/2024/{name}.md" for name in "abc")


def fails(site, before) -> list[str]:
    with pytest.raises(BuildError) as failure:
        site.build()
    assert snapshot(site.output) == before
    return failure.value.lines


def test_tags_with_one_slug_fail_naming_both_spellings(built):
    site, before = built
    site.brief("a", tags=["C++"])
    site.brief("b", tags=["C#"])
    site.brief("c", tags=["C"])
    assert fails(site, before) == [
        f"{B}: tags: 'C#' and 'C++' in {A} would share the page topics/c.html; use "
        "one spelling",
        f"{C}: tags: 'C' and 'C++' in {A} would share the page topics/c.html; use "
        "one spelling",
    ]


def test_tags_differing_only_in_case_fail(built):
    site, before = built
    site.brief("a", tags=["Japan"])
    site.brief("b", tags=["japan"])
    assert fails(site, before) == [
        f"{B}: tags: 'japan' and 'Japan' in {A} would share the page "
        "topics/japan.html; use one spelling"
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"tags": ["Index"]},
            f"{A}: tags: 'Index' would write topics/index.html, the list of all "
            "topics; choose another name",
        ),
        (
            {"tags": ["???"]},
            f"{A}: tags: '???' gives an empty page address (topics/.html); use a "
            "name with letters or digits",
        ),
        (
            {"tags": ["🌍"]},
            f"{A}: tags: '🌍' gives an empty page address (topics/.html); use a "
            "name with letters or digits",
        ),
        (
            {"author": "Index"},
            f"{A}: author: 'Index' would write authors/index.html, the list of all "
            "authors; choose another name",
        ),
        (
            {"tags": ["Europe 2", "Europe"]},
            f"{A}: tags: 'Europe 2' would write topics/europe-2.html, the address "
            f"of page 2 of the topic 'Europe' in {A}; choose another name",
        ),
    ],
)
def test_page_addresses_that_clash_fail(built, fields, expected):
    site, before = built
    site.brief("a", **fields)
    assert fails(site, before) == [expected]


def test_a_page_address_of_a_future_second_page_fails_now(built):
    """Europe has one brief, so no page 2 yet; it will when one more arrives."""
    site, before = built
    site.registry("regions.yml", [{"name": "Northeast Asia"}, {"name": "Europe"}])
    site.brief("a", tags=["Europe"])
    site.brief("b", tags=["Europe 12"])
    assert fails(site, before) == [
        f"{B}: tags: 'Europe 12' would write topics/europe-12.html, the address of "
        f"page 12 of the topic 'Europe' in {A}; choose another name"
    ]


@pytest.mark.parametrize(
    ("regions", "expected"),
    [
        (
            [{"name": "Northeast Asia"}, {"name": "Index"}],
            "content/regions.yml: Index: slug: 'Index' would write "
            "regions/index.html, the list of all regions; choose another name",
        ),
        (
            [{"name": "Northeast Asia"}, {"name": "Northeast Asia 2"}],
            "content/regions.yml: Northeast Asia 2: slug: 'Northeast Asia 2' would "
            "write regions/northeast-asia-2.html, the address of page 2 of the "
            "region 'Northeast Asia'; choose another name",
        ),
    ],
)
def test_region_addresses_that_clash_fail(built, regions, expected):
    site, before = built
    site.registry("regions.yml", regions)
    assert fails(site, before) == [expected]


def test_brief_alias_writes_a_redirect_page(site):
    site.brief("water-policy", aliases=["briefs/old-water.html", "2019/03/water.html"])
    site.build()
    page = site.html("briefs/old-water.html")
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh == "0; url=water-policy.html"
    assert page.find("link", rel="canonical")["href"] == "water-policy.html"
    link = page.find("main").find("a")
    assert (link["href"], link.get_text()) == ("water-policy.html", "Water Policy")
    deep = site.html("2019/03/water.html")
    assert deep.find("a")["href"] == "../../briefs/water-policy.html"


def test_draft_alias_is_not_written(site):
    site.brief("water-policy", status="draft", aliases=["briefs/old-water.html"])
    site.brief("other")
    site.build()
    assert not (site.output / "briefs" / "old-water.html").exists()


def test_production_redirect_has_absolute_canonical(site, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://org.github.io/briefs")
    site.brief("water-policy", aliases=["briefs/old-water.html"])
    site.build(settings_file=PUBLISH_SETTINGS, PDF_EDITIONS="off")
    page = site.html("briefs/old-water.html")
    assert page.find("link", rel="canonical")["href"] == (
        "https://org.github.io/briefs/briefs/water-policy.html"
    )
    assert page.find("a")["href"] == "water-policy.html"


def test_region_and_author_aliases_keep_page_and_feed_addresses(site):
    site.registry(
        "regions.yml",
        [{"name": "Northeast Asia", "aliases": ["regions/east-asia.html"]}],
    )
    site.registry(
        "authors.yml",
        [{"name": "Yuki Tatsumi", "aliases": ["authors/yuki.html", "people.html"]}],
    )
    site.brief("water-policy")
    site.build()
    out = site.output
    region = site.html("regions/east-asia.html")
    assert region.find("a")["href"] == "northeast-asia.html"
    assert (out / "feeds/regions/east-asia.atom.xml").read_bytes() == (
        out / "feeds/regions/northeast-asia.atom.xml"
    ).read_bytes()
    author = site.html("authors/yuki.html")
    assert author.find("a")["href"] == "yuki-tatsumi.html"
    assert (out / "feeds/authors/yuki.atom.xml").read_bytes() == (
        out / "feeds/authors/yuki-tatsumi.atom.xml"
    ).read_bytes()
    assert site.html("people.html").find("a")["href"] == "authors/yuki-tatsumi.html"


G = "content/briefs/2024/good.md"
X = "content/briefs/2024/x.md"
NO_PAGE = "an alias must be an address no page uses"


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        (
            ["briefs/good.html"],
            f"{X}: aliases: 'briefs/good.html' is the address of the brief {G}; "
            + NO_PAGE,
        ),
        (
            ["Briefs/GOOD.html"],
            f"{X}: aliases: 'Briefs/GOOD.html' is the address of the brief {G}; "
            + NO_PAGE,
        ),
        (
            ["briefs/x.html"],
            f"{X}: aliases: 'briefs/x.html' is the address of the brief {X}; "
            + NO_PAGE,
        ),
        (
            ["index.html"],
            f"{X}: aliases: 'index.html' is the address of the home page; " + NO_PAGE,
        ),
        (
            ["index-3.html"],
            f"{X}: aliases: 'index-3.html' is the address of page 3 of the home "
            "page; " + NO_PAGE,
        ),
        (
            ["regions/northeast-asia-2.html"],
            f"{X}: aliases: 'regions/northeast-asia-2.html' is the address of page "
            "2 of the region 'Northeast Asia'; " + NO_PAGE,
        ),
        (
            ["authors/yuki-tatsumi.html"],
            f"{X}: aliases: 'authors/yuki-tatsumi.html' is the address of the page "
            "of the author 'Yuki Tatsumi'; " + NO_PAGE,
        ),
        (
            ["topics/index.html"],
            f"{X}: aliases: 'topics/index.html' is the address of the list of all "
            "topics; " + NO_PAGE,
        ),
        (
            ["images/map.html"],
            f"{X}: aliases: 'images/map.html' is the address of the file "
            "images/map.html under content/; " + NO_PAGE,
        ),
        (
            ["../outside.html"],
            f"{X}: aliases: '../outside.html' is outside the site; write the "
            "address from the site root, like briefs/old-name.html",
        ),
        (
            ["/briefs/old.html"],
            f"{X}: aliases: '/briefs/old.html' is outside the site; write the "
            "address from the site root, like briefs/old-name.html",
        ),
        (
            ["https://example.org/old.html"],
            f"{X}: aliases: 'https://example.org/old.html' is outside the site; "
            "write the address from the site root, like briefs/old-name.html",
        ),
        (
            ["briefs/old"],
            f"{X}: aliases: 'briefs/old' must end in .html: every address of the "
            "site names a file",
        ),
        (
            ["briefs/old name.html"],
            f"{X}: aliases: expected an address like briefs/old-name.html (letters, "
            "digits, '.', '_', '-', '~' and '/'), found 'briefs/old name.html'",
        ),
        (
            ["briefs/old.html", "briefs/old.html"],
            f"{X}: aliases: 'briefs/old.html' is listed twice",
        ),
        *(
            (
                [alias],
                f"{X}: aliases: '{alias}' lies in a folder named '{folder}', a name "
                "the site may give a file; expected folders without '.', like "
                "briefs/old-name.html",
            )
            for alias, folder in [
                ("briefs/good.html/old.html", "good.html"),
                ("briefs/x.html/old.html", "x.html"),
                ("feeds/all.atom.xml/x.html", "all.atom.xml"),
                ("images/map.html/x.html", "map.html"),
                ("briefs/x.pdf/y.html", "x.pdf"),
                ("sitemap.xml/old.html", "sitemap.xml"),  # production only
                ("robots.txt/x.html", "robots.txt"),
                ("CNAME/x.html", "CNAME"),
                ("a/b.c/d/x.html", "b.c"),
            ]
        ),
        (
            ["briefs/new.html", "briefs/new.html/y.html"],
            f"{X}: aliases: 'briefs/new.html/y.html' lies in a folder named "
            "'new.html', a name the site may give a file; expected folders without "
            "'.', like briefs/old-name.html",
        ),
        (
            ["/".join(["a" * 150] * 30) + ".html"],
            f"{X}: aliases: '{'a' * 59}…' is 4,534 characters long, at most 1,000; "
            "use a shorter address",
        ),
        (
            ["images/LICENSE/old.html"],
            f"{X}: aliases: 'images/LICENSE/old.html' would need a folder where the "
            "site writes the file images/LICENSE under content/; " + NO_PAGE,
        ),
        (
            ["Images/Maps.html"],
            f"{X}: aliases: 'Images/Maps.html' is a folder of files under content/; "
            + NO_PAGE,
        ),
    ],
)
def test_bad_alias_fails_the_build(built, aliases, expected):
    site, before = built
    (site.content / "images" / "maps.html").mkdir(parents=True, exist_ok=True)
    (site.content / "images" / "map.html").write_text("<p>map</p>", "utf-8")
    (site.content / "images" / "maps.html" / "map.png").write_bytes(b"png")
    (site.content / "images" / "LICENSE").write_text("CC BY", "utf-8")
    site.brief("x", aliases=aliases)
    assert fails(site, before) == [expected]


def test_two_owners_of_one_alias_fail(built):
    site, before = built
    site.brief("good", aliases=["briefs/old.html"])
    site.brief("x", aliases=["briefs/old.html"])
    site.registry(
        "regions.yml",
        [{"name": "Northeast Asia", "aliases": ["BRIEFS/old.html"]}],
    )
    assert fails(site, before) == [
        f"{X}: aliases: 'briefs/old.html' is also an alias of the brief {G}; keep "
        "it in one place",
        "content/regions.yml: Northeast Asia: aliases: 'BRIEFS/old.html' is also "
        f"an alias of the brief {G}; keep it in one place",
    ]


def test_an_alias_under_a_region_page_fails_check_build_and_pelican(site):
    """The same line from `invoke check`, `invoke build` and plain Pelican,
    and no output: it was a raw NotADirectoryError (a traceback in Pelican)."""
    site.brief("good")
    site.registry(
        "regions.yml",
        [
            {"name": "Northeast Asia"},
            {"name": "Europe", "aliases": ["regions/europe.html/x.html"]},
        ],
    )
    line = (
        "content/regions.yml: entry 2: aliases: 'regions/europe.html/x.html' lies "
        "in a folder named 'europe.html', a name the site may give a file; "
        "expected folders without '.', like briefs/old-name.html"
    )
    checked = invoke("check", "--content", str(site.content))
    built = invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    for result in (checked, built, pelican(site)):
        said = result.stdout + result.stderr
        assert result.returncode == 1, said
        assert line in said.splitlines(), said
        assert "Traceback" not in said and "Errno" not in said
    assert not site.output.exists()


def test_registry_aliases_are_validated_like_fields(built):
    site, before = built
    site.registry(
        "authors.yml", [{"name": "Yuki Tatsumi", "aliases": ["../yuki.html"]}]
    )
    assert fails(site, before) == [
        "content/authors.yml: entry 1: aliases: '../yuki.html' is outside the "
        "site; write the address from the site root, like briefs/old-name.html"
    ]


def test_a_redirect_page_shows_the_theme_icon_inline(site):
    """Without an icon, browsers asked for /favicon.ico, outside a site
    published under a sub-path; inline, the page still loads nothing."""
    site.brief("water-policy", aliases=["2019/03/water.html"])
    site.build()
    icon = site.html("2019/03/water.html").find("head").find("link", rel="icon")
    svg = (ROOT / "theme" / "static" / "img" / "icon.svg").read_text("utf-8")
    assert icon["type"] == "image/svg+xml"
    assert unquote(icon["href"]) == "data:image/svg+xml," + svg.strip()


def test_redirect_page_escapes_and_links():
    html = redirect_page("x.html", None, 'A <b>"bold"</b> title', "data:,")
    assert '<meta http-equiv="refresh" content="0; url=x.html">' in html
    assert '<link rel="canonical" href="x.html">' in html
    assert "<title>Moved: A &lt;b&gt;&quot;bold&quot;&lt;/b&gt; title</title>" in html
    assert "<b>" not in html
