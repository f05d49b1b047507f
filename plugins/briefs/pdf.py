"""Paper editions: one brief's HTML document → a tagged, deterministic PDF.

Pure of Pelican: the build renders `theme/templates/pdf.html` for a brief and
hands the HTML here with a `PdfMetadata` taken from the brief (never from the
clock), so rebuilding the same content gives byte-identical files. The engine
is WeasyPrint (HTML and CSS on Debian's Pango, fonts through fontconfig);
every local URL is read from the content folder by a fetcher that refuses
anything else, so a PDF never loads a file from outside it or the network.

Every URL in the document is resolved under `Paper.site_root`: the public
address in production (so links in the PDF work from anywhere), a reserved
placeholder otherwise, whose links are written back as relative ones (a PDF
sits beside its page, so they resolve as the page's own links do).
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import mimetypes
import os
import posixpath
import re
import warnings
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .filedigests import identity_of
from .svgpolicy import EMBEDDED_RASTER
from .timelimit import TooSlow, time_limit

logger = logging.getLogger(__name__)

# The Debian packages the engine needs: Pango (with HarfBuzz and fontconfig),
# and the fonts paper.css names, all with free licences (OFL).
SYSTEM_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-sil-charis",
    "fonts-noto-core",
    "fonts-noto-cjk",
)
# Families paper.css asks for: without them the PDFs would silently use
# another font (or empty boxes for Japanese, Chinese and Korean).
REQUIRED_FONTS = ("Charis SIL", "Noto Sans", "Noto Serif CJK JP", "Noto Sans CJK JP")
INSTALL_HINT = (
    "install the PDF engine's system packages with `apt-get install "
    + " ".join(SYSTEM_PACKAGES)
    + "` (README: PDF editions)"
)

# Where URLs of a build without a public address live while rendering (a
# reserved name that never resolves, RFC 2606); links under it are written
# back as relative links.
LOCAL_ROOT = "https://site.invalid/"
IMAGE_DPI = 150  # raster images are resampled to this at their printed size
JPEG_QUALITY = 85
PDF_VARIANT = "pdf/ua-1"  # tagged, with the document title and language
# Given both to render() (images are read, and sized, there) and write_pdf().
OPTIONS = {
    "pdf_variant": PDF_VARIANT,
    "dpi": IMAGE_DPI,
    "jpeg_quality": JPEG_QUALITY,
    "optimize_images": True,
}


# A brief's PDF takes a tenth of a second; WeasyPrint's layout grows with
# the square of an unbroken word's length (50,000 letters: 29 s) and with a
# table's cells, so a paper edition that takes this long is refused rather
# than left to hold the build (timelimit.py: in a process's main thread).
MAX_PDF_SECONDS = 60


class PdfError(Exception):
    """The engine reported a problem with one document (a missing or broken
    image, say); `key` names the document, `messages` what went wrong."""

    def __init__(self, key: str, messages: list[str]):
        super().__init__(key, messages)
        self.key = key
        self.messages = messages

    def __str__(self) -> str:
        return f"{self.key}: " + "; ".join(self.messages)


class EngineMissing(RuntimeError):
    """PDFs are required but WeasyPrint or its fonts cannot be used."""


@dataclass(frozen=True)
class PdfMetadata:
    """The document information written into the PDF."""

    title: str
    authors: tuple[str, ...]
    created: datetime
    modified: datetime | None = None
    subject: str | None = None
    keywords: tuple[str, ...] = ()
    lang: str = "en"
    creator: str | None = None


@dataclass(frozen=True)
class Paper:
    """What every PDF of one build shares."""

    stylesheet: Path
    files: Path  # the folder every URL under site_root is read from
    site_root: str = LOCAL_ROOT  # ends with "/"
    relative_links: bool = True


@dataclass(frozen=True)
class PdfJob:
    """One document: `path` is where the PDF sits under the site root
    (`briefs/x.pdf`); URLs in `html` are relative to it."""

    path: str
    html: str
    metadata: PdfMetadata


@dataclass(frozen=True)
class PdfFile:
    data: bytes
    pages: int
    # Files under Paper.files the document read (images): part of what the
    # PDF depends on, for a build cache.
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class PdfEdition:
    """What a page says about its PDF: "Download PDF (PDF, 84 KB, 3 pages)"."""

    url: str
    size: int
    pages: int

    @property
    def label(self) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
        return f"PDF, {human_size(self.size)}, {pages}"


@dataclass(frozen=True)
class PendingEdition:
    """A PDF still being made while the build plans its pages; the made
    PdfEdition takes its place before any page is rendered
    (pages.settle_editions)."""

    url: str


def human_size(size: int) -> str:
    """84 KB, 1.2 MB (decimal units, as file managers show them)."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"


# -- The engine -------------------------------------------------------------


@cache
def engine_problem() -> str | None:
    """Why PDFs cannot be made on this machine, or None when they can."""
    # Its import prints a banner when a library is missing, and warns when
    # there are no fonts: the reason is said here, in one line.
    try:
        with redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import weasyprint  # noqa: F401  (loads Pango through cffi)
    except (ImportError, OSError) as exc:
        return f"WeasyPrint cannot start ({str(exc).splitlines()[0]})"
    missing = [name for name in REQUIRED_FONTS if name not in installed_fonts()]
    if missing:
        return "fonts missing: " + ", ".join(missing)
    return None


def installed_fonts() -> dict[str, tuple[str, ...]]:
    """Font family → its files, as fontconfig (and so the engine) sees them."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        found: dict[str, set[str]] = {}
        value = ffi.new("FcChar8 **")
        for index in range(fonts.nfont if fonts != ffi.NULL else 0):
            pattern = fonts.fonts[index]
            if fontconfig.FcPatternGetString(pattern, b"file", 0, value) != 0:
                continue
            file = ffi.string(value[0]).decode("utf-8", "replace")
            family = 0
            while fontconfig.FcPatternGetString(pattern, b"family", family, value) == 0:
                name = ffi.string(value[0]).decode("utf-8", "replace")
                found.setdefault(name, set()).add(file)
                family += 1
        return {name: tuple(sorted(files)) for name, files in sorted(found.items())}
    finally:
        fontconfig.FcConfigDestroy(config)


def engine_signature(stylesheet: Path) -> str:
    """A digest of everything but the document that shapes every PDF: the
    engine's version, the paper stylesheet and every font file fontconfig
    offers (any of them can be a fallback for a glyph)."""
    digest = hashlib.sha256()
    for package in ("weasyprint", "pydyf", "fonttools", "pillow"):
        digest.update(f"{package}={version(package)}\n".encode())
    digest.update(Path(stylesheet).read_bytes())
    files = sorted({file for group in installed_fonts().values() for file in group})
    for file in files:
        stat = Path(file).stat()
        digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def job_fingerprint(job: PdfJob, paper: Paper, signature: str) -> str:
    """The inputs of one PDF but the files it reads (PdfFile.resources)."""
    digest = hashlib.sha256(signature.encode())
    for part in (job.path, job.html, repr(job.metadata), repr(paper)):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


# -- One document -----------------------------------------------------------


def probe(stylesheet: str) -> tuple[str | None, str]:
    """Run in the process that will make the PDFs: why the engine cannot
    work here (or None) and, when it can, its signature, with the engine
    warmed up for `stylesheet`. The process yields to the build's own on
    a busy machine: the engine loads while that one reads and validates."""
    os.nice(10)
    problem = engine_problem()
    if problem is not None:
        return problem, ""
    _warm_engine(Path(stylesheet))
    return None, engine_signature(Path(stylesheet))


def _warm_engine(stylesheet: Path):
    stylesheet = stylesheet.resolve()
    return _engine(str(stylesheet), identity_of(stylesheet.stat()))


@cache
def _engine(stylesheet: str, stamp: tuple[int, ...]):
    """The fonts and the parsed paper stylesheet, kept warm per process
    (`stamp` is the file's size and mtime, so an edited stylesheet is read
    again)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = FontConfiguration()
    # The paper stylesheet loads nothing (no @import, font or image).
    nothing = URLFetcher(allowed_protocols=())
    engine = fonts, CSS(filename=stylesheet, font_config=fonts, url_fetcher=nothing)
    # The engine's modules, fonts and stylesheet last the process: left out
    # of the collector's full passes, which making PDFs by the hundred
    # would otherwise repeat over them (a twentieth of a PDF worker's time).
    gc.freeze()
    return engine


def _fetcher(paper: Paper, read: list[str]):
    """Serve URLs under the site root from `paper.files`, and the raster
    images an SVG may hold as data: URLs (svgpolicy.EMBEDDED_RASTER),
    nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(paper.files).resolve()

    class ContentFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if EMBEDDED_RASTER.match(url):
                return super().fetch(url, headers)  # (decoded, not fetched)
            if not url.startswith(paper.site_root):
                raise ValueError(f"not a file of this site: {url}")
            relative = unquote(urlsplit(url).path)[
                len(urlsplit(paper.site_root).path) :
            ]
            path = (root / relative).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                raise FileNotFoundError(f"{relative} is not a file under content/")
            read.append(path.relative_to(root).as_posix())
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": mime}
            )

    return ContentFetcher()


class _Collector(logging.Handler):
    """One line per problem, URLs written as paths under the site root."""

    def __init__(self, site_root: str):
        super().__init__(logging.WARNING)
        self.site_root = site_root
        self.messages: list[str] = []

    def emit(self, record):
        message = " ".join(record.getMessage().replace(self.site_root, "").split())
        self.messages.append(message.rstrip(": "))


@contextmanager
def _engine_messages(site_root: str):
    """WeasyPrint logs what it cannot render and goes on; we stop."""
    engine_logger = logging.getLogger("weasyprint")
    collector = _Collector(site_root)
    engine_logger.addHandler(collector)
    propagate, engine_logger.propagate = engine_logger.propagate, False
    try:
        yield collector.messages
    finally:
        engine_logger.removeHandler(collector)
        engine_logger.propagate = propagate


def _w3c_date(moment: datetime) -> str:
    text = moment.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z") if moment.utcoffset() is not None else text


def _relative(url: str, root: str, document: str) -> str:
    """A URL under the site root, as a link from `document` (a site path)."""
    if not url.startswith(root):
        return url
    parts = urlsplit(url)
    target = parts.path[len(urlsplit(root).path) :]
    link = posixpath.relpath(target or ".", posixpath.dirname(document) or ".")
    if parts.query:
        link += f"?{parts.query}"
    if parts.fragment:
        link += f"#{parts.fragment}"
    return link


def render_pdf(job: PdfJob, paper: Paper) -> PdfFile:
    """The PDF of one document; raises PdfError for anything the engine
    could not render (a missing image, say), never writes a partial PDF."""
    fonts, css = _warm_engine(Path(paper.stylesheet))
    read: list[str] = []  # the files under Paper.files it read
    try:
        with time_limit(MAX_PDF_SECONDS):
            return _render(job, paper, fonts, css, read)
    except TooSlow:
        raise PdfError(
            job.path,
            [
                f"it takes more than {MAX_PDF_SECONDS} s to lay out (a very long "
                "word or a very large table, say); shorten or split it"
            ],
        ) from None


def _render(job: PdfJob, paper: Paper, fonts, css, read: list[str]) -> PdfFile:
    """render_pdf's work, without its time limit."""
    from weasyprint import HTML
    from weasyprint.pdf.metadata import DocumentMetadata

    with _engine_messages(paper.site_root) as messages:
        document = HTML(
            string=job.html,
            base_url=paper.site_root + job.path,
            url_fetcher=_fetcher(paper, read),
        ).render(stylesheets=[css], font_config=fonts, **OPTIONS)
        meta = job.metadata
        document.metadata = DocumentMetadata(
            title=meta.title,
            authors=list(meta.authors),
            description=meta.subject,
            keywords=list(meta.keywords),
            generator=meta.creator,
            created=_w3c_date(meta.created),
            modified=_w3c_date(meta.modified or meta.created),
            lang=meta.lang,
        )
        if paper.relative_links:
            for page in document.pages:
                page.links = [
                    (kind, _relative(target, paper.site_root, job.path), *rest)
                    if kind == "external"
                    else (kind, target, *rest)
                    for kind, target, *rest in page.links
                ]
        data = document.write_pdf(**OPTIONS)
    if messages:
        raise PdfError(job.path, messages)
    return PdfFile(data, len(document.pages), tuple(sorted(set(read))))


def pdf_info(data: bytes) -> tuple[int, int]:
    """(size in bytes, pages) of a PDF, e.g. one kept by a build cache."""
    from pypdf import PdfReader

    return len(data), len(PdfReader(io.BytesIO(data)).pages)


# -- What the paper edition shows -------------------------------------------

_TITLE_BREAK = re.compile(r"\s*[:：—–]\s*|\s+-\s+")
SHORT_TITLE_LENGTH = 60


def short_title(title: str, limit: int = SHORT_TITLE_LENGTH) -> str:
    """The running-footer title: the part before a colon or dash, cut at a
    word (or, for text without spaces, a character) within `limit`."""
    head = _TITLE_BREAK.split(title.strip(), maxsplit=1)[0] or title.strip()
    if len(head) <= limit:
        return head
    cut = head[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;") + "…"
