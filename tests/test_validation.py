"""Bad input never slips through: each case is an error of the validation
every build runs before it writes anything, in a one-line message naming
file, field, expected and found; all of them at once fail the real build
and leave the previous output exactly as it was."""

from __future__ import annotations

import time

import pytest
from conftest import snapshot

from briefs.characters import FORBIDDEN, first_forbidden
from briefs.collection import validate_content
from briefs.yamltree import TreeError
from briefs.yamltree import parse as parse_yaml
from policy_briefs.build import BuildError, build

GOOD = """---
title: Water Policy
author: Yuki Tatsumi
region: Northeast Asia
date: 2024-03-20
{extra}---
Body.
"""


def fm(extra: str = "", **replace: str) -> str:
    """A valid brief with lines added (`extra`) or fields replaced."""
    text = GOOD.format(extra=extra)
    for field, line in replace.items():
        old = next(ln for ln in text.splitlines() if ln.startswith(f"{field}:"))
        text = text.replace(old + "\n", line + "\n" if line else "")
    return text


# (case id, file text or bytes, expected fragment of the one-line message)
BAD_BRIEFS = [
    ("missing-title", fm(title=""), "x.md: title: required field is missing"),
    ("empty-title", fm(title="title:"), "x.md: title: expected text, found nothing"),
    ("blank-title", fm(title='title: "  "'), "title: expected text, found an empty"),
    (
        "invisible-title",
        fm(title='title: "\\u202E\\u200B \\u3164"'),
        "x.md: title: expected text, found only invisible characters (U+202E, "
        "U+200B, U+3164); delete them and write the text",
    ),
    (
        "invisible-author",
        fm(author='author: ["\\u2060\\u00AD"]'),
        "x.md: author: expected a name or a list of names, found '\\u2060\\xad' "
        "in the list",
    ),
    ("missing-author", fm(author=""), "x.md: author: required field is missing"),
    ("empty-author", fm(author="author: []"), "author: expected one or more names"),
    ("missing-region", fm(region=""), "x.md: region: required field is missing"),
    ("missing-date", fm(date=""), "x.md: date: required field is missing"),
    (
        "title-mapping",
        fm(title="title: {a: b}"),
        "title: expected text, found a mapping",
    ),
    (
        "title-number",
        fm(title="title: 42"),
        "title: expected text, found the number 42",
    ),
    (
        "author-mapping",
        fm(author="author: {name: Yuki}"),
        "author: expected a name or a list of names, found a mapping",
    ),
    (
        "author-nested-list",
        fm(author="author: [[a, b]]"),
        "author: expected a name or a list of names, found a list in the list",
    ),
    ("date-list", fm(date="date: [2024-01-01]"), "date: expected a date like"),
    ("date-impossible", fm(date="date: 2019-13-45"), "'2019-13-45' is not a real date"),
    ("date-year-only", fm(date="date: 2024"), "found '2024'"),
    ("date-month-name", fm(date="date: March 2024"), "found 'March 2024'"),
    ("date-us-style", fm(date="date: 03/04/2024"), "found '03/04/2024'"),
    (
        "updated-before-date",
        fm("updated: 2024-03-01\n"),
        "updated: 2024-03-01 is earlier than the date 2024-03-20",
    ),
    (
        "too-many-topics",
        fm("tags: [" + ", ".join(f"t{n}" for n in range(21)) + "]\n"),
        "x.md: tags: expected at most 20 topics, found 21",
    ),
    (
        "too-many-topics-in-a-text",
        fm("tags: " + ", ".join(f"t{n}" for n in range(300)) + "\n"),
        "x.md: tags: expected at most 20 topics, found 300",
    ),
    (
        "too-many-regions",
        fm(region="region: [" + ", ".join(f"r{n}" for n in range(25)) + "]"),
        "x.md: region: expected at most 20 regions, found 25",
    ),
    (
        "year-typo",
        fm(date="date: 0024-03-20"),
        "x.md: date: '0024-03-20': expected a year from 1900 to 2100",
    ),
    (
        "far-future-update",
        fm("updated: 2204-01-01T10:00:00Z\n"),
        "x.md: updated: '2204-01-01T10:00:00Z': expected a year from 1900 to 2100",
    ),
    (
        "over-long-slug",
        fm("slug: " + "a" * 201 + "\n"),
        "x.md: slug: the page address would be 201 characters long, at most 200",
    ),
    (
        "over-long-topic",
        fm("tags: [" + "T" * 300 + "]\n"),
        "gives a page address of 300 characters, at most 200; use a shorter name",
    ),
    (
        "over-long-alias",
        fm("aliases: [briefs/" + "a" * 300 + ".html]\n"),
        "longer than 200 characters, more than a file name may have",
    ),
    (
        "image-outside-content-with-alt",
        fm("image: ../../etc/passwd.png\nimage_alt: A map\n"),
        "x.md: image: expected a path inside content/ like images/map.jpg",
    ),
    (
        "updated-earlier-the-same-day",
        fm("updated: 2024-03-20T08:00:00+00:00\n", date="date: 2024-03-20T09:30:00Z"),
        "updated: 2024-03-20T08:00:00+00:00 is earlier than the date "
        "2024-03-20T09:30:00+00:00",
    ),
    (
        "unquoted-colon",
        fm(title="title: North Korea: What Next"),
        "line 2, column 19: YAML syntax error: a value contains ': '; put the whole",
    ),
    (
        "tab-indent",
        fm("tags:\n\t- Japan\n"),
        "YAML syntax error: tab characters cannot indent YAML; use spaces",
    ),
    (
        "duplicate-key",
        fm("title: Again\n"),
        "line 6: duplicate key 'title' (first on line 2); keep only one",
    ),
    (
        "huge-front-matter",
        fm("".join(f"key{n}: value\n" for n in range(6000))),
        "x.md: line 2: the front matter is 88,970 characters long, at most 65,536; "
        "move long text into the body",
    ),
    ("not-a-mapping", "---\n- a\n- b\n---\nBody\n", "must be 'field: value' lines"),
    ("scalar-front-matter", "---\njust text\n---\nBody\n", "found 'just text'"),
    ("unclosed", "---\ntitle: X\nauthor: Y\n", "opened by '---' on line 1 is never"),
    ("no-front-matter", "# Just Markdown\n\nBody.\n", "no front matter"),
    ("empty-file", "", "the file is empty"),
    ("latin-1", fm().replace("Body.", "Caf\xe9.").encode("latin-1"), "byte offset 92"),
    ("utf-16", fm().encode("utf-16"), "the file is encoded as UTF-16"),
    (
        "python-tag",
        fm("tags: !!python/object/apply:os.system ['echo hi']\n"),
        "YAML tags (tag:yaml.org,2002:python/object/apply:os.system) are not",
    ),
    (
        "alias-bomb",
        fm(
            "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
            "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
            "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        ),
        "line 6: YAML anchors (&a) are not allowed",
    ),
    ("alias", fm("series: *x\n"), "YAML aliases (*x) are not allowed"),
    ("slug-upper", fm("slug: Water_Policy\n"), "slug: expected lowercase letters"),
    ("save_as", fm("save_as: index.html\n"), "x.md: save_as: this key would change"),
    ("url", fm("url: ../../x.html\n"), "x.md: url: this key would change"),
    ("lang", fm("lang: /../../evil\n"), "x.md: lang: this key would change"),
    ("template", fm("template: evil\n"), "x.md: template: this key would change"),
    ("underscore", fm("_content: <script>\n"), "x.md: _content: this key would"),
    ("category", fm("category: misc\n"), "x.md: category: this key would"),
    ("status", fm("status: publish\n"), "status: expected 'published' or 'draft'"),
    (
        "doi-address",
        fm("doi: https://doi.org/10.1234/abcd.5678\n"),
        "x.md: doi: expected the DOI alone, like 10.1234/abcd.5678, found "
        "'https://doi.org/10.1234/abcd.5678'; leave out 'https://doi.org/'",
    ),
    (
        "doi-prefix",
        fm("doi: 'doi:10.1234/abcd'\n"),
        "doi: expected the DOI alone, like 10.1234/abcd, found 'doi:10.1234/abcd'",
    ),
    (
        "doi-form",
        fm("doi: 10.12/abc def\n"),
        "x.md: doi: expected a DOI like 10.1234/abcd.5678 (10., digits, a slash, "
        "then letters, digits or -._;()/:), found '10.12/abc def'",
    ),
    ("doi-number", fm("doi: 10.1234\n"), "doi: expected a DOI like 10.1234/abcd.5678"),
    (
        "doi-arabic-digits",
        fm('doi: "10.\u0661\u0662\u0663\u0664/abc"\n'),
        "x.md: doi: expected a DOI like 10.1234/abcd.5678 (10., digits, a slash, "
        "then letters, digits or -._;()/:), found '10.\u0661\u0662\u0663\u0664/abc'",
    ),
    (
        "date-arabic-digits",
        fm(date='date: "\u0662\u0660\u0662\u0664-03-20"'),
        "x.md: date: expected a date like 2024-03-20 or 2024-03-20T09:30:00+09:00, "
        "found '\u0662\u0660\u0662\u0664-03-20'",
    ),
    ("doi-list", fm("doi: [10.1234/a]\n"), "x.md: doi: expected text, found a list"),
    (
        "unknown-region",
        fm(region="region: Nort East Asia"),
        "x.md: region: 'Nort East Asia' is not a known region "
        "(did you mean 'Northeast Asia'?)",
    ),
    (
        "author-case",
        fm(author="author: yuki tatsumi"),
        "(did you mean 'Yuki Tatsumi'?)",
    ),
    (
        "author-spacing",
        fm(author="author: Yuki  Tatsumi"),
        "(did you mean 'Yuki Tatsumi'?)",
    ),
    (
        "author-accents",
        fm(author="author: Soren Kjaergaard"),
        "(did you mean 'Søren Kjærgaard'?)",
    ),
    (
        "author-typo",
        fm(author="author: Yuki Tatsumy"),
        "(did you mean 'Yuki Tatsumi'?)",
    ),
    (
        "image-missing",
        fm("image: images/nope.jpg\nimage_alt: A map\n"),
        "image: 'images/nope.jpg' does not exist under content/",
    ),
    (
        "image-outside",
        fm("image: ../secret.png\nimage_alt: A map\n"),
        "image: expected a path inside content/",
    ),
    (
        "image-no-alt",
        fm("image: images/map.png\n"),
        "image_alt: required when an image is given",
    ),
    (
        "image-hash",
        fm("image: images/map#1.png\nimage_alt: A map\n"),
        "x.md: image: 'images/map#1.png': a file name with '#' cannot be linked "
        "(browsers read it as part of the address); rename the file",
    ),
    (
        "image-on-another-site",
        fm("image: https://example.org/map.png\nimage_alt: A map\n"),
        "x.md: image: 'https://example.org/map.png' is an address on the web, and "
        "files from other sites are not allowed (the site must work offline); save "
        "the file under content/ and give its path, like images/map.jpg",
    ),
    (
        "image-hidden",
        fm("image: images/.map.png\nimage_alt: A map\n"),
        "x.md: image: 'images/.map.png' is a hidden file or folder, and hidden "
        "files are never published; rename it",
    ),
    (
        "control-character-in-body",
        fm().replace("Body.", "Bo\x07dy."),
        "x.md: line 7, column 3: the character U+0007 (a control character) is not "
        "allowed (it is invisible on the page and breaks feeds); delete it",
    ),
    (
        "noncharacter-in-title",
        fm(title="title: Water\ufffePolicy"),
        "x.md: line 2, column 13: the character U+FFFE (a Unicode noncharacter) is "
        "not allowed (it is invisible on the page and breaks feeds); delete it",
    ),
    (
        "escaped-control-character",
        fm(title='title: "Water\\x1b[31mPolicy"'),
        "x.md: title: contains the character U+001B (a control character), which "
        "is invisible on the page and breaks feeds; delete it",
    ),
    (
        "escaped-noncharacter-in-list",
        fm('tags: ["Japan", "Trade\\uFFFE"]\n'),
        "x.md: tags: contains the character U+FFFE (a Unicode noncharacter), which "
        "is invisible on the page and breaks feeds; delete it",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in BAD_BRIEFS],
    ids=[case[0] for case in BAD_BRIEFS],
)
def test_bad_brief_is_an_error_in_one_line(site, text, expected):
    """What the build reports, without building: the build stops on any
    error of this validation before it writes anything (the test below)."""
    (site.content / "images").mkdir()
    (site.content / "images" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site.brief("good")
    site.raw("x", text)
    collection = validate_content(site.content)
    lines = [str(problem) for problem in collection.problems]
    assert not collection.ok
    assert any(expected in line for line in lines), lines
    assert all("\n" not in line and "Traceback" not in line for line in lines)
    assert all(
        line.startswith("content/briefs/2024/x.md") or "x.md" in line for line in lines
    )


@pytest.mark.parametrize("image", ["../../etc/passwd.png", ".hidden.png", "map.xml"])
def test_a_wrong_image_is_one_problem(site, image):
    """Its alt text and credit were given with it: no second message that
    they came without an image."""
    site.raw("x", fm(f"image: {image}\nimage_alt: A map\nimage_credit: Me\n"))
    problems = validate_content(site.content).problems
    assert [(p.field, p.is_error) for p in problems] == [("image", True)], problems


def test_every_bad_brief_fails_the_build_and_keeps_output(built):
    site, before = built
    for number, (_, text, _) in enumerate(BAD_BRIEFS):
        site.raw(f"bad-{number:02d}", text)
    with pytest.raises(BuildError) as failure:
        site.build()
    lines = failure.value.lines
    for number, (case, _, expected) in enumerate(BAD_BRIEFS):
        name = f"bad-{number:02d}.md"
        expected = expected.replace("x.md", name)
        assert any(name in line and expected in line for line in lines), case
    assert all("\n" not in line and "Traceback" not in line for line in lines)
    assert snapshot(site.output) == before


def test_check_reports_every_problem_in_every_file(site):
    for number, (_, text, _) in enumerate(BAD_BRIEFS):
        site.raw(f"bad-{number:02d}", text)
    collection = validate_content(site.content)
    messages = [str(p) for p in collection.problems]
    for number, (case, _, expected) in enumerate(BAD_BRIEFS):
        name = f"bad-{number:02d}.md"
        expected = expected.replace("x.md", name)
        assert any(name in m and expected in m for m in messages), (case, messages)


@pytest.mark.parametrize(
    ("date", "updated"),
    [
        ("2024-03-10T20:00:00-08:00", "2024-03-11"),
        ("2024-03-10T20:00:00-08:00", "2024-03-10"),
        ("2024-03-10T20:00:00-08:00", "2024-03-11T04:30:00Z"),
        ("2024-03-10", "2024-03-10T08:00:00+09:00"),  # 23:00 UTC on the 9th
    ],
)
def test_updated_on_the_days_pages_show_is_not_earlier(site, date, updated):
    """A day without a time compares as the days pages show: 11 March
    follows 10 March at 20:00 in UTC-8, whose instant is 04:00 UTC on the
    11th."""
    site.raw("x", fm(f"updated: {updated}\n", date=f"date: {date}"))
    site.build()
    shown = site.html("briefs/x.html").select("time[datetime]")
    assert shown[0]["datetime"].startswith("2024-03-10")


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [("title", "Yes", "Yes"), ("title", "No", "No"), ("title", "'0755'", "0755")],
)
def test_yaml_11_words_stay_text(site, field, value, shown):
    site.raw("x", fm(**{field: f"{field}: {value}"}))
    site.build()
    assert site.html("briefs/x.html").h1.get_text(strip=True) == shown


def test_numbers_in_lists_stay_as_written(site):
    site.raw("x", fm("tags: [0755, 1e3, yes]\n"))
    site.build()
    topics = site.html("topics/index.html").find("main").get_text(" ")
    assert "0755" in topics and "1e3" in topics and "yes" in topics


def test_topics_as_one_text_are_split_at_commas_as_pelican_does(site):
    site.raw("x", fm("tags: Critical Infrastructure, NATO,\n"))
    site.raw("y", fm('tags: ["Trade, Aid"]\n'))  # a list keeps its commas
    site.build()
    topics = {a.get_text(strip=True) for a in site.html("briefs/x.html").select("a")}
    assert {"Critical Infrastructure", "NATO"} <= topics
    assert (site.output / "topics" / "critical-infrastructure.html").is_file()
    assert (site.output / "topics" / "nato.html").is_file()
    assert (site.output / "topics" / "trade-aid.html").is_file()
    assert not (site.output / "topics" / "critical-infrastructure-nato.html").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('", ,"', "x.md: tags: expected a topic or a list of topics, found ', ,'"),
        ("NATO, NATO", "x.md: tags: 'NATO' is listed twice"),
    ],
)
def test_topics_as_one_text_must_name_each_once(site, value, expected):
    site.raw("x", fm(f"tags: {value}\n"))
    problems = [str(p) for p in validate_content(site.content).problems]
    assert any(problem.endswith(expected) for problem in problems), problems


def test_names_joined_by_a_comma_get_the_list_they_meant(site):
    """A guest name with a comma is allowed (Martin Luther King, Jr.), but
    is far more often two names meant as a list: a warning says how."""
    site.brief("x", author="Yuki Tatsumi, Søren Kjærgaard")
    site.brief("y", region="Europe, Northeast Asia")
    problems = {
        p.path.rsplit("/", 1)[1]: p for p in validate_content(site.content).problems
    }
    assert not problems["x.md"].is_error
    assert str(problems["x.md"]).endswith(
        "x.md: author: warning: 'Yuki Tatsumi, Søren Kjærgaard' is not in "
        "authors.yml and holds a comma; for several authors write a list: "
        '["Yuki Tatsumi", "Søren Kjærgaard"]'
    )
    assert str(problems["y.md"]).endswith(
        "y.md: region: 'Europe, Northeast Asia' is not a known region; for "
        'several regions write a list: ["Europe", "Northeast Asia"]'
    )


def test_guest_authors_are_allowed(site):
    site.brief("x", author=["Yuki Tatsumi", "Maria Lopez"])
    site.build()
    assert (site.output / "authors" / "maria-lopez.html").is_file()


def test_case_insensitive_duplicate_output_names_both_files(site):
    site.brief("Water-Policy")
    site.brief("water-policy")
    problems = [str(p) for p in validate_content(site.content).problems]
    assert len(problems) == 1
    assert "would write briefs/water-policy.html" in problems[0]
    assert "Water-Policy.md" in problems[0] and "water-policy.md" in problems[0]


def test_explicit_slug_collides_with_file_name(site):
    site.brief("water-policy")
    site.brief("other", slug="water-policy")
    problems = [str(p) for p in validate_content(site.content).problems]
    assert any("other.md" in p and "water-policy.md" in p for p in problems)


def test_two_spellings_of_a_guest_share_a_page(site):
    site.brief("a", author="Zoë Martin")
    site.brief("b", author="Zoe Martin")
    problems = [str(p) for p in validate_content(site.content).problems]
    assert any("would share the page authors/zoe-martin.html" in p for p in problems)


def test_symbolic_link_under_content_is_refused(site, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(fm(), "utf-8")
    link = site.content / "briefs" / "leak.md"
    link.symlink_to(outside)
    problems = [str(p) for p in validate_content(site.content).problems]
    assert any(
        "leak.md" in p and "symbolic links are not allowed" in p for p in problems
    )


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_symbolic_link_added_after_a_build_fails_the_next(site, tmp_path, kind):
    """A link made under content/ after a good build changes the inputs the
    up-to-date check compares (os.walk lists a link to a folder without
    walking it): the build fails as a clean one does, output untouched."""
    site.brief("good")
    site.build()
    before = snapshot(site.output)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text(fm(), "utf-8")
    link = site.content / "briefs" / "linked"
    link.symlink_to(elsewhere if kind == "folder" else elsewhere / "secret.md")
    with pytest.raises(BuildError) as failed:
        site.build()
    assert failed.value.lines == [
        "content/briefs/linked: symbolic links are not allowed under content/ "
        "(they could publish files from outside it); copy the file instead"
    ]
    assert snapshot(site.output) == before


def test_non_markdown_file_in_briefs_is_not_skipped_silently(site):
    site.brief("x")
    (site.content / "briefs" / "2024" / "notes.txt").write_text("hi", "utf-8")
    problems = [str(p) for p in validate_content(site.content).problems]
    assert any("notes.txt" in p and "only Markdown briefs" in p for p in problems)


def test_unknown_field_is_a_warning_with_suggestion(site):
    site.raw("x", fm("tag: [Japan]\n"))
    collection = validate_content(site.content)
    assert collection.ok
    [warning] = [str(p) for p in collection.problems]
    assert (
        "x.md: tag: warning: unknown field, ignored (did you mean 'tags'?)" in warning
    )


def test_bom_and_crlf_are_accepted(site):
    site.raw("x", b"\xef\xbb\xbf" + fm().replace("\n", "\r\n").encode("utf-8"))
    site.build()
    assert site.html("briefs/x.html").h1.get_text(strip=True) == "Water Policy"


REGISTRY_CASES = [
    (
        "regions.yml",
        [{"name": "Europe"}, {"name": "Europe"}],
        "content/regions.yml: name: duplicate name 'Europe' (entries 1 and 2)",
    ),
    (
        "regions.yml",
        [{"name": "Europe"}, {"name": "EU", "slug": "europe"}],
        "regions.yml: slug: duplicate slug 'europe' (entries 1 and 2)",
    ),
    ("regions.yml", [{"description": "x"}], "regions.yml: entry 1: name: missing"),
    (
        "regions.yml",
        [{"name": ["a", "b"]}],
        "regions.yml: entry 1: name: expected text, found a list",
    ),
    ("regions.yml", {"Europe": "x"}, "regions.yml: line 1: expected a list of entries"),
    (
        "authors.yml",
        [{"name": "A B"}, {"name": "A B"}],
        "authors.yml: name: duplicate name 'A B'",
    ),
    (
        "authors.yml",
        [{"name": "A", "links": ["x"]}],
        "authors.yml: entry 1: links: expected label: address pairs, found a list",
    ),
    (
        "authors.yml",
        [{"name": "A", "links": {"Profile": "javascript:x", "Data": "data:x,y"}}],
        "authors.yml: entry 1: links: 'Data': expected an address starting with "
        "https://, found 'data:x,y'; 'Profile': expected an address starting with "
        "https://, found 'javascript:x'",
    ),
    (
        "authors.yml",
        [{"name": "Yuki Tatsumi", "bio": "Her book.[^1]\n\n[^1]: Tatsumi, *Book*."}],
        "authors.yml: Yuki Tatsumi: bio: headings, footnotes and id= are not "
        "allowed in a bio (it stands on pages with others, whose ids it would "
        'repeat: id="fnref:1"); write them as plain text',
    ),
    (
        "authors.yml",
        [{"name": "Yuki Tatsumi", "bio": "## Her work\n\nOn defence."}],
        "authors.yml: Yuki Tatsumi: bio: headings, footnotes and id= are not "
        "allowed in a bio (it stands on pages with others, whose ids it would "
        'repeat: id="her-work"); write them as plain text',
    ),
    (
        "regions.yml",
        [{"name": "Europe", "description": "The EU.[^1]\n\n[^1]: Since 1993."}],
        "regions.yml: Europe: description: headings, footnotes and id= are not "
        "allowed in a description (it stands on pages with others, whose ids it "
        'would repeat: id="fnref:1"); write them as plain text',
    ),
    (
        "authors.yml",
        [{"name": "A B", "family": ["A"]}],
        "authors.yml: entry 1: family: expected text, found a list",
    ),
    (
        "authors.yml",
        [{"name": "A B", "given": {"x": "y"}}],
        "authors.yml: entry 1: given: expected text, found a mapping",
    ),
    (
        "authors.yml",
        [{"name": "Nguyen Thi Lan", "given": "Thi Lan"}],
        "authors.yml: Nguyen Thi Lan: given: given is set without family; give "
        "both (or family alone for a single name)",
    ),
    (
        "authors.yml",
        [{"name": "A", "photo": "images/none.jpg"}],
        "authors.yml: A: photo: 'images/none.jpg' does not exist",
    ),
    (
        "authors.yml",
        [{"name": "A", "role": "Fellow\x07"}],
        "content/authors.yml: entry 1: role: contains the character U+0007 (a "
        "control character), which is invisible on the page and breaks feeds; "
        "delete it",
    ),
]


@pytest.mark.parametrize(("name", "entries", "expected"), REGISTRY_CASES)
def test_malformed_registry_fails_build(built, name, entries, expected):
    site, before = built
    site.registry(name, entries)
    with pytest.raises(BuildError) as failure:
        site.build()
    assert any(expected in line for line in failure.value.lines), failure.value.lines
    assert snapshot(site.output) == before


def test_missing_regions_registry(site):
    (site.content / "regions.yml").unlink()
    problems = [str(p) for p in validate_content(site.content).problems]
    assert any("regions.yml: file not found" in p for p in problems)


def test_empty_regions_registry_is_one_problem(built):
    site, before = built
    (site.content / "regions.yml").write_text("# regions come later\n", "utf-8")
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        "content/regions.yml: the file is empty; it must list every region "
        "('- name: Northeast Asia')"
    ]
    assert snapshot(site.output) == before


def test_missing_content_folder_is_one_problem(tmp_path):
    missing = tmp_path / "no-such-content"
    expected = (
        f"{missing}: content folder not found; give the folder that holds "
        "briefs/ and regions.yml"
    )
    with pytest.raises(BuildError) as failure:
        build(missing, tmp_path / "output")
    assert failure.value.lines == [expected]
    assert [str(p) for p in validate_content(missing).problems] == [expected]
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "a bell \x07 here",
        "日本語と\x85",
        "emoji 😀 then U+1FFFE \U0001fffe",
        "U+1FFFE \U0001fffe before a bell \x07",
        "U+FFFF \uffff and 😀",
        "only emoji 😀",
        "a lone surrogate \ud800",
    ],
)
def test_the_fast_scan_finds_the_same_first_forbidden_character(text):
    expected = FORBIDDEN.search(text)
    found = first_forbidden(text)
    assert (found and found.start()) == (expected and expected.start())


def test_duplicate_keys_are_found_in_linear_time():
    """Each key is looked up, not compared with every earlier one: 100,000
    keys took 220 s."""
    keys = "".join(f"key{n}: value\n" for n in range(100_000))
    started = time.perf_counter()
    with pytest.raises(TreeError) as failure:
        parse_yaml(keys + "key7: again\n", first_line=2)
    assert time.perf_counter() - started < 10
    assert failure.value.message == (
        "duplicate key 'key7' (first on line 9); keep only one"
    )
    assert failure.value.line == 100_002
