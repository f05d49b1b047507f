"""Citations: Chicago and APA text, and BibTeX and RIS files read back by
real parsers (bibtexparser 2, rispy) with every author and awkward
character intact; the "Cite this brief" box on built pages."""

from __future__ import annotations

from datetime import UTC, datetime

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from conftest import Site
from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)

from briefs import citations
from briefs.registry import AuthorRecord
from briefs.schema import Brief
from policy_briefs import build as site_build
from policy_briefs.project import PUBLISH_SETTINGS

SITE_URL = "https://org.github.io/briefs"
AWKWARD = 'Braces {x} and }{, 100% & #1, _under_ $5 ~tilde^ back\\slash "quoted"'


def chicago(*arguments) -> str:
    """The Chicago reference as a page shows it: its three parts joined."""
    return "".join(citations.chicago_parts(*arguments))


def apa(*arguments) -> str:
    return "".join(citations.apa_parts(*arguments))


def brief(**fields) -> Brief:
    values = {
        "source": "x.md",
        "slug": "water-policy",
        "title": "Water Policy",
        "authors": ("Yuki Tatsumi",),
        "regions": ("Europe",),
        "date": datetime(2019, 3, 20, tzinfo=UTC),
        "body": "",
    }
    values.update(fields)
    return Brief(**values)


NGUYEN = AuthorRecord("Nguyen Thi Lan", "nguyen-thi-lan", family="Nguyen")


# Names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "record", "expected"),
    [
        ("Yuki Tatsumi", None, ("Tatsumi", "Yuki")),
        ("Nguyen Thi Lan", None, ("Lan", "Nguyen Thi")),
        ("Nguyen Thi Lan", NGUYEN, ("Nguyen", "Thi Lan")),
        (
            "Rafael Domínguez Ortega",
            AuthorRecord("R", "r", family="Domínguez Ortega"),
            ("Domínguez Ortega", "Rafael"),
        ),
        (
            "Li Wei",
            AuthorRecord("Li Wei", "li-wei", family="Li", given="Wei"),
            ("Li", "Wei"),
        ),
        ("Sukarno", None, ("Sukarno", "")),
        (
            "Sukarno",
            AuthorRecord("Sukarno", "sukarno", family="Sukarno"),
            ("Sukarno", ""),
        ),
        ("Maria Lopez", AuthorRecord("Maria Lopez", "maria-lopez"), ("Lopez", "Maria")),
    ],
)
def test_person_name(name, record, expected):
    assert citations.person_name(name, record) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Yuki", "Y."), ("Thi Lan", "T. L."), ("Jean-Paul", "J.-P."), ("élise", "É.")],
)
def test_apa_initials(given, expected):
    assert citations.initials(given) == expected


# Chicago and APA -------------------------------------------------------------


def test_one_author_with_a_public_address():
    one = brief()
    url = f"{SITE_URL}/briefs/water-policy.html"
    assert chicago(one, [None], "Policy Briefs", url) == (
        f"Tatsumi, Yuki. \u201cWater Policy.\u201d Policy Briefs, March 20, 2019. {url}"
    )
    assert apa(one, [None], "Policy Briefs", url) == (
        f"Tatsumi, Y. (2019, March 20). Water Policy. Policy Briefs. {url}"
    )


def test_two_authors_registry_names_and_a_doi_instead_of_the_address():
    two = brief(
        authors=("Nguyen Thi Lan", "Søren Kjærgaard"),
        title="Mekong Water: What Next?",
        doi="10.1234/abcd.5678",
    )
    url = f"{SITE_URL}/briefs/water-policy.html"
    assert chicago(two, [NGUYEN, None], "Policy Briefs", url) == (
        "Nguyen, Thi Lan, and Søren Kjærgaard. \u201cMekong Water: What Next?\u201d "
        "Policy Briefs, March 20, 2019. https://doi.org/10.1234/abcd.5678"
    )
    assert apa(two, [NGUYEN, None], "Policy Briefs", url) == (
        "Nguyen, T. L., & Kjærgaard, S. (2019, March 20). Mekong Water: What Next? "
        "Policy Briefs. https://doi.org/10.1234/abcd.5678"
    )


def test_three_authors_without_an_address_and_quotes_in_the_title():
    three = brief(
        authors=("Yuki Tatsumi", "Sukarno", "Anne Marie Dupont"),
        title='The "Cape Premium" and \u201cReset\u201d',
        date=datetime(2024, 12, 1, 9, 30, tzinfo=UTC),
    )
    assert chicago(three, [None] * 3, "Policy Briefs", None) == (
        "Tatsumi, Yuki, Sukarno, and Anne Marie Dupont. \u201cThe \u2018Cape "
        "Premium\u2019 and \u2018Reset\u2019.\u201d Policy Briefs, December 1, 2024."
    )
    assert apa(three, [None] * 3, "Policy Briefs", None) == (
        'Tatsumi, Y., Sukarno, & Dupont, A. M. (2024, December 1). The "Cape '
        'Premium" and \u201cReset\u201d. Policy Briefs.'
    )


def test_citation_text_is_one_line():
    hostile = brief(title="A\nB\u2028C", authors=("Yuki\tTatsumi",))
    for text in (
        chicago(hostile, [None], "Site\nName", None),
        apa(hostile, [None], "Site\nName", None),
    ):
        assert "\n" not in text and "\u2028" not in text and "\t" not in text
        assert "A B C" in text and "Site Name" in text


# BibTeX ---------------------------------------------------------------------

# The LaTeX commands the escaper writes, read back as the characters they
# print (pylatexenc knows \textasciitilde and \textbackslash already).
_LATEX = get_default_latex_context_db()  # a new database on each call
_LATEX.add_context_category(
    "briefs",
    prepend=True,  # before the defaults, which print \textasciicircum as ˆ
    macros=[
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"),
    ],
)


def latex_to_text(value: str) -> str:
    return LatexNodes2Text(latex_context=_LATEX).latex_to_text(value)


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    assert library.failed_blocks == [], [b.error for b in library.failed_blocks]
    return library


def test_bibtex_entry_reads_back_with_every_author_and_character():
    hostile = brief(
        slug="awkward-title",
        title=AWKWARD,
        summary="A summary, with {one brace and 50% more",
        authors=("Nguyen Thi Lan", "Yuki Tatsumi", "Sukarno", "Anne and Bob"),
        doi="10.1234/abcd.5678",
    )
    url = f"{SITE_URL}/briefs/awkward-title.html"
    text = citations.bibtex(hostile, [NGUYEN, None, None, None], "Policy & Co", url)
    [entry] = parse_bibtex(text).entries
    assert entry.entry_type == "techreport"
    assert entry.key == "awkward-title"
    names = [(" ".join(n.last), " ".join(n.first)) for n in entry["author"]]
    assert names == [
        ("Nguyen", "Thi Lan"),
        ("Tatsumi", "Yuki"),
        ("{Sukarno}", ""),
        ("Bob", "{Anne and}"),
    ]
    assert latex_to_text(entry["title"]) == AWKWARD
    assert latex_to_text(entry["abstract"]) == hostile.summary
    assert latex_to_text(entry["institution"]) == "Policy & Co"
    assert entry["doi"] == "10.1234/abcd.5678"
    assert entry["url"] == url
    assert (entry["year"], entry["month"], entry["date"]) == (
        "2019",
        "mar",
        "2019-03-20",
    )


def test_bibtex_keeps_non_ascii_and_never_breaks_a_line():
    text = citations.bibtex(
        brief(title="Søren's\nArctic: 北極", authors=("Søren Kjærgaard",)),
        [None],
        "Policy Briefs",
        None,
    )
    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware()]
    )
    [entry] = library.entries
    assert entry["title"] == "Søren's Arctic: 北極"
    assert "Kjærgaard, Søren" in text
    assert "url" not in entry.fields_dict
    assert all(line.startswith(("@", "  ", "}")) for line in text.splitlines())


# RIS ----------------------------------------------------------------------


def test_ris_record_reads_back_with_every_author():
    hostile = brief(
        title=AWKWARD + "\nsecond line",
        summary="ER  - not the end",
        authors=("Nguyen Thi Lan", "Yuki Tatsumi", "Sukarno"),
        tags=("Japan", "Water"),
        doi="10.1234/abcd.5678",
    )
    url = f"{SITE_URL}/briefs/water-policy.html"
    text = citations.ris(hostile, [NGUYEN, None, None], "Policy Briefs", url)
    lines = text.split("\r\n")
    assert lines[0] == "TY  - RPRT" and lines[-2:] == ["ER  - ", ""]
    assert all(line[:2].isalnum() and line[2:6] == "  - " for line in lines[:-1])
    [record] = rispy.loads(text)
    assert record["type_of_reference"] == "RPRT"
    assert record["authors"] == ["Nguyen, Thi Lan", "Tatsumi, Yuki", "Sukarno"]
    assert record["title"] == AWKWARD + " second line"
    assert record["abstract"] == "ER - not the end"  # spaces collapse
    assert record["publisher"] == "Policy Briefs"
    assert record["year"] == "2019" and record["date"] == "2019/03/20/"
    assert record["doi"] == "10.1234/abcd.5678"
    assert record["urls"] == [url]
    assert record["keywords"] == ["Japan", "Water"]


# Built pages -----------------------------------------------------------------


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    """A small site, built for GitHub Pages: listed authors with registry
    names, a guest, a DOI, a draft."""
    site = Site(tmp_path_factory.mktemp("cited"))
    site.registry(
        "authors.yml",
        [
            {"name": "Yuki Tatsumi", "role": "Senior Fellow"},
            {"name": "Nguyen Thi Lan", "family": "Nguyen", "given": "Thi Lan"},
        ],
    )
    site.brief(
        "mekong",
        title='Mekong "Water" & {Power}',
        author=["Nguyen Thi Lan", "Yuki Tatsumi", "Maria Lopez"],
        doi="10.5555/pb.0001",
        date="2024-02-29",
    )
    site.brief("plain", title="Plain", date="2023-01-05")
    site.brief("secret", title="Secret", status="draft")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", SITE_URL)
        patch.delenv("CNAME", raising=False)
        site_build.build(
            site.content, site.output, PUBLISH_SETTINGS, PDF_EDITIONS="off"
        )
    return site


def test_cite_box_follows_the_authors_with_both_styles(cited):
    page = cited.html("briefs/mekong.html")
    box = page.find("section", attrs={"aria-labelledby": "pb:cite"})
    heading = page.find(id="pb:cite")
    assert heading.name == "h2" and heading.get_text(strip=True) == "Cite this brief"
    assert heading in box.descendants
    authors = page.find("section", attrs={"aria-labelledby": "pb:authors"})
    assert authors in box.find_all_previous("section")
    labels = [h.get_text(strip=True) for h in box.find_all("h3")]
    assert labels == ["Chicago", "APA"]
    chicago, apa = (p.get_text() for p in box.find_all("p", class_="cite__text"))
    assert chicago == (
        "Nguyen, Thi Lan, Yuki Tatsumi, and Maria Lopez. \u201cMekong "
        "\u2018Water\u2019 & {Power}.\u201d Policy Briefs, February 29, 2024. "
        "https://doi.org/10.5555/pb.0001"
    )
    assert apa == (
        'Nguyen, T. L., Tatsumi, Y., & Lopez, M. (2024, February 29). Mekong "Water" '
        "& {Power}. Policy Briefs. https://doi.org/10.5555/pb.0001"
    )
    assert "&amp; {Power}" in str(box)  # escaped once, by the template
    links = {a.get_text(strip=True): a["href"] for a in box.find_all("a")}
    assert links == {
        "BibTeX (.bib)": "../briefs/mekong.bib",
        "RIS (.ris)": "../briefs/mekong.ris",
    }
    for href in links.values():
        assert (cited.output / "briefs" / href).resolve().is_file()


def test_doi_meta_tag_only_with_a_doi(cited):
    meta = cited.html("briefs/mekong.html").find("meta", attrs={"name": "citation_doi"})
    assert meta["content"] == "10.5555/pb.0001"
    assert not cited.html("briefs/plain.html").find(
        "meta", attrs={"name": "citation_doi"}
    )


def test_citation_without_doi_gives_the_public_address(cited):
    box = cited.html("briefs/plain.html").find("section", class_="cite")
    texts = [p.get_text() for p in box.find_all("p", class_="cite__text")]
    assert all(t.endswith(f"{SITE_URL}/briefs/plain.html") for t in texts), texts


def test_download_files_parse_with_every_author(cited):
    bib = (cited.output / "briefs" / "mekong.bib").read_text("utf-8")
    [entry] = parse_bibtex(bib).entries
    assert [" ".join(n.last) for n in entry["author"]] == ["Nguyen", "Tatsumi", "Lopez"]
    assert latex_to_text(entry["title"]) == 'Mekong "Water" & {Power}'
    assert entry["url"] == f"{SITE_URL}/briefs/mekong.html"
    [record] = rispy.loads((cited.output / "briefs" / "mekong.ris").read_text("utf-8"))
    assert record["authors"] == ["Nguyen, Thi Lan", "Tatsumi, Yuki", "Lopez, Maria"]
    assert record["doi"] == "10.5555/pb.0001"


def test_drafts_get_no_citation_files(cited):
    assert not list(cited.output.rglob("secret.*"))


@pytest.mark.browser
def test_copy_buttons_copy_the_reference_text(cited, browser):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto((cited.output / "briefs" / "mekong.html").as_uri())
        buttons = page.locator(".cite__copy")
        assert buttons.all_inner_texts() == [
            "Copy the Chicago reference",
            "Copy the APA reference",
        ]
        buttons.nth(1).click()
        status = page.locator(".cite__status[role=status]")
        status.filter(has_text="APA reference copied.").wait_for()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        shown = page.locator(".cite__text").nth(1).inner_text()
    finally:
        context.close()
    assert copied == shown.strip()
    assert copied.startswith("Nguyen, T. L., Tatsumi, Y., & Lopez, M. (2024")
