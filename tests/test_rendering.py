"""Markdown rendering: the fast inline pass gives exactly Python-Markdown's
HTML, and an edited brief is rendered anew."""

from __future__ import annotations

import random

import pytest
from markdown import Markdown
from pelican.settings import read_settings

from briefs.fastinline import required_strings
from briefs.reading import MarkdownRenderer
from policy_briefs.corpus import Corpus, body
from policy_briefs.project import CONTENT, ROOT

CONFIG = read_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]

TRICKY = [
    "He said, \"'Quoted' words in a larger quote.\" 'Twas the '80s -- or was it---no.",
    "Ellipses... and four.... dots; em---dash; en--dash; <<angled>> quotes.",
    "*em* **strong** ***both*** _under_ __double__ `code *not em*` \\*escaped\\*",
    "A [link](http://x.org 'title') and ![img](a.png) and <http://auto.link> <a@b.c>",
    'Raw <span class="x">html</span> &amp; &copy; entities & bare ampersand < 3',
    'Footnote[^n] and abbr HTML.\n\n*[HTML]: Hyper Text\n\n[^n]: The "note".',
    "Line  \nbreak and `` `double` `` ticks and \\`not code\\`",
    "- list 'one'\n- \"two\"\n\n1. num\n2. *num*\n\n> quote -- dash",
    "Text\n\n    code 'block' -- \"quoted\"",
    '| a | \'b\' |\n|---|---|\n| *c* | "d" |\n\nTerm\n:   Definition "quoted"',
    "{: #x } Para with attr list.\n{: .cls }\n\n## Heading 'one' {: #h1 }",
    "Quotes at start: 'single' \"double\" '\"both\"' \"'both'\" end.'",
    "Nested **bold *italic* bold** and *italic **bold** italic* and __*mix*__",
]


def stock() -> Markdown:
    extensions = CONFIG["extension_configs"]
    return Markdown(
        extensions=list(extensions),
        extension_configs=extensions,
        output_format=CONFIG["output_format"],
    )


def texts() -> list[str]:
    corpus = Corpus(7)
    samples = [body(corpus, n) for n in range(40)]
    samples += [p.read_text("utf-8") for p in sorted(CONTENT.rglob("*.md"))]
    rng = random.Random(3)
    pieces = "'\"-.*_`[]()<>&!#\\ \n:^{}|~=+19s"
    samples += [
        "".join(rng.choice(pieces + "ab") for _ in range(80)) for _ in range(300)
    ]
    return TRICKY + samples


def test_fast_inline_pass_gives_python_markdowns_html():
    renderer, reference = MarkdownRenderer(CONFIG), stock()
    for text in texts():
        assert renderer.render(text) == reference.reset().convert(text), text


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!-)---(?!-)", ("---",)),
        (r"\*|_", ("*", "_")),
        (r"(\s|&nbsp;)'(?=\w)", ("'",)),
        (r"a?b", ("b",)),
        (r"(?i)abc", None),
        (r"[a-z]+", None),
    ],
)
def test_required_strings(pattern, expected):
    import re

    assert required_strings(re.compile(pattern)) == expected


def test_an_edited_brief_is_rendered_anew(site):
    path = site.brief("x", body="First version.")
    site.build()
    assert "First version." in site.html("briefs/x.html").find("main").get_text()
    path.write_text(path.read_text("utf-8").replace("First", "Second"), "utf-8")
    site.build()
    text = site.html("briefs/x.html").find("main").get_text()
    assert "Second version." in text and "First version." not in text
