"""The link checker: each kind of broken link in hand-made trees, then the
whole sample site in the development and the production build."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SITE_URL

from briefs import linkcheck
from briefs.linkcheck import (
    BrokenLink,
    PieceReader,
    Resolver,
    _balanced,
    check_site,
    read_page,
    split_srcset,
)
from policy_briefs.project import ROOT


def make_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def messages(root: Path, **kwargs) -> list[str]:
    return [str(link) for link in check_site(root, **kwargs)]


ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Briefs</title>
  <link href="{home}" rel="alternate"/>
  <link href="{self}" rel="self"/>
  <id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>
  <entry>
    <title>A</title>
    <link href="{entry}" rel="alternate"/>
    <id>urn:a</id><updated>2024-01-01T00:00:00Z</updated>
    <content type="html">{content}</content>
  </entry>
</feed>
"""


@pytest.fixture
def good_site(tmp_path):
    return make_tree(
        tmp_path / "site",
        {
            "index.html": page(
                '<a href="briefs/a.html">A</a> <a href="#top-stories">skip</a>'
                '<h2 id="top-stories">Top</h2>'
                '<img src="images/x%20y.png" srcset="images/x%20y.png 1x, '
                'images/big.png 2x" alt="">'
                '<a href="https://example.org/">elsewhere</a> '
                '<a href="mailto:a@example.org">mail</a> <a href="tel:+1">call</a>'
                '<a href="briefs/a.html?ref=home#key-points">points</a>',
                head='<link rel="stylesheet" href="theme/css/site.css">'
                '<link rel="alternate" type="application/atom+xml" '
                'href="feeds/all.atom.xml">',
            ),
            "briefs/a.html": page(
                '<a href="../index.html">home</a> <ul id="key-points"></ul>'
                '<picture><source srcset="../images/big.png"></picture>'
            ),
            "images/x y.png": "png",
            "images/big.png": "png",
            "theme/css/site.css": "body { background: url('../img/bg.svg'); }",
            "theme/img/bg.svg": "<svg/>",
            "feeds/all.atom.xml": ATOM_FEED.format(
                home="../index.html",
                self="all.atom.xml",
                entry="../briefs/a.html",
                content="&lt;img src=&quot;../images/big.png&quot;&gt;",
            ),
        },
    )


def test_a_site_whose_links_all_resolve_passes(good_site):
    assert messages(good_site) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"index.html": page('<a href="briefs/missing.html">x</a>')},
            "index.html: briefs/missing.html: file not found (briefs/missing.html)",
            id="missing-file",
        ),
        pytest.param(
            {
                "briefs/a.html": page('<img src="../images/nope.png" alt="">'),
            },
            "briefs/a.html: ../images/nope.png: file not found (images/nope.png)",
            id="missing-image-relative-to-page",
        ),
        pytest.param(
            {"index.html": page('<a href="regions">x</a>'), "regions/i.html": ""},
            "index.html: regions: links to a folder, not a file",
            id="folder",
        ),
        pytest.param(
            {"index.html": page('<a href="regions/">x</a>'), "regions/i.html": ""},
            "index.html: regions/: links to a folder, not a file",
            id="folder-trailing-slash",
        ),
        pytest.param(
            {"briefs/a.html": page('<a href="../">home</a>')},
            "briefs/a.html: ../: links to a folder, not a file",
            id="site-root",
        ),
        pytest.param(
            {"index.html": page('<a href="/briefs/a.html">x</a>'), "briefs/a.html": ""},
            "index.html: /briefs/a.html: root-absolute link "
            "(breaks from disk and under a sub-path)",
            id="root-absolute",
        ),
        pytest.param(
            {"index.html": page('<a href="../up.html">x</a>')},
            "index.html: ../up.html: points outside the site",
            id="outside",
        ),
        pytest.param(
            {
                "briefs/a.html": page('<a href="..%2Fsearch.html">x</a>'),
                "search.html": "",
            },
            "briefs/a.html: ..%2Fsearch.html: encoded slash (%2F) in the path: "
            "from disk it names no file",
            id="encoded-slash",
        ),
        pytest.param(
            {
                "index.html": page(
                    "",
                    head='<link rel="stylesheet" '
                    'href="https://fonts.googleapis.com/css?family=Inter">',
                )
            },
            "index.html: https://fonts.googleapis.com/css?family=Inter: "
            "asset from another host (fonts.googleapis.com)",
            id="external-stylesheet",
        ),
        pytest.param(
            {"index.html": page('<script src="//cdn.example.com/x.js"></script>')},
            "index.html: //cdn.example.com/x.js: asset from another host "
            "(cdn.example.com)",
            id="external-script-protocol-relative",
        ),
        pytest.param(
            {"index.html": page('<iframe src="https://www.youtube.com/embed/x">')},
            "index.html: https://www.youtube.com/embed/x: asset from another host "
            "(www.youtube.com)",
            id="external-iframe",
        ),
        pytest.param(
            {"index.html": page('<p style="background: url(https://x.org/a.png)">')},
            "index.html: https://x.org/a.png: asset from another host (x.org)",
            id="external-inline-style",
        ),
        pytest.param(
            {"theme/site.css": "@import url('https://fonts.example.com/f.css');"},
            "theme/site.css: https://fonts.example.com/f.css: "
            "asset from another host (fonts.example.com)",
            id="external-css-import",
        ),
        pytest.param(
            {
                "index.html": page(
                    '<img src="a.png" srcset="a.png 1x, b.png 2x" alt="">'
                ),
                "a.png": "",
            },
            "index.html: b.png: file not found (b.png)",
            id="srcset-candidate",
        ),
        pytest.param(
            {
                "index.html": page(
                    '<picture><source srcset="https://img.example.com/a.webp">'
                    "</picture>"
                )
            },
            "index.html: https://img.example.com/a.webp: "
            "asset from another host (img.example.com)",
            id="srcset-external",
        ),
        pytest.param(
            {"index.html": page('<a href="#nowhere">x</a><p id="somewhere">')},
            'index.html: #nowhere: no id "nowhere" in index.html',
            id="fragment-same-page",
        ),
        pytest.param(
            {
                "index.html": page('<a href="b.html#footnote-9">x</a>'),
                "b.html": page('<p id="footnote-1">'),
            },
            'index.html: b.html#footnote-9: no id "footnote-9" in b.html',
            id="fragment-other-page",
        ),
        pytest.param(
            {"index.html": page('<img src="" alt="">')},
            "index.html: : empty URL",
            id="empty-asset-url",
        ),
        pytest.param(
            {
                "feeds/all.atom.xml": ATOM_FEED.format(
                    home="../index.html",
                    self="all.atom.xml",
                    entry="briefs/a.html",
                    content="",
                ),
                "index.html": "",
                "briefs/a.html": "",
            },
            "feeds/all.atom.xml: briefs/a.html: file not found (feeds/briefs/a.html)",
            id="feed-entry-link",
        ),
        pytest.param(
            {
                "feeds/all.atom.xml": ATOM_FEED.format(
                    home="../index.html",
                    self="all.atom.xml",
                    entry="../briefs/a.html",
                    content="&lt;img src=&quot;images/x.png&quot;&gt;",
                ),
                "index.html": "",
                "briefs/a.html": "",
                "images/x.png": "",
            },
            "feeds/all.atom.xml: images/x.png: file not found (feeds/images/x.png)",
            id="feed-content-image",
        ),
        pytest.param(
            {
                "feeds/all.atom.xml": ATOM_FEED.format(
                    home="../", self="all.atom.xml", entry="../index.html", content=""
                ),
                "index.html": "",
            },
            "feeds/all.atom.xml: ../: links to a folder, not a file",
            id="feed-folder-link",
        ),
        pytest.param(
            {"feeds/all.atom.xml": "<feed><unclosed></feed>"},
            "feeds/all.atom.xml: -: invalid XML (mismatched tag: line 1, column 18)",
            id="feed-invalid-xml",
        ),
    ],
)
def test_each_kind_of_broken_link_is_reported_with_page_target_and_reason(
    tmp_path, files, expected
):
    assert messages(make_tree(tmp_path, files)) == [expected]


def test_every_broken_link_is_reported_not_just_the_first(tmp_path):
    make_tree(
        tmp_path,
        {
            "index.html": page('<a href="a.html">a</a><a href="b.html">b</a>'),
            "x/y.html": page('<a href="/x">c</a>'),
        },
    )
    assert len(check_site(tmp_path)) == 3


def test_broken_link_prints_as_one_line():
    link = BrokenLink("briefs/a.html", "../x.html", "file not found (x.html)")
    assert str(link) == "briefs/a.html: ../x.html: file not found (x.html)"


def test_links_to_other_hosts_are_allowed_in_body_text(tmp_path):
    make_tree(
        tmp_path,
        {"index.html": page('<a href="https://www.example.org/report.pdf">r</a>')},
    )
    assert check_site(tmp_path) == []


def test_percent_escapes_and_query_strings(tmp_path):
    make_tree(
        tmp_path,
        {
            "index.html": page(
                '<a href="caf%C3%A9.html?x=1">a</a><img src="a%20b.png?v=2" alt="">'
            ),
            "café.html": "",
            "a b.png": "",
        },
    )
    assert check_site(tmp_path) == []


def test_a_broken_link_is_reported_once_a_page_and_on_every_page(tmp_path):
    """Each page's links are resolved once (the same link written twice is
    one problem) and the same link elsewhere in the folder is still checked
    (resolutions are kept by folder, results by target)."""
    twice = page('<a href="gone.html">x</a> <a href="gone.html">again</a>')
    site = make_tree(
        tmp_path / "site",
        {
            "briefs/a.html": twice,
            "briefs/b.html": twice,
            "index.html": page('<a href="briefs/gone.html#x">x</a>'),
        },
    )
    assert messages(site) == [
        "briefs/a.html: gone.html: file not found (briefs/gone.html)",
        "briefs/b.html: gone.html: file not found (briefs/gone.html)",
        "index.html: briefs/gone.html#x: file not found (briefs/gone.html)",
    ]


ROOT_ABSOLUTE = "root-absolute link (breaks from disk and under a sub-path)"


def test_the_resolver_resolves_the_same_when_it_has_forgotten(monkeypatch):
    """What the resolver remembers is only a shortcut: once it is full it
    forgets everything, and what it resolves again is the same."""
    html = page(
        '<a href="a.html">a</a><a href="../b.html#x">b</a><a href="#top">t</a>'
        '<img src="c.png" alt=""><a href="https://example.org/">e</a>'
        '<a href="/root.html">r</a><a href="a.html">again</a>'
    )
    pages = ("briefs/x.html", "briefs/y.html", "index.html")

    def targets(resolver):
        return [resolver.resolve(rel, read_page(rel, html)).targets for rel in pages]

    expected = targets(Resolver())
    monkeypatch.setattr(Resolver, "MEMO_LIMIT", 2)
    forgetting = Resolver()
    found = targets(forgetting)
    assert found == expected
    assert len(forgetting._memo) <= 2
    assert expected[0] == [
        ("a.html", None, "briefs/a.html", None),
        ("../b.html#x", None, "b.html", "x"),
        ("#top", None, "", "top"),
        ("c.png", None, "briefs/c.png", None),
        ("https://example.org/", None, None, None),
        ("/root.html", ROOT_ABSOLUTE, None, None),
    ]


def test_links_are_read_as_a_browser_parses_the_page():
    """An HTML5 parser, not a pattern: what a browser never follows is no
    link, and what it does follow is found however the markup is written."""
    html = (
        '<!-- <a href="in-a-comment.html"> -->'
        "<script>document.write('<a href=\"in-a-script.html\">')</script>"
        '<template><a href="in-a-template.html">t</a></template>'
        '<a title="x > y" href="quoted-gt.html">a</a>'
        '<A HREF="upper.html" href="second.html">b</A>'
        '<img/src="after-slash.png" alt="">'
        '<a href="amp.html?a=1&amp;b=2">c</a>'
        '<svg><use xlink:href="#icon"/></svg><p id="icon">i</p>'
    )
    found = read_page("index.html", html)
    assert [r.url for r in found.references] == [
        "quoted-gt.html",
        "upper.html",
        "after-slash.png",
        "amp.html?a=1&b=2",
        "#icon",
    ]
    assert found.ids == {"icon"}


# Pages read by pieces (PieceReader): the fragments many pages share are read
# once, each page's own text with them cut out.

NAV = '<nav id="site"><a href="regions/x.html">X</a><img src="logo.png" alt=""></nav>'


def found(rel: str, links) -> tuple:
    """What the link check takes of a file: its ids, its problems, and its
    references resolved (each target once, in the order first found)."""
    problems = list(links.problems)
    return links.ids, problems, Resolver().resolve(rel, links).targets


def whole(rel: str, text: str) -> tuple:
    return found(rel, read_page(rel, text))


@pytest.fixture
def whole_reads(monkeypatch) -> list[str]:
    """The files PieceReader read whole after all."""
    read = []
    whole = linkcheck.read_page

    def counted(rel, text):
        read.append(rel)
        return whole(rel, text)

    monkeypatch.setattr(linkcheck, "read_page", counted)
    return read


def test_a_page_read_by_pieces_gives_what_the_whole_page_gives(whole_reads):
    text = page(f"<p id='top'>a</p>{NAV}<main><a href='#site'>s</a></main>{NAV}")
    reader = PieceReader()
    assert found("a.html", reader.read("a.html", text, [NAV, NAV])) == whole(
        "a.html", text
    )
    # A piece that cannot be cut (SVG) stays in the text; the others are cut.
    svg = '<svg viewBox="0 0 1 1"><path d="M0 0"/><use href="#i"/></svg><p id="i">'
    text = page(f"<div>{svg}</p></div>{NAV}")
    pieces = [svg + "</p>", NAV]
    assert found("a.html", reader.read("a.html", text, pieces)) == whole("a.html", text)
    assert whole_reads == []


FOOTER = '<footer><a href="about.html" id="about">About</a></footer>'
A, B = '<a href="a.html">a</a>', '<a href="b.html">b</a>'


@pytest.mark.parametrize(
    ("layout", "pieces"),
    [
        ("<p>a</p><!-- {0} --><p>b</p>", [NAV]),
        ("<!-- {0} -->{1}", [NAV, FOOTER]),
        ("<script>var s = '{0}';</script>{1}", [NAV, FOOTER]),
        ("<template>{0}</template>{1}", [NAV, FOOTER]),
        ("<textarea>{0}</textarea>{1}", [NAV, FOOTER]),
        ("<a title='{0}' href='t.html'>t</a>{1}", [NAV, FOOTER]),
        ("<a title={0}>t</a>", [NAV]),
        ("<svg>{0}</svg>", ['<a href="x.html">x</a><image href="i.png">']),
        ("<svg>{0}</svg>", ['<a href="x.html">x</a><image href="i.png"></image>']),
        ("<math>{0}</math>", ['<a href="x.html">x</a><image href="i.png">']),
        ("<!-- {0}", ['--><a href="x.html">x</a>']),
        ("<img src='a.png' alt='' {0}>", ["<b>x</b>"]),
        ("<select>{0}</select>", [NAV]),
        ('<form action="a.html">{0}', ['<form action="b.html"></form>']),
        ("<table>{0}</table>", ['<td id="cell"><a href="x.html">x</a></td>']),
        ("<table>{0}</table>", [NAV]),
        (
            '<table style="background:url(t.png)">{0}</table>',
            ['<form action="f.html"></form>'],
        ),
        ("<table><tr><td>{0}</td>{1}</tr></table>", [B, A]),
        (
            '<table style="background:url(t.png)">{0}</table>',
            ["<style>a{background:url(s.png)}</style>"],
        ),
        ('<p><b style="background:url(b.png)">x{0}z', ["<p>y</p>"]),
        ('<a href="o.html"><div>{0}</div></a>', [A]),
        ('<form action="p.html">{0}<form action="r.html"></form>', ["</form>" + A]),
        (
            '<table><tr><td>{0}</td><td style="background:url(c.png)">c</td></tr>',
            ["</table>" + A],
        ),
        ("{0}<p>after</p><!-- -->", ['<a href="x.html">x</a><!--']),
        ("{0}<image href='i.png'>", ['<svg><a href="x.html">x</a>']),
        ("{0}</template><a href='y.html'>y</a>", ['<template><a href="x.html">']),
        ("{0}<form action='g.html'></form>", ['<form action="f.html">']),
        ("{0}<td id='cell'>c</td>", ["<table><tr><td>a"]),
        ("<body id='b'>{0}", ['<body id="other" class="x">']),
        ("{0}>x</a>", ['<p>hi</p><a href="x.html"']),
        ("{0}a href='y.html'>y</a>", ["<p>hi</p><"]),
        ("<a href='o.html' {0}>o</a>", ['id="i" style="background:url(q.png)"']),
        ("<a\n  href='x.html'>x</a>{0}", ["  "]),
        ("<div>{0}</div>{0}", [NAV, NAV]),
        (
            '<math><mi>{0}</mi></math><form action="g.html"></form>',
            ['<math><mi><form action="f.html"/></mi></math>'],
        ),
        (
            '{0}<form action="g.html"></form>',
            ['<svg><p></p><form action="f.html"/></svg>'],
        ),
        ("<svg><svg><foreignObject>{0}<image href='i.png'>", ["<svg><b>x</b></svg>"]),
        (
            "<div>{0}</div><image href='i.png'>",
            ['<svg><a href="x.html"><path d="M0"/></a></svg>'],
        ),
        ("{0}<image href='i.png'>", ["<svg><g></svg>"]),
        ("<mark>{0}", ['<svg><mar\u212a></mark><image href="i.png"/></svg>']),
        ("{0}<frameset>", [A]),
        ("<!DOCTYPE html><html><head></head>{0}<FrameSet>", ['<div id="x"></div>']),
        (
            "<math><mi><mglyph>{0}</mglyph></mi></math>",
            ['<b><image href="i.png"></image></b>'],
        ),
        ("<math><mi>{0}</mi></math><image href='i.png'>", ["<p></p>"]),
        ("<wbr {0}", [A]),
        ('<wbr id="k" {0}', ["<b></b>"]),
        ("<{0}", ['b id="q"><i></i>']),
        ("<!-- {0}", ['!-- <a href="z.html"></a> -->']),
        ("<!-- {0}", ['<b>--></b><a href="x.html">x</a>']),
        (
            '<table><p>{0}<input type="hidden" src="a.png"><img src="b.png">',
            ["<p></p>"],
        ),
        ('<table><p>{0}<img src="b.png">', ['<p></p><form action="f.html"></form>']),
        ("<table><li>{0}<img src='b.png'><input type=hidden src=a.png>", ["<li></li>"]),
        (
            "<svg><style><foreignObject>{0}</foreignObject></style></svg>",
            ['<b>@import "x.css";</b>'],
        ),
        ("{0}<a href='y.html'>y</a>", ["<div/>" + A]),
        (
            "<!DOCTYPE html><html><head>{0}<link rel=stylesheet href=k.css></head>"
            "<body style='background:url(b.png)'></body></html>",
            ['<link rel="stylesheet" href="h.css">'],
        ),
        (
            "<!DOCTYPE html><html><head>{0}<link rel=stylesheet href=k.css></head>"
            "<body style='background:url(b.png)'></body></html>",
            [A],
        ),
    ],
)
def test_a_piece_the_parser_takes_otherwise_in_its_place_reads_as_the_whole_page(
    layout, pieces
):
    """A piece inside a comment, raw text, a template, an attribute, a tag,
    SVG, MathML, a select, a table or the head; one that leaves one of these
    open, closes what it did not open, or is not whole tags; a form the
    parser ignores; pieces the parser moves about: what is found is what
    reading the page whole finds."""
    text = layout.format(*pieces)
    text = text if text.startswith("<!DOCTYPE") else page(text)
    reader = PieceReader()
    assert found("a/b.html", reader.read("a/b.html", text, pieces)) == whole(
        "a/b.html", text
    )


@pytest.mark.parametrize(
    ("piece", "cut"),
    [
        ('<nav><a href="x.html">x</a><br><img src="i.png" alt=""></nav>', True),
        ('<a href="f.xml"><svg viewBox="0 0 1 1"><path d="M0"/></svg>Feed</a>', True),
        ("<p>a<p>b</p>", False),  # closed by the next one, not by its own tag
        ("<div/>", False),  # "/>" closes no HTML element
        ("</div><div>", False),
        ("<svg><g></svg></g>", False),
        ("<svg><g/></svg><svg><path/>", False),
        ("<svg><p></p></svg>", False),
        ("<svg><foreignObject><div/></foreignObject></svg>", False),
        ("<svg><mar\u212a></mark></svg>", False),  # the Kelvin sign lowers to k
    ],
)
def test_a_piece_is_cut_only_when_it_closes_what_it_opens(piece, cut):
    assert _balanced(piece) is cut


def test_a_piece_missing_from_the_page_or_overlapping_another_reads_it_whole(
    whole_reads,
):
    text = page(NAV)
    reader = PieceReader()
    assert found("index.html", reader.read("index.html", text, [NAV + "<p>"])) == whole(
        "index.html", text
    )
    half = len(NAV) // 2
    assert found(
        "index.html", reader.read("index.html", text, [NAV[: half + 5], NAV[half:]])
    ) == whole("index.html", text)
    assert whole_reads == ["index.html"] * 2


def test_the_sample_site_is_read_by_pieces_as_the_whole_pages_read(
    tmp_path, monkeypatch, whole_reads
):
    """Every page of a real build: the same ids and targets, in the same
    order, and no page with fragments is read whole."""
    from policy_briefs.build import build

    with_pieces = []
    read = PieceReader.read

    def compared(self, rel, text, pieces):
        links = read(self, rel, text, pieces)
        assert found(rel, copy.deepcopy(links)) == whole(rel, text), rel
        if pieces:
            with_pieces.append(rel)
        return links

    monkeypatch.setattr(PieceReader, "read", compared)
    build(ROOT / "content", tmp_path / "output", PDF_EDITIONS="off")
    assert len(with_pieces) > 50
    assert not set(whole_reads) & set(with_pieces)


def test_srcset_candidates_split_on_comma_whitespace():
    assert split_srcset("a.png 1x, b,c.png 2x,d.png 3x") == [
        "a.png",
        "b,c.png",
        "d.png",
    ]
    assert split_srcset(" a.png ") == ["a.png"]


PRODUCTION_FILES = {
    "index.html": page(
        "",
        head=f'<link rel="canonical" href="{SITE_URL}/index.html">'
        '<link rel="alternate" type="application/atom+xml" '
        f'href="{SITE_URL}/feeds/all.atom.xml">',
    ),
    "briefs/a.html": page(
        "", head=f'<link rel="canonical" href="{SITE_URL}/briefs/a.html">'
    ),
    "feeds/all.atom.xml": ATOM_FEED.format(
        home=f"{SITE_URL}/index.html",
        self=f"{SITE_URL}/feeds/all.atom.xml",
        entry=f"{SITE_URL}/briefs/a.html",
        content=f"&lt;img src=&quot;{SITE_URL}/img/a.png&quot;&gt;",
    ),
    "img/a.png": "",
}


class TestProductionSiteUrl:
    """With `site_url`, absolute URLs into the site are checked as files."""

    def test_absolute_urls_under_site_url_resolve_to_files(self, tmp_path):
        make_tree(tmp_path, PRODUCTION_FILES)
        assert messages(tmp_path, site_url=SITE_URL) == []
        assert messages(tmp_path, site_url=SITE_URL + "/") == []

    def test_missing_file_under_site_url_is_reported(self, tmp_path):
        make_tree(
            tmp_path,
            {
                "briefs/a.html": page(
                    "", head=f'<link rel="canonical" href="{SITE_URL}/briefs/b.html">'
                )
            },
        )
        assert messages(tmp_path, site_url=SITE_URL) == [
            f"briefs/a.html: {SITE_URL}/briefs/b.html: file not found (briefs/b.html)"
        ]

    def test_an_encoded_slash_under_site_url_is_reported(self, tmp_path):
        make_tree(
            tmp_path,
            {
                "briefs/a.html": page(
                    "", head=f'<link rel="canonical" href="{SITE_URL}/briefs%2Fa.html">'
                )
            },
        )
        assert messages(tmp_path, site_url=SITE_URL) == [
            f"briefs/a.html: {SITE_URL}/briefs%2Fa.html: encoded slash (%2F) in "
            "the path: from disk it names no file"
        ]

    def test_site_root_is_a_folder(self, tmp_path):
        make_tree(
            tmp_path,
            {"index.html": page("", head=f'<link rel="canonical" href="{SITE_URL}/">')},
        )
        assert messages(tmp_path, site_url=SITE_URL) == [
            f"index.html: {SITE_URL}/: links to a folder, not a file"
        ]

    def test_pages_must_link_relatively_even_in_production(self, tmp_path):
        make_tree(
            tmp_path,
            {
                "index.html": page(
                    f'<a href="{SITE_URL}/briefs/a.html">a</a>',
                    head=f'<link rel="stylesheet" href="{SITE_URL}/site.css">',
                ),
                "briefs/a.html": "",
                "site.css": "",
            },
        )
        assert messages(tmp_path, site_url=SITE_URL) == [
            f"index.html: {SITE_URL}/site.css: "
            "absolute URL to this site (use a relative link)",
            f"index.html: {SITE_URL}/briefs/a.html: "
            "absolute URL to this site (use a relative link)",
        ]

    def test_other_paths_on_the_same_host_are_external(self, tmp_path):
        make_tree(
            tmp_path,
            {"index.html": page('<a href="https://org.github.io/other/">o</a>')},
        )
        assert messages(tmp_path, site_url=SITE_URL) == []

    def test_without_site_url_production_links_count_as_external(self, tmp_path):
        make_tree(tmp_path, {"index.html": page(f'<a href="{SITE_URL}/x.html">x</a>')})
        assert messages(tmp_path) == []


def test_sitemap_locations_must_be_files(tmp_path):
    make_tree(
        tmp_path,
        {
            "sitemap.xml": '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{SITE_URL}/index.html</loc></url>"
            f"<url><loc>{SITE_URL}/gone.html</loc></url></urlset>",
            "index.html": "",
        },
    )
    assert messages(tmp_path, site_url=SITE_URL) == [
        f"sitemap.xml: {SITE_URL}/gone.html: file not found (gone.html)"
    ]


def test_checks_5000_cross_linked_pages_and_finds_the_one_broken_fragment(tmp_path):
    """At the scale of a real collection (its time is measured by `invoke
    bench`, as part of every build, never here)."""
    body = "".join(f'<a href="p{i}.html#s">{i}</a>' for i in range(40))
    html = page(f'<h2 id="s">S</h2>{body}<img src="img.png" alt="">')
    for i in range(5000):
        (tmp_path / f"p{i}.html").write_text(html)
    (tmp_path / "img.png").write_text("")
    (tmp_path / "p4999.html").write_text(
        html.replace('href="p7.html#s"', 'href="p7.html#t"')
    )
    # Exactly this one: none of the other 204,999 links is reported.
    assert [str(link) for link in check_site(tmp_path)] == [
        'p4999.html: p7.html#t: no id "t" in p7.html'
    ]


def test_linkcheck_task_prints_each_broken_link_and_exits_1(tmp_path):
    make_tree(tmp_path, {"index.html": page('<a href="gone.html">x</a>')})
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "linkcheck", "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "index.html: gone.html: file not found (gone.html)" in result.stderr


def test_linkcheck_task_passes_a_good_site(good_site):
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "linkcheck", "--output", str(good_site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# The sample site -----------------------------------------------------------


@pytest.fixture(scope="module")
def sample_builds(sample_development, sample_production):
    """The project's content built with both settings files (conftest.py)."""
    return sample_development, sample_production


def test_sample_site_development_build_has_no_broken_links(sample_builds):
    dev, _ = sample_builds
    assert messages(dev) == []


def test_sample_site_production_build_has_no_broken_links(sample_builds):
    _, prod = sample_builds
    assert messages(prod, site_url=SITE_URL) == []


def test_sample_production_build_checks_absolute_links_as_files(sample_builds):
    """Break one brief: its absolute feed and sitemap entries must be caught."""
    _, prod = sample_builds
    copy = prod.parent / "prod-broken"
    shutil.copytree(prod, copy)
    victim = sorted((copy / "briefs").glob("*.html"))[0]
    victim.unlink()
    broken = messages(copy, site_url=SITE_URL)
    assert any(
        line.startswith("feeds/all.atom.xml: ")
        and line.endswith(f"file not found (briefs/{victim.name})")
        for line in broken
    ), broken
    assert any(line.startswith("sitemap.xml: ") for line in broken), broken
