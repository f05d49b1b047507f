"""The search page and index as today's build writes them (no browser)."""

from __future__ import annotations

import base64
import zlib

from briefs.search import DOCS, META, read_script


def index_of(output):
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted((output / "search").rglob("*.js"))
    }


def texts_of(index: dict[str, bytes]) -> list[str]:
    """Every brief's display fields and body text, as the browser gets them."""
    found = []
    for content in index.values():
        kind, _, data = read_script(content)
        if kind == "doc":
            found.append(data["title"])
            found.append(zlib.decompress(base64.b64decode(data["text"])).decode())
    return found


def test_every_page_has_a_get_search_form_to_search_html(site):
    site.brief("water-policy", tags=["Water"])
    site.build()
    for page, action in [
        ("index.html", "search.html"),
        ("briefs/water-policy.html", "../search.html"),
        ("regions/index.html", "../search.html"),
        ("topics/water.html", "../search.html"),
        ("search.html", "search.html"),
    ]:
        form = site.html(page).select_one("header form.site-search")
        assert form["action"] == action, page
        assert form["method"] == "get"
        field = form.select_one("input[name=q]")
        assert form.select_one(f"label[for='{field['id']}']").get_text(strip=True)


def test_the_search_page_loads_its_scripts_and_explains_itself_without_them(site):
    site.brief()
    site.build()
    page = site.html("search.html")
    main = page.select_one("main")
    form = main.select_one("form#pb\\:search-form")
    assert form["action"] == "search.html" and form["method"] == "get"
    assert main.select_one("#pb\\:search-status")["aria-live"] == "polite"
    links = [a["href"] for a in main.select("noscript a")]
    assert links == ["regions/index.html", "authors/index.html", "topics/index.html"]
    scripts = [s["src"] for s in page.select("script[src]")]
    assert scripts == [
        "theme/js/snowball-english.js",
        "theme/js/search-core.js",
        "theme/js/search-inflate.js",
        "theme/js/search.js",
        "search/meta.js",
    ]
    assert all((site.output / src).is_file() for src in scripts)


def test_drafts_are_not_indexed_even_when_previewed(site):
    site.brief("published", body="Harbour dredging.")
    site.brief("secret", body="The quokkaplan.", status="draft", title="Secret")
    site.build(BRIEFS={"show_drafts": True})
    assert (site.output / "briefs" / "secret.html").is_file()
    index = index_of(site.output)
    assert read_script(index[META])[2]["count"] == 1
    assert not [text for text in texts_of(index) if "quokka" in text]


def test_a_rebuild_writes_the_same_index_and_follows_edits(site):
    site.brief("a", body="Harbour dredging.")
    site.brief("b", body="Port berths.", date="2023-01-01")
    site.build()
    first = index_of(site.output)
    site.build()
    assert index_of(site.output) == first
    site.brief("b", body="Port berths and lighthouses.", date="2023-01-01")
    site.build()
    edited = index_of(site.output)
    assert edited[DOCS.format(0)] == first[DOCS.format(0)]  # "a" is newest
    assert any("lighthouses" in text for text in texts_of(edited))
    assert not any("lighthouses" in text for text in texts_of(first))
