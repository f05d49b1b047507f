"""PDF editions: the real engine through the real build, read back with pypdf.

Two sites are built once per module with the production settings: the
sample content (every published brief, the Japanese one included) and a
small site made here (a long text-only brief, a large photograph, several
authors, the sample's Japanese brief, a draft), which is built again in a
fresh process to prove the PDFs are the same bytes. One small development
site, built twice with an image replaced between the builds, a missing
engine (a fontconfig with no fonts) and a few failing builds cover the rest.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import INVOKE, ROOT, SITE_URL, Site
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from briefs import pdf
from briefs.language import text_language
from briefs.linkcheck import check_site
from policy_briefs import build as site_build
from policy_briefs.bundle import make_bundle
from policy_briefs.deploy import PublishError, publish
from policy_briefs.project import PUBLISH_SETTINGS

CONTENT = ROOT / "content"
ATOM = "{http://www.w3.org/2005/Atom}"
MM = 72 / 25.4  # PDF points per millimetre
JAPANESE = "japan-regional-revitalisation"
LONG_WORD = "Donaudampfschifffahrts" * 6  # 132 letters: no line holds it

WORDS = [
    "the",
    "alliance",
    "budget",
    "reform",
    "ministry",
    "port",
    "corridor",
    "summit",
    "energy",
    "debt",
    "border",
    "water",
    "trade",
    "investment",
    "parliament",
    "coalition",
    "drought",
    "tariff",
    "supply",
    "chain",
    "sanctions",
    "election",
    "security",
    "climate",
    "transition",
]


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---")[1])


def sample_source(slug: str) -> Path:
    return next(CONTENT.glob(f"briefs/*/{slug}.md"))


def read(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def text_of(reader: PdfReader) -> str:
    """The text of every page, whitespace collapsed (lines wrap anywhere)."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def fonts_of(reader: PdfReader) -> dict[str, dict]:
    """Base font name → its descriptor, over every page."""
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            found[font["/BaseFont"]] = descendant["/FontDescriptor"].get_object()
    return found


def uris_of(reader: PdfReader) -> list[str]:
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]


def long_body(words: int) -> str:
    """About `words` words of prose in sections, a table and a footnote."""
    sentences = [
        " ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(15)).capitalize() + "."
        for i in range(words // 15)
    ]
    paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
    sections = [
        f"## Section {n + 1}\n\n" + "\n\n".join(paragraphs[n * 4 : n * 4 + 4])
        for n in range((len(paragraphs) + 3) // 4)
    ]
    table = "| Year | Budget |\n| --- | --- |\n| 2023 | 6.8 |\n| 2024 | 7.9 |"
    note = "A claim that needs a source.[^1]\n\n[^1]: The source of the claim."
    return "\n\n".join([*sections, table, note])


@pytest.fixture(scope="module")
def sample(sample_production) -> Path:
    """The sample content, built for production with a public address."""
    return sample_production


@pytest.fixture(scope="module")
def custom(tmp_path_factory) -> Site:
    """A small site built for production: a long text-only brief, a large
    photograph, three authors (one a guest), a link between briefs, the
    sample's Japanese brief, a word longer than a line, a draft."""
    site = Site(tmp_path_factory.mktemp("custom"))
    site.brief(
        "long-read",
        title="A Long Read: Fifteen Hundred Words",
        summary="A brief of about 1,500 words, without images.",
        author=["Yuki Tatsumi", "Søren Kjærgaard", "Maria Lopez"],
        tags=["Budgets", "Alliances"],
        body=long_body(1500),
    )
    site.image("images/photo.png", size=(3000, 2000))
    site.brief(
        "photo",
        title="A Photograph",
        image="images/photo.png",
        image_alt="A blue rectangle",
        image_credit="Agency",
        body="See [the long read](long-read.html) and [elsewhere](https://example.org/x).",
        date="2024-04-01",
        updated="2024-04-03",
    )
    site.raw(JAPANESE, sample_source(JAPANESE).read_text("utf-8"))
    site.brief(
        "long-word",
        title=f"A {LONG_WORD} Title",
        key_points=[f"A {LONG_WORD} point"],
        body=f"A body with {LONG_WORD} in it.",
        date="2024-04-02",
    )
    site.brief("secret", title="Not Yet Public", status="draft")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", SITE_URL)
        site.build(settings_file=PUBLISH_SETTINGS)
    return site


# What is made, and where it is linked --------------------------------------


def test_every_published_brief_has_a_pdf_and_drafts_none(sample, custom):
    for output, drafts in (
        (sample, {"amazon-finance-after-belem"}),
        (custom.output, {"secret"}),
    ):
        pages = {p.stem for p in (output / "briefs").glob("*.html")}
        pdfs = {p.stem for p in (output / "briefs").glob("*.pdf")}
        assert pages and pdfs == pages
        assert not drafts & pdfs
    for path in custom.output.rglob("*"):
        if path.suffix in {".html", ".xml"}:
            assert "secret.pdf" not in path.read_text("utf-8"), path


def test_brief_pages_link_their_pdf_with_size_and_page_count(sample):
    for page in (sample / "briefs").glob("*.html"):
        link = BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one(
            ".pdf-link a"
        )
        assert link["href"] == f"../briefs/{page.stem}.pdf"
        assert link["type"] == "application/pdf"
        target = page.with_suffix(".pdf")
        size, pages = pdf.pdf_info(target.read_bytes())
        assert size == target.stat().st_size
        assert " ".join(link.get_text().split()) == (
            f"Download PDF (PDF, {round(size / 1000)} KB, "
            f"{pages} page{'s' if pages != 1 else ''})"
        )


def test_feed_entries_link_the_pdf_as_an_enclosure(sample):
    feed = ET.parse(sample / "feeds" / "all.atom.xml").getroot()
    entries = list(feed.iter(f"{ATOM}entry"))
    assert entries
    for entry in entries:
        page = next(
            link.get("href")
            for link in entry.iter(f"{ATOM}link")
            if link.get("rel") == "alternate"
        )
        [enclosure] = [
            link for link in entry.iter(f"{ATOM}link") if link.get("rel") == "enclosure"
        ]
        assert enclosure.get("href") == page.removesuffix(".html") + ".pdf"
        assert enclosure.get("type") == "application/pdf"
        local = sample / enclosure.get("href").removeprefix(SITE_URL + "/")
        assert int(enclosure.get("length")) == local.stat().st_size


def test_the_open_data_names_each_briefs_pdf(sample, custom):
    for output in (sample, custom.output):
        briefs = json.loads((output / "data" / "briefs.json").read_text("utf-8"))
        entries = briefs["briefs"]
        assert entries
        for entry in entries:
            assert entry["pdf_url"] == f"briefs/{entry['slug']}.pdf"
            assert (output / entry["pdf_url"]).is_file()
        table = (output / "data" / "briefs.csv").read_text("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(table)))
        assert [row["pdf_url"] for row in rows] == [e["pdf_url"] for e in entries]


def test_link_checker_follows_links_to_pdfs(sample, tmp_path):
    assert check_site(sample, site_url=SITE_URL) == []
    copy = tmp_path / "site"
    subprocess.run(["cp", "-a", str(sample), str(copy)], check=True)
    (copy / "briefs" / "baltic-undersea-cables.pdf").unlink()
    broken = [str(link) for link in check_site(copy, site_url=SITE_URL)]
    assert (
        "briefs/baltic-undersea-cables.html: ../briefs/baltic-undersea-cables.pdf: "
        "file not found (briefs/baltic-undersea-cables.pdf)"
    ) in broken


# What a PDF holds ----------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "footnote"),
    [
        ("baltic-undersea-cables", "Most merchant ships broadcast their position"),
        ("red-sea-shipping-disruption", None),
        ("north-korea-talks-stalemate-japan", None),
    ],
)
def test_pdf_text_and_metadata_come_from_the_brief(sample, slug, footnote):
    meta = front_matter(sample_source(slug))
    authors = meta["author"] if isinstance(meta["author"], list) else [meta["author"]]
    reader = read(sample / "briefs" / f"{slug}.pdf")
    text = text_of(reader)
    assert len(reader.pages) >= 2
    assert meta["title"] in text
    assert meta["summary"] in text
    for name in authors:
        assert f"{name} " in text  # byline, "The Authors" and the citation
    assert "The Authors" in text
    page = BeautifulSoup(
        (sample / "briefs" / f"{slug}.html").read_text("utf-8"), "html.parser"
    )
    chicago = page.select_one('.cite__text[data-style="Chicago"]').get_text()
    # As its page cites it (a line may wrap inside the address: no spaces).
    assert "Citeas:" + "".join(chicago.split()) in "".join(text.split())
    assert f"{SITE_URL}/briefs/{slug}.html" in text
    if footnote:
        assert footnote in text
    info = reader.metadata
    assert info["/Title"] == meta["title"]
    assert info["/Author"] == ", ".join(authors)
    assert info["/Subject"] == meta["summary"]
    assert info["/Keywords"] == ", ".join(meta["tags"])
    assert info["/Creator"] == "Policy Briefs"
    assert info["/CreationDate"] == f"D:{str(meta['date']).replace('-', '')}000000Z"
    updated = meta.get("updated") or meta["date"]
    assert info["/ModDate"] == f"D:{str(updated).replace('-', '')}000000Z"
    assert reader.xmp_metadata.dc_creator == authors
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_tables_and_the_running_footer_are_on_the_page(sample):
    title = front_matter(sample_source("red-sea-shipping-disruption"))["title"]
    reader = read(sample / "briefs" / "red-sea-shipping-disruption.pdf")
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert pdf.short_title(title) == 'The "Cape Premium"'
    for number, page in enumerate(pages, start=1):
        assert 'Policy Briefs · The "Cape Premium"' in page
        assert f"Page {number} of {len(pages)}" in page
    body = sample_source("red-sea-shipping-disruption").read_text("utf-8")
    first_row = next(line for line in body.splitlines() if line.startswith("| "))
    for cell in filter(None, (c.strip() for c in first_row.strip("|").split("|"))):
        assert cell in " ".join(pages)


def test_pdfs_are_tagged_and_embed_their_fonts(sample):
    for path in (sample / "briefs").glob("*.pdf"):
        reader = read(path)
        root = reader.trailer["/Root"]
        assert root["/MarkInfo"]["/Marked"].value is True, path
        assert "/StructTreeRoot" in root, path
        assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
        assert 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
        fonts = fonts_of(reader)
        assert fonts, path
        for name, descriptor in fonts.items():
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name
        families = {name.split("+", 1)[1] for name in fonts}
        assert {"Charis-SIL", "Noto-Sans"} <= families, families


def test_links_work_in_a_production_pdf(sample, custom):
    reader = read(sample / "briefs" / "baltic-undersea-cables.pdf")
    uris = uris_of(reader)
    assert f"{SITE_URL}/briefs/baltic-undersea-cables.html" in uris
    # Footnote references jump to the notes, inside the document.
    destinations = reader.named_destinations
    internal = [
        annotation.get_object()["/Dest"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/Dest" in annotation.get_object()
    ]
    assert "fn:1" in internal and "fn:1" in destinations
    photo = uris_of(read(custom.output / "briefs" / "photo.pdf"))
    assert f"{SITE_URL}/briefs/long-read.html" in photo
    assert "https://example.org/x" in photo


def test_japanese_brief_renders_japanese_text(sample):
    meta = front_matter(sample_source(JAPANESE))
    reader = read(sample / "briefs" / f"{JAPANESE}.pdf")
    compact = "".join(text_of(reader).split())
    assert "".join(meta["title"].split()) in compact
    assert "".join(meta["key_points"][0].split()) in compact
    assert reader.metadata["/Title"] == meta["title"]
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    # Real glyphs, not empty boxes: every character of the title is mapped
    # to a glyph by a font embedded in the PDF.
    covered = set()
    for descriptor in fonts_of(reader).values():
        stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
        font = TTFont(io.BytesIO(stream.get_object().get_data()))
        covered |= {chr(code) for code, glyph in font.getBestCmap().items() if glyph}
    title = set(meta["title"]) - {" "}
    assert title <= covered, title - covered
    assert any("Noto-Serif-CJK-JP" in name for name in fonts_of(reader))


def test_a_word_longer_than_the_line_breaks_rather_than_run_off(custom):
    """In the title, a key point and the body: no line holds the whole word
    (the engine writes a line as one run of text), yet all of it is there."""
    runs = []
    for page in read(custom.output / "briefs" / "long-word.pdf").pages:
        page.extract_text(visitor_text=lambda text, *_: runs.append(text))
    assert not any(LONG_WORD in text for text in runs)
    assert "".join(runs).replace("\n", "").count(LONG_WORD) >= 3


def test_every_page_fits_us_letter_printed_at_actual_size(sample, custom):
    """A4 centred on Letter loses 8.8 mm at top and bottom; printers leave
    6.4 mm at each edge: no text may start outside what is left."""
    edge = ((297 - 279.4) / 2 + 6.4) * MM
    side = 6.4 * MM

    def positions(page):
        found = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                d, e, f = tm[3:]
                x = e * cm[0] + f * cm[2] + cm[4]
                y = e * cm[1] + f * cm[3] + cm[5]
                found.append((x, y, size * abs(d * cm[3])))

        page.extract_text(visitor_text=visit)
        return found

    paths = [
        *(sample / "briefs").glob("*.pdf"),
        *(custom.output / "briefs").glob("*.pdf"),
    ]
    for path in paths:
        for number, page in enumerate(read(path).pages, start=1):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert (round(width / MM), round(height / MM)) == (210, 297), path
            for x, y, size in positions(page):
                where = f"{path.name} page {number} at ({x / MM:.0f}, {y / MM:.0f}) mm"
                assert side <= x <= width - side, where
                assert y - 0.3 * size >= edge, where
                assert y + size <= height - edge, where


# Size, images, determinism -------------------------------------------------


def test_a_long_text_only_brief_is_small(custom):
    path = custom.output / "briefs" / "long-read.pdf"
    body = (custom.content / "briefs" / "2024" / "long-read.md").read_text("utf-8")
    assert len(body.split()) >= 1450
    assert path.stat().st_size <= 150_000
    text = text_of(read(path))
    for name in ("Yuki Tatsumi", "Søren Kjærgaard", "Maria Lopez"):
        assert name in text
    assert "Senior Fellow" in text  # roles under "The Authors"
    assert "The source of the claim." in text


def test_images_are_embedded_at_print_resolution(custom):
    reader = read(custom.output / "briefs" / "photo.pdf")
    [image] = [image for page in reader.pages for image in page.images]
    # The figure is at most the text width (162 mm) and 85 mm high: at
    # 150 dpi that is at most 957 x 502 pixels, not the 3000 x 2000 source.
    width, height = image.image.size
    assert width <= 162 / 25.4 * 150 + 1 and height <= 85 / 25.4 * 150 + 1
    assert width >= 300
    assert "Image: Agency" in text_of(reader)


def test_a_second_build_in_a_fresh_process_is_byte_identical(custom, tmp_path):
    """The small site (fonts for Latin and Japanese text, a photograph,
    several authors and topics) built again by `invoke build --production`
    in a process of its own, with another hash seed and no cache."""
    again = tmp_path / "again"
    result = subprocess.run(
        [*INVOKE, "build", "--production", "--content", str(custom.content),
         "--output", str(again)],
        cwd=ROOT,
        env={
            **os.environ,
            "SITEURL": SITE_URL,
            "PYTHONHASHSEED": "7",
            "POLICY_BRIEFS_CACHE": str(tmp_path / "cache"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first = sorted((custom.output / "briefs").glob("*.pdf"))
    assert [p.stem for p in first] == sorted(
        [JAPANESE, "long-read", "long-word", "photo"]
    )
    assert [p.name for p in first] == sorted(
        p.name for p in (again / "briefs").glob("*.pdf")
    )
    for path in first:
        assert path.read_bytes() == (again / "briefs" / path.name).read_bytes(), path


# Development builds --------------------------------------------------------


@pytest.fixture(scope="module")
def development(tmp_path_factory) -> tuple[Site, dict[str, list[tuple]]]:
    """A small site built twice with the development settings and PDFs:
    a brief linking another, and a chart as one brief's image and another
    in a brief's body, each replaced by a new file under the same name (the
    briefs' text unchanged) before the second build. Returns the site and,
    for "hero" and "body", the chart's pixel size in the PDF of each build."""
    site = Site(tmp_path_factory.mktemp("development"))
    site.brief("first", title="First", date="2024-01-01")
    site.brief("second", title="Second", body="See [the first](first.html#top).")
    site.image("images/hero.png", size=(400, 300))
    site.brief("hero", title="Hero", image="images/hero.png", image_alt="A chart")
    site.image("images/body.png", size=(400, 300))
    site.brief("body", title="Body", body="A chart:\n\n![A chart](../images/body.png)")
    sizes = {"hero": [], "body": []}
    for build in ("first", "second"):
        if build == "second":
            site.image("images/hero.png", size=(300, 300))
            site.image("images/body.png", size=(300, 300))
        site.build(PDF_EDITIONS="auto")
        for where, found in sizes.items():
            pdf_file = read(site.output / "briefs" / f"{where}.pdf")
            found.append(pdf_file.pages[0].images[0].image.size)
    return site, sizes


def test_development_pdfs_link_relatively_and_have_no_web_address(development):
    site, _ = development
    reader = read(site.output / "briefs" / "second.pdf")
    assert "first.html#top" in uris_of(reader)
    text = text_of(reader)
    assert "Cite as: Tatsumi, Yuki. “Second.” Policy Briefs, March 20, 2024." in text
    assert "Read online" not in text and "http" not in text


@pytest.mark.parametrize("where", ["hero", "body"])
def test_an_edited_image_makes_a_new_pdf(development, where):
    """The PDF embeds the image's bytes: a new file under the same name (the
    brief's text unchanged) makes a new PDF, and the brief's page gives the
    new one's size and pages (planned again: its PDF was being made)."""
    site, sizes = development
    assert sizes[where] == [(400, 300), (300, 300)]
    made = site.output / "briefs" / f"{where}.pdf"
    edition = pdf.PdfEdition("", made.stat().st_size, len(read(made).pages))
    [link] = site.html(f"briefs/{where}.html").select(".pdf-link")
    assert edition.label in link.get_text(" ", strip=True)


def test_an_image_edited_in_place_is_a_change_to_its_pdf(tmp_path):
    """What a PDF embeds is compared by the file's identity, ctime
    included: new bytes of the same size under the old modification time
    (`cp -p`, `touch -r`) still make the PDF again."""
    from briefs.pipeline import _embeds

    image = tmp_path / "images" / "chart.svg"
    image.parent.mkdir()
    image.write_text('<svg fill="#1f4e6b"/>', "utf-8")
    before = _embeds(str(tmp_path), ["images/chart.svg"])
    times = image.stat()
    time.sleep(0.05)  # the kernel stamps ctimes from a clock that moves by ticks
    image.write_text('<svg fill="#ff0000"/>', "utf-8")
    os.utime(image, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert image.stat().st_size == times.st_size
    assert _embeds(str(tmp_path), ["images/chart.svg"]) != before
    assert _embeds(str(tmp_path), ["images/gone.svg"]) is None


def test_an_image_the_engine_cannot_read_fails_the_build(site):
    (site.content / "images").mkdir()
    (site.content / "images" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site.brief("x", image="images/broken.png", image_alt="Broken")
    with pytest.raises(site_build.BuildError) as failure:
        site.build(PDF_EDITIONS="auto")
    assert failure.value.lines == [
        "content/briefs/2024/x.md: the PDF edition failed: "
        "Failed to load image at 'images/broken.png'"
    ]
    assert not site.output.exists()


def test_an_svg_holding_a_raster_image_is_drawn_in_the_pdf(site):
    """svgpolicy lets an SVG hold a raster image as a data: URL; the PDF
    engine's fetcher, which serves the site's files only, decodes it."""
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(png, "PNG")
    embedded = base64.b64encode(png.getvalue()).decode()
    (site.content / "images").mkdir()
    (site.content / "images" / "photo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
        f'<image width="40" height="30" href="data:image/png;base64,{embedded}"/>'
        "</svg>",
        "utf-8",
    )
    site.brief("x", image="images/photo.svg", image_alt="A photo")
    site.build(PDF_EDITIONS="required")
    pdf = (site.output / "briefs" / "x.pdf").read_bytes()
    assert b"/Subtype /Image" in pdf


def test_the_paper_stylesheet_loads_nothing(tmp_path):
    """Its own @import, fonts and images would go around the fetcher that
    serves the site's files only."""
    outside = tmp_path / "outside.css"
    outside.write_text('h1::after { content: " IMPORTED" }', "utf-8")
    stylesheet = tmp_path / "paper.css"
    stylesheet.write_text(f'@import url("{outside.as_uri()}");', "utf-8")
    (tmp_path / "files").mkdir()
    job = pdf.PdfJob(
        "briefs/x.pdf",
        "<!DOCTYPE html><html lang='en'><h1>Title</h1></html>",
        pdf.PdfMetadata("Title", ("A",), datetime(2024, 1, 1, tzinfo=UTC)),
    )
    made = pdf.render_pdf(job, pdf.Paper(stylesheet, tmp_path / "files"))
    text = PdfReader(io.BytesIO(made.data)).pages[0].extract_text()
    assert "Title" in text and "IMPORTED" not in text


def test_a_pdf_that_takes_too_long_to_lay_out_is_refused(tmp_path, monkeypatch):
    """A 50,000-letter word took 29 s, a 200,000-letter one hours: past
    MAX_PDF_SECONDS the edition fails, naming the document."""
    monkeypatch.setattr(pdf, "MAX_PDF_SECONDS", 0.01)
    (tmp_path / "files").mkdir()
    word = "a" * 20_000
    job = pdf.PdfJob(
        "briefs/x.pdf",
        f"<!DOCTYPE html><html lang='en'><p>{word}</p></html>",
        pdf.PdfMetadata("Title", ("A",), datetime(2024, 1, 1, tzinfo=UTC)),
    )
    with pytest.raises(pdf.PdfError) as failure:
        pdf.render_pdf(
            job, pdf.Paper(ROOT / "theme" / "paper" / "paper.css", tmp_path / "files")
        )
    assert str(failure.value) == (
        "briefs/x.pdf: it takes more than 0.01 s to lay out (a very long word or a "
        "very large table, say); shorten or split it"
    )


def test_pdf_setting_is_checked(site):
    site.brief("x")
    with pytest.raises(site_build.BuildError) as failure:
        site.build(PDF_EDITIONS="always")
    assert failure.value.lines == [
        "ValueError: PDF_EDITIONS must be one of 'auto', 'required', 'off', "
        "not 'always'"
    ]


def test_pdfs_can_be_turned_off(site):
    site.brief("x")
    site.build(PDF_EDITIONS="off")
    assert not list(site.output.rglob("*.pdf"))
    assert not site.html("briefs/x.html").select(".pdf-link")
    briefs = json.loads((site.output / "data" / "briefs.json").read_text("utf-8"))
    assert [entry["pdf_url"] for entry in briefs["briefs"]] == [None]


# Without the engine --------------------------------------------------------


@pytest.fixture
def no_fonts(tmp_path) -> dict:
    """The environment of a machine whose fontconfig has no fonts."""
    config = tmp_path / "fonts.conf"
    config.write_text("<?xml version='1.0'?>\n<fontconfig></fontconfig>\n", "utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config), "SITEURL": SITE_URL}


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


MISSING = (
    "fonts missing: Charis SIL, Noto Sans, Noto Serif CJK JP, Noto Sans CJK JP; "
    f"{pdf.INSTALL_HINT}"
)


def test_development_build_without_the_engine_says_how_to_install_it(site, no_fonts):
    site.brief("x")
    result = run(
        [
            *INVOKE,
            "build",
            "--content",
            str(site.content),
            "--output",
            str(site.output),
        ],
        no_fonts,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"PDF editions skipped: {MISSING}"]
    assert (site.output / "briefs" / "x.html").is_file()
    assert not list(site.output.rglob("*.pdf"))


def test_a_site_built_without_the_engine_gets_pdfs_once_it_is_there(
    site, no_fonts, monkeypatch
):
    """ "Nothing changed" holds for a build that had no engine only while
    the engine is still missing (the engine's process, started by each
    build, reads the fontconfig named in the environment)."""
    site.brief("x")
    with monkeypatch.context() as engine_missing:
        engine_missing.setenv("FONTCONFIG_FILE", no_fonts["FONTCONFIG_FILE"])
        site.build(PDF_EDITIONS="auto")
        built = site.output.stat().st_ino  # a build swaps a new folder in
        site.build(PDF_EDITIONS="auto")
        assert site.output.stat().st_ino == built  # up to date: left as it was
        assert not list(site.output.rglob("*.pdf"))
    site.build(PDF_EDITIONS="auto")
    assert site.output.stat().st_ino != built
    assert (site.output / "briefs" / "x.pdf").is_file()


def test_production_bundle_and_publish_require_the_engine(
    site, no_fonts, tmp_path, monkeypatch
):
    """`invoke build --production` as an editor runs it; the bundle and
    publishing through their functions (their commands print the same
    lines: test_cli_errors.py)."""
    site.brief("x")
    required = (
        "EngineMissing: PDF editions are required (PDF_EDITIONS = 'required'), "
        f"but {MISSING}"
    )
    production = run(
        [*INVOKE, "build", "--production", "--content", str(site.content),
         "--output", str(site.output)],
        no_fonts,
    )  # fmt: skip
    assert production.returncode == 1
    assert required in production.stderr.splitlines(), production.stderr
    assert "Traceback" not in production.stderr
    for name in ("FONTCONFIG_FILE", "SITEURL"):
        monkeypatch.setenv(name, no_fonts[name])
    with pytest.raises(site_build.BuildError) as bundle:
        make_bundle(site.content, tmp_path)
    with pytest.raises(PublishError) as published:
        publish(site.content, site.output, repo=tmp_path, push=False, allow_dirty=True)
    for failure in (bundle, published):
        assert required in failure.value.lines
    assert not site.output.exists()
    assert not list(tmp_path.glob("*.zip"))


def test_the_engines_packages_are_installed_by_ci_and_named_in_the_readme():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8")
    )
    readme = (ROOT / "README.md").read_text("utf-8")
    for job in ("test", "build"):
        runs = " ".join(step.get("run", "") for step in workflow["jobs"][job]["steps"])
        for package in pdf.SYSTEM_PACKAGES:
            assert re.search(rf"\b{re.escape(package)}\b", runs), (job, package)
    for package in pdf.SYSTEM_PACKAGES:
        assert re.search(rf"\b{re.escape(package)}\b", ci), package
        assert f"`{package}`" in readme or package in readme, package


# The pure parts ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "short"),
    [
        (
            "North Korea Talks Stalemate: What Should Japan Do?",
            "North Korea Talks Stalemate",
        ),
        ("地方創生の次の十年：人口減少を前提にした地域政策へ", "地方創生の次の十年"),
        ("Ports and Power", "Ports and Power"),
        ("Oil - and After", "Oil"),
        (
            "A " + "very " * 20 + "long title",
            "A very very very very very very very very very very very…",
        ),
    ],
)
def test_short_title(title, short):
    assert pdf.short_title(title) == short


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("地方創生の次の十年：人口減少を前提にした地域政策へ", "ja"),
        ("한일 관계의 미래", "ko"),
        ("中国的经济政策", "zh"),
        ("Japan's policy of 地方創生 (regional revitalisation) in context", "en"),
        ("", "en"),
    ],
)
def test_text_language(text, language):
    assert text_language(text, "en") == language


def test_human_size():
    assert pdf.PdfEdition("b.pdf", 84_400, 3).label == "PDF, 84 KB, 3 pages"
    assert pdf.PdfEdition("b.pdf", 1_250_000, 1).label == "PDF, 1.2 MB, 1 page"
    assert pdf.human_size(120) == "1 KB"
