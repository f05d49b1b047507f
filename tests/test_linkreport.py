"""How the build reports broken links: one line a mistake, against the
brief to fix when its body holds the link (linkreport.py), then through a
real build."""

from __future__ import annotations

import pytest
from conftest import snapshot

from briefs.linkcheck import BrokenLink
from briefs.linkreport import Source, report
from policy_briefs.build import BuildError

MISSING = "file not found (briefs/x.html)"


def missing(page: str, url: str) -> BrokenLink:
    return BrokenLink(page, url, MISSING, "briefs/x.html")


def linking_to_x(name: str) -> dict[str, Source]:
    """The page of content/briefs/NAME.md, whose body links to x.html."""
    return {
        f"briefs/{name}.html": Source(
            f"content/briefs/{name}.md", frozenset({"x.html"})
        )
    }


def test_a_body_link_is_reported_against_its_brief_with_the_feeds_folded_in():
    sources = linking_to_x("a")
    broken = [
        missing("briefs/a.html", "x.html"),
        missing("feeds/all.atom.xml", "../briefs/x.html"),
        missing("feeds/topics/t.atom.xml", "../../briefs/x.html"),
    ]
    assert report(broken, sources) == [
        f"content/briefs/a.md: x.html: {MISSING}; on briefs/a.html, "
        "feeds/all.atom.xml and feeds/topics/t.atom.xml"
    ]


def test_two_briefs_with_the_same_broken_link_are_each_named():
    sources = {**linking_to_x("a"), **linking_to_x("b")}
    broken = [
        missing("briefs/b.html", "x.html"),
        missing("briefs/a.html", "x.html"),
        missing("feeds/all.atom.xml", "../briefs/x.html"),
    ]
    assert report(broken, sources) == [
        f"content/briefs/a.md: x.html: {MISSING}; "
        "on briefs/a.html and feeds/all.atom.xml",
        f"content/briefs/b.md: x.html: {MISSING}; "
        "on briefs/b.html and feeds/all.atom.xml",
    ]


def test_a_link_the_body_does_not_hold_is_the_pages_own():
    """The theme's links on a brief's page are not the brief's to fix; the
    same one on many pages is one line."""
    sources = {"briefs/a.html": Source("content/briefs/a.md", frozenset())}
    reason = "file not found (theme/x.css)"
    broken = [
        BrokenLink(page, "../theme/x.css", reason, "theme/x.css")
        for page in ("briefs/a.html", "briefs/b.html", "regions/r.html")
    ] + [BrokenLink("index.html", "theme/x.css", reason, "theme/x.css")]
    assert report(broken, sources) == [
        f"briefs/a.html: ../theme/x.css: {reason}; also on briefs/b.html and "
        "regions/r.html",
        f"index.html: theme/x.css: {reason}",
    ]


def test_different_mistakes_stay_apart():
    """Another reason, another target, or the same target written otherwise:
    each its own line; a link broken as written (root-absolute) is one line
    wherever it stands."""
    broken = [
        missing("a.html", "x.html"),
        BrokenLink(
            "a.html", "x.html#n", 'no id "n" in briefs/x.html', "briefs/x.html", "n"
        ),
        BrokenLink("a.html", "/y.html", "root-absolute link"),
        BrokenLink("b.html", "/y.html", "root-absolute link"),
        missing("feeds/all.atom.xml", "../briefs/x.html"),
    ]
    assert report(broken) == [
        f"a.html: x.html: {MISSING}",
        'a.html: x.html#n: no id "n" in briefs/x.html',
        "a.html: /y.html: root-absolute link; also on b.html",
        f"feeds/all.atom.xml: ../briefs/x.html: {MISSING}",
    ]


def test_the_build_names_the_brief_to_fix_once_for_each_broken_link(site):
    site.brief("target", title="Target")
    site.brief("linking", title="Linking")
    site.build()
    before = snapshot(site.output)
    site.brief(
        "linking",
        title="Linking",
        body="See [a gone brief](gone.html) and [a part](target.html#nope).",
    )
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        "content/briefs/2024/linking.md: gone.html: file not found "
        "(briefs/gone.html); on briefs/linking.html and 3 feeds",
        'content/briefs/2024/linking.md: target.html#nope: no id "nope" in '
        "briefs/target.html; on briefs/linking.html and 3 feeds",
    ]
    assert snapshot(site.output) == before


def test_a_bio_or_description_link_is_reported_against_its_registry_entry():
    description = Source(
        "content/regions.yml: Europe: description", frozenset({"x.html"})
    )
    bio = Source("content/authors.yml: Ann: bio", frozenset({"y.html"}))
    bodies = {"briefs/a.html": Source("content/briefs/a.md", frozenset())}
    broken = [
        BrokenLink("authors/ann.html", "y.html", "file not found (authors/y.html)"),
        BrokenLink("briefs/a.html", "y.html", "file not found (briefs/y.html)"),
        BrokenLink("regions/europe.html", "x.html", "file not found (regions/x.html)"),
        BrokenLink("regions/index.html", "x.html", "file not found (regions/x.html)"),
        BrokenLink("regions/k.html", "z.html", "file not found (regions/z.html)"),
    ]
    assert report(broken, bodies, [description, bio]) == [
        # (one line for the link as written: here it resolves page by page)
        "content/authors.yml: Ann: bio: y.html: file not found (authors/y.html); "
        "on authors/ann.html and briefs/a.html",
        "content/regions.yml: Europe: description: x.html: file not found "
        "(regions/x.html); on regions/europe.html and regions/index.html",
        "regions/k.html: z.html: file not found (regions/z.html)",
    ]


def test_where_else_a_mistake_shows():
    sources = linking_to_x("a")
    broken = [missing("briefs/a.html", "x.html")] + [
        missing(page, "../briefs/x.html")
        for page in ("regions/r.html", "feeds/all.atom.xml")
    ]
    assert report(broken, sources) == [
        f"content/briefs/a.md: x.html: {MISSING}; on briefs/a.html, regions/r.html "
        "and feeds/all.atom.xml"
    ]


def test_the_build_names_the_region_whose_description_has_a_broken_link(site):
    from conftest import REGIONS

    site.brief("water")
    regions = [dict(entry) for entry in REGIONS]
    regions[0]["description"] = "See [the map](nowhere.html)."
    site.registry("regions.yml", regions)
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        f"content/regions.yml: {regions[0]['name']}: description: nowhere.html: "
        "file not found (regions/nowhere.html); on regions/index.html and "
        "regions/northeast-asia.html"
    ]
    assert not site.output.exists()


def test_a_link_broken_as_written_is_folded_wherever_it_stands():
    """A root-absolute link, or one out of the site, reads the same (or
    names the same path) in the feeds that carry the brief."""
    sources = {
        "briefs/a.html": Source(
            "content/briefs/a.md", frozenset({"/briefs/b.html", "../../x.html"})
        )
    }
    absolute = "root-absolute link (breaks from disk and under a sub-path)"
    outside = "points outside the site"
    broken = [
        BrokenLink("briefs/a.html", "/briefs/b.html", absolute),
        BrokenLink("briefs/a.html", "../../x.html", outside, "../x.html"),
        BrokenLink("feeds/all.atom.xml", "/briefs/b.html", absolute),
        BrokenLink("feeds/all.atom.xml", "../../x.html", outside, "../x.html"),
        BrokenLink("feeds/regions/r.atom.xml", "../../../x.html", outside, "../x.html"),
    ]
    assert report(broken, sources) == [
        f"content/briefs/a.md: /briefs/b.html: {absolute}; on briefs/a.html and "
        "feeds/all.atom.xml",
        f"content/briefs/a.md: ../../x.html: {outside}; on briefs/a.html, "
        "feeds/all.atom.xml and feeds/regions/r.atom.xml",
    ]
