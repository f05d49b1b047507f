"""Publish exactly the files published pages use, wherever they sit in content/.

Copying whole folders published whatever happened to be there: notes, a
draft's image, `.env`. A file under content/ is published only when a
published page uses it: a brief's image, the photo of an author with a
published brief, or a file a published text (body, bio, region description)
links to or embeds. Every other file is named in a warning, never copied.
What is published must be a kind of file a browser shows or hands over,
never one it opens as a page of the site (HTML, XML, compressed SVG: they
can run script with the site's address): PUBLISHABLE_SUFFIXES; an SVG must
pass svgpolicy. Files keep their path, so `image: images/map.png` is
`images/map.png` in the output.
"""

from __future__ import annotations

import io
import posixpath
import pyexpat
import shutil
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .collection import Collection, display_path
from .fields import IMAGE_SUFFIXES
from .problems import WARNING, ContentError, Problem
from .svgpolicy import check_svg

# Images, documents, data and media: shown as what they are, or downloaded.
PUBLISHABLE_SUFFIXES = IMAGE_SUFFIXES | {
    ".pdf", ".txt", ".csv", ".tsv", ".json", ".geojson",
    ".xlsx", ".xls", ".ods", ".docx", ".doc", ".odt", ".pptx", ".ppt", ".odp",
    ".zip", ".epub", ".mp3", ".m4a", ".ogg", ".oga", ".wav", ".mp4", ".webm",
    ".ogv",
}  # fmt: skip
# The published files whose bytes are looked into (content_refusals): every
# image, the SVG drawings included.
LOOKED_INTO = IMAGE_SUFFIXES
# What is wrong with a file's bytes: a message, and its line (an SVG's) or None.
Refusal = tuple[str, int | None]
# What content_refusals depends on besides a file's bytes and suffix and the
# plugin's code: the XML parser the SVG policy reads with.
CHECKED_BY = (sys.version, pyexpat.EXPAT_VERSION)


def _too_many_pixels(data: bytes) -> list[Refusal]:
    """An image larger than Pillow decodes without a warning (about 89
    megapixels): a 420 KB PNG of 12,000 pixels square took the PDF engine
    1.2 GB. Only the header is read; what Pillow cannot read at all is
    left to the PDF engine, which names the file."""
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():  # (said below, in one line)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # (Pillow refuses over twice the limit)
        size = f"over {2 * limit / 1e6:.0f} megapixels"
    except Exception:  # any image it cannot read: the PDF engine names it
        return []
    else:
        if width * height <= limit:
            return []
        size = f"{width:,} × {height:,} pixels"
    return [
        (
            f"the image is {size}, more than the {limit / 1e6:.0f} megapixels "
            "it may have; export it smaller (1,600 pixels wide is plenty for "
            "the site and its PDFs)",
            None,
        )
    ]


def is_raster_image(head: bytes) -> bool:
    """Whether a file's first 12 bytes are those of a PNG, JPEG, GIF, WebP
    or AVIF image. (Which of them need not match the file's suffix:
    browsers look at the bytes.)"""
    return (
        head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"mif1", b"msf1"))
    )


# The folder of the pages each kind of text appears on (the contract's URL
# scheme): relative links in a text are resolved from there.
BODY_FOLDER, BIO_FOLDER, DESCRIPTION_FOLDER = "briefs", "authors", "regions"


def site_path(folder: str, href: str) -> str | None:
    """The file a relative link on a page in `folder` leads to, from the site
    root (`../images/a.png` from briefs/ → images/a.png); None if it leads
    nowhere in the site."""
    path = unquote(urlsplit(href).path)
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(folder, path))
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return joined


def used_files(
    collection: Collection,
    body_links: dict[Path, Iterable[str]],
    bio_links: dict[str, Iterable[str]],
    description_links: dict[str, Iterable[str]],
    show_drafts: bool = False,
) -> tuple[set[str], set[str]]:
    """(Files published pages use, files only unpublished drafts use), as
    paths from the site root. Links are the local href/src values of each
    rendered text: brief bodies by source, bios by author, descriptions by
    region name."""
    published: set[str] = set()
    drafted: set[str] = set()
    authors: set[str] = set()
    for source, brief in collection.briefs.items():
        public = show_drafts or not brief.is_draft
        used = published if public else drafted
        if brief.image:
            used.add(brief.image)
        used.update(_targets(BODY_FOLDER, body_links.get(source, ())))
        if public:
            authors.update(brief.authors)
    for author in collection.registry.authors:
        if author.name in authors:
            if author.photo:
                published.add(author.photo)
            published.update(_targets(BIO_FOLDER, bio_links.get(author.name, ())))
    for region in collection.registry.regions:
        links = description_links.get(region.name, ())
        published.update(_targets(DESCRIPTION_FOLDER, links))
    return published, drafted - published


def _targets(folder: str, links: Iterable[str]) -> set[str]:
    return {path for href in links if (path := site_path(folder, href))}


def publication(
    collection: Collection, published: set[str], drafted: set[str]
) -> tuple[list[str], list[Problem]]:
    """(Files to copy, sorted; a warning for every other file under content/)."""
    copied, warnings = [], []
    for relative in collection.files:
        if relative in published:
            copied.append(relative)
            continue
        message = (
            "used only by draft briefs, so not published until one of them is"
            if relative in drafted
            else "not used by any published page (as a brief's image, an author's "
            "photo or a link in a text), so it is not published"
        )
        shown = display_path(collection.content_dir / relative, collection.content_dir)
        warnings.append(Problem(shown, message, severity=WARNING))
    return copied, warnings


def file_problems(
    collection: Collection, files: Iterable[str], refusals: dict[str, list[Refusal]]
) -> list[Problem]:
    """Every published file must be of a kind PUBLISHABLE_SUFFIXES names,
    and its bytes what that kind promises (`refusals`: content_refusals of
    the files LOOKED_INTO; one missing there is read now, and an unreadable
    file fails naming itself)."""
    found = []
    for relative in files:
        path = collection.content_dir / relative
        shown = display_path(path, collection.content_dir)
        suffix = posixpath.splitext(relative)[1].lower()
        if suffix not in PUBLISHABLE_SUFFIXES:
            found.append(
                Problem(
                    shown,
                    f"a page links to it, but a {suffix or 'suffix-less'} file is "
                    "not published (a browser could open it as a page of the site); "
                    "link images, PDFs, data, office documents or media: "
                    f"{', '.join(sorted(PUBLISHABLE_SUFFIXES))}",
                )
            )
        elif suffix in LOOKED_INTO:
            known = refusals.get(relative)
            found += [
                Problem(shown, message, line=line)
                for message, line in (
                    content_refusals(path, path.read_bytes())
                    if known is None
                    else known
                )
            ]
    return found


def content_refusals(path: Path, data: bytes) -> list[Refusal]:
    """What is wrong with `data`, the bytes of a published file LOOKED_INTO
    at `path`: an image must be one indeed (a page in disguise could run its
    script where a browser trusts the bytes over the name), and an SVG a
    self-contained drawing (svgpolicy). They depend on the bytes and the
    suffix alone (and CHECKED_BY)."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return [(refusal.message, refusal.line) for refusal in check_svg(data)]
    head = data[:12]
    if is_raster_image(head):
        return _too_many_pixels(data)
    return [
        (
            f"not an image: a {suffix} file must be a PNG, JPEG, GIF, WebP or AVIF "
            f"image, and this one starts with {head!r}; export it again",
            None,
        )
    ]


def copy_files(content_dir: Path, files: Iterable[str], output: Path) -> None:
    """Copy each file to the same path in `output`, never over a written page."""
    for relative in files:
        target = output / relative
        if target.exists():
            raise ContentError(
                [
                    Problem(
                        display_path(content_dir / relative, content_dir),
                        f"would replace {relative}, which the site itself writes; "
                        "rename the file",
                    )
                ]
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(content_dir / relative, target)
