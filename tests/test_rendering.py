"""Markdown rendering: the fast inline and block passes give exactly
Python-Markdown's HTML, and an edited brief is rendered anew."""

from __future__ import annotations

import random

import pytest
from markdown import Markdown
from markdown.extensions import footnotes
from markdown.inlinepatterns import LinkInlineProcessor
from pelican.settings import read_settings

from briefs import fastinline
from briefs.fastblock import GuardedPattern
from briefs.fastinline import required_search, required_strings
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
    # Block level: each processor's expression, matched and just missed.
    "# One\n## Two ##\nnot # a heading\n\n####### seven\n\n#no space",
    "Setext\n======\n\nAlso\n---\n\n- - -\n\n* * *\n\n___\n\n--\n\n**",
    "> quote\n> > nested\nlazy line\n\n   > indented\n\n    > code, not quote",
    "Term\n: def one\n:   def two\n\nNot: a definition\n\n: orphan",
    "[^a]: note\n    more\n\n[^b]:\n\nText[^a][^b] [^c]\n\n   [^d]: three spaces",
    "*[ABBR]: An abbreviation\n\nThe ABBR here.\n\n*[]: empty\n\n* [x]: list",
    "[ref]: http://x.org 'T'\n[other]:\n  http://y.org\n\n[ref], [other][], [gone]",
    "```\ncode # not heading\n> not quote\n```\n\n~~~ {.py}\nx\n~~~\n\n``` unclosed",
    "| a | b |\n| - | - |\n| 1 | 2 |\n\n| lone |\n\na | b\n--|--\nc | d",
    "1. one\n    # nested heading\n    > nested quote\n2. two\n\n    - code?\n\n3) x",
    # Heading ids (the toc extension): repeated, set by hand, with markup,
    # footnotes and labels, and the [TOC] marker that asks for the table.
    "# A\n\n# A\n\n## A {: #a }\n\n# *Em* `code` &amp; [link](x)[^n]\n\n[^n]: N",
    '# Label {: data-toc-label="Short" }\n\n## Two {: #two data-toc-label="2" }',
    "[TOC]\n\n# One\n\n## Two",
    # Brackets: nested, unbalanced, stray, in images and references.
    "[[a] [b]] [c [d] e](x) ![[i]](y.png) ]stray[ [open [x](z) [r][] [[r]]",
    "[a [b [c](d) e](f) ![g [h]](i.png) [j]](k) [l]\n\n[r]: http://r.org",
    "[" * 40 + "x" + "]" * 39 + "(y) " + "![" * 5 + "](z)" + "]" * 7,
    "Text [TOC] inside\n\n    [TOC]\n\n`[TOC]`\n\n# Heading",
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
    # Lines of block syntax, shuffled: headings, rules, quotes, lists,
    # definitions, footnotes, abbreviations, references, fences, tables.
    starts = ["", "#", "##", "> ", ">", ": ", "- ", "* ", "1. ", "    ", "   ", "---"]
    starts += ["***", "___", "[^x]: ", "*[x]: ", "[r]: ", "```", "~~~", "| ", "=="]
    words = ["a", "'b'", '"c"', "d--e", "#", ">", ":", "[^x]", "[r]", "|", "*f*"]
    samples += [
        "\n".join(
            rng.choice(starts) + " ".join(rng.choice(words) for _ in range(3))
            for _ in range(rng.randint(1, 12))
        )
        for _ in range(300)
    ]
    return TRICKY + samples


def test_fast_passes_give_python_markdowns_html():
    renderer, reference = MarkdownRenderer(CONFIG), stock()
    for text in texts():
        assert renderer.render(text) == reference.reset().convert(text), text


def test_required_strings_are_looked_for_once_a_text_not_once_a_match(monkeypatch):
    """After a match, the text before it is placeholders: looking for a
    pattern's required strings in all of it again for every match made
    '*_' * 20,000 take ten seconds to render (stock Python-Markdown: one)."""
    scanned: list[int] = []
    required = fastinline._required

    def counting(regex):
        strings, search = required(regex)
        if search is None:
            return strings, search

        def counted(data: str):
            scanned.append(len(data))
            return search(data)

        return strings, counted

    monkeypatch.setattr(fastinline, "_required", counting)
    text = "*_" * 2000
    assert MarkdownRenderer(CONFIG).render(text) == stock().convert(text)
    assert 0 < sum(scanned) < 100 * len(text), sum(scanned)


@pytest.mark.parametrize("near", [fastinline._NEAR, 0])
def test_links_are_read_as_python_markdown_reads_them(monkeypatch, near):
    """At every `[` and `(` of random texts, the same text, address, title,
    end and answer as Python-Markdown's getText and getLink (`near` 0:
    every link through the text's marks, none found at once)."""
    monkeypatch.setattr(fastinline, "_NEAR", near)
    md = stock()
    md.treeprocessors["inline"].stashed_nodes = {}  # (getLink unescapes)
    rng = random.Random(5)
    for name in ("link", "image_link", "reference"):
        original = md.inlinePatterns[name]
        linear = fastinline._with_linear_links(type(original))
        for _ in range(400):
            data = "".join(rng.choice("[[]]((())\"'  ax<>\n") for _ in range(40))
            fast = linear.__new__(linear)
            fast.__dict__.update(original.__dict__)
            for index, character in enumerate(data):
                if character == "[":
                    expected = LinkInlineProcessor.getText(original, data, index + 1)
                    assert fast.getText(data, index + 1) == expected, (data, index)
                elif character == "(":
                    expected = LinkInlineProcessor.getLink(original, data, index)
                    assert fast.getLink(data, index) == expected, (data, index)


def test_a_texts_links_are_read_once_not_from_each_link(monkeypatch):
    """Python-Markdown read from each `[` to its `]` and from each `(` to its
    `)`, or to the end of the text when there was none: 20,000 brackets took
    it 54 s, 10,000 unfinished links 40 s. A text's marks are now read once
    (none for a short link with no title), and Python-Markdown's own getLink
    reads only as far as its scan goes; its own getText never runs."""
    marked: list[int] = []
    read: list[int] = []
    closing = fastinline.closing_brackets
    get_link = LinkInlineProcessor.getLink

    def counting(data: str):
        marked.append(len(data))
        return closing(data)

    def reading(self, data: str, index: int):
        if data.startswith("(", index):  # (else it reads nothing)
            read.append(len(data) - index)
        return get_link(self, data, index)

    def never(*args):
        raise AssertionError("Python-Markdown's own bracket count ran")

    plain = "[a](b) [c][] ![d](e.png) [f](g)\n\n[c]: f"
    hostile = [
        *("[" * 500 + "]" * 500, "[" * 500, "[a][" * 500, "[x" * 500 + "]"),
        *(unit * 500 for unit in ("[a](", '[a]("x)', "![a](x ", "[a](x 't")),
        "[a](" * 500 + '"',
    ]
    expected = {text: stock().convert(text) for text in [plain, *hostile]}
    monkeypatch.setattr(fastinline, "closing_brackets", counting)
    monkeypatch.setattr(LinkInlineProcessor, "getText", never)
    monkeypatch.setattr(LinkInlineProcessor, "getLink", reading)
    renderer = MarkdownRenderer(CONFIG)
    for text in hostile:
        marked.clear()
        read.clear()
        assert renderer.render(text) == expected[text]
        assert sum(marked) <= 8 * len(text), (text[:20], sum(marked))
        assert sum(read) <= 4 * len(text), (text[:20], sum(read))
    marked.clear()
    assert renderer.render(plain) == expected[plain]
    assert marked == []


def test_footnote_references_are_numbered_without_walking_each_chain(monkeypatch):
    """The n-th reference to a footnote gets the id Python-Markdown gives it
    (fnref:1, fnref2:1...), found where the last one was: Python-Markdown
    walked the ids from the first each time (8,000 references took 33 s)."""
    rng = random.Random(8)
    labels = ["1", "2", "a", "fnref", "x-y"]
    texts = [
        " ".join(f"w[^{rng.choice(labels)}]" for _ in range(rng.randint(1, 60)))
        + "\n\n"
        + "\n".join(f"[^{label}]: note {label}" for label in labels)
        for _ in range(40)
    ]
    texts.append("x[^1] " * 400 + "\n\n[^1]: n")
    expected = [stock().convert(text) for text in texts]
    walked = []
    real = footnotes.RE_REF_ID

    class Counting:  # (each step of a walk matches one id against it)
        def match(self, ref):
            walked.append(ref)
            return real.match(ref)

    monkeypatch.setattr(fastinline, "RE_REF_ID", Counting())
    monkeypatch.setattr(footnotes, "RE_REF_ID", Counting())
    renderer = MarkdownRenderer(CONFIG)
    for text, html in zip(texts, expected, strict=True):
        walked.clear()
        assert renderer.render(text) == html
        assert len(walked) <= text.count("[^"), (text[:40], len(walked))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!-)---(?!-)", ("---",)),
        (r"\*|_", ("*", "_")),
        (r"(\s|&nbsp;)'(?=\w)", ("'",)),
        (r"a?b", ("b",)),
        (r"(?i)abc", None),
        (r"[a-z]+", None),
        # What a lookahead or lookbehind requires is in the text too.
        (r"^ {0,3}(?=(-+ ?){3,})", ("-",)),
        (r"(?<=ab)c?", ("ab",)),
        (r"(?!x)y?", None),
    ],
)
def test_required_strings(pattern, expected):
    import re

    assert required_strings(re.compile(pattern)) == expected


def test_block_expressions_are_guarded_by_what_they_require():
    """The block pass is fast only if the guards are there: every block
    expression with required strings has one (the rule's since lookaheads
    count), and one without is left as it was."""
    parser = MarkdownRenderer(CONFIG)._md.parser
    processors = {type(p).__name__: p for p in parser.blockprocessors}
    for name, attribute in [
        ("HashHeaderProcessor", "RE"),
        ("HRProcessor", "SEARCH_RE"),
        ("BlockQuoteProcessor", "RE"),
        ("FootnoteBlockProcessor", "RE"),
    ]:
        assert isinstance(getattr(processors[name], attribute), GuardedPattern)
    unguarded = processors["DefListProcessor"].NO_INDENT_RE
    assert required_strings(unguarded) is None
    assert not isinstance(unguarded, GuardedPattern)


def test_a_guarded_pattern_answers_as_its_expression():
    import re

    expression = re.compile(r"(?:^|\n)(#{1,6}) (.*)")
    guarded = GuardedPattern(expression, required_search(expression))
    for text in ["", "plain", "# h", "a\n## b", "#nospace", "x # y"]:
        for method in ("search", "match"):
            mine = getattr(guarded, method)(text)
            theirs = getattr(expression, method)(text)
            assert (mine and mine.groups()) == (theirs and theirs.groups()), text
    assert guarded.pattern == expression.pattern
    assert guarded.sub("", "a\n# b") == expression.sub("", "a\n# b")


def test_an_edited_brief_is_rendered_anew(site):
    path = site.brief("x", body="First version.")
    site.build()
    assert "First version." in site.html("briefs/x.html").find("main").get_text()
    path.write_text(path.read_text("utf-8").replace("First", "Second"), "utf-8")
    site.build()
    text = site.html("briefs/x.html").find("main").get_text()
    assert "Second version." in text and "First version." not in text


def test_a_date_is_formatted_for_its_own_moment_and_zone():
    """Dates are formatted once per moment (briefs share them): two dates of
    the same instant in other zones, or of the same offset under other
    names, are not one moment."""
    from datetime import timedelta, timezone
    from zoneinfo import ZoneInfo

    from pelican.utils import SafeDatetime

    from briefs.model import _formatter

    locale_date = _formatter("%-d %B %Y %H:%M %Z")
    utc = SafeDatetime(2024, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    tokyo = SafeDatetime(2024, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert utc == tokyo  # one instant
    a = SafeDatetime(2024, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1), "A"))
    b = SafeDatetime(2024, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1), "B"))
    for _ in range(2):
        assert locale_date(utc) == "1 March 2024 23:30 UTC"
        assert locale_date(tokyo) == "2 March 2024 08:30 JST"
        assert [locale_date(a), locale_date(b)] == [
            "1 March 2024 09:00 A",
            "1 March 2024 09:00 B",
        ]
