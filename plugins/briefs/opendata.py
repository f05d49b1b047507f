"""The collection as data: JSON (and the same as a script for file://), CSV,
BibTeX, RIS, and an OPML list of every feed.

Pure: `catalogue_files` takes plain entries and returns every file as bytes
by path, in a stable order, so an unchanged collection gives identical bytes.
Drafts never appear, whatever the caller passes. Each format escapes front
matter its own way: json for JSON, csv quoting (plus a guard against
spreadsheet formulas) for CSV, citations.py for BibTeX and RIS, XML
attribute quoting for OPML.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from . import citations
from .opendata_schema import SCHEMA
from .reading import reading_time
from .registry import AuthorRecord
from .schema import Brief

OPML_PATH = "feeds/index.opml"
JS_GLOBAL = "policyBriefs"
CSV_COLUMNS = (
    "slug", "title", "summary", "authors", "regions", "topics", "series",
    "series_part", "date", "updated", "doi", "featured", "image", "image_alt",
    "image_credit", "word_count", "reading_time", "url", "absolute_url",
    "pdf_url", "bibtex_url", "ris_url",
)  # fmt: skip
CSV_JOIN = "; "
# A cell starting with one of these is run as a formula by spreadsheet
# programs (CSV injection); such cells get a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TopicRef:
    """A topic (or, as RegionRef, a region) as the site links to it."""

    name: str
    slug: str
    url: str
    feed: str | None = None  # its Atom feed, from the site root


@dataclass(frozen=True)
class RegionRef(TopicRef):
    description: str | None = None  # Markdown, as in regions.yml


@dataclass(frozen=True)
class AuthorRef(TopicRef):
    record: AuthorRecord | None = None  # None for guest writers

    @property
    def role(self) -> str | None:
        return self.record.role if self.record else None


@dataclass(frozen=True)
class CatalogueEntry:
    """One published brief with what the site made of it; paths are
    relative to the site root."""

    brief: Brief
    url: str
    authors: tuple[AuthorRef, ...]
    regions: tuple[RegionRef, ...]
    topics: tuple[TopicRef, ...]
    word_count: int
    reading_time: int
    series_part: int | None
    pdf_url: str | None
    bibtex_url: str
    ris_url: str


@dataclass(frozen=True)
class Feed:
    """One Atom feed the site writes; `group` heads its OPML outline."""

    title: str
    path: str
    page: str
    group: str | None = None


def make_entry(
    brief: Brief,
    url: str,
    words: int,
    authors: Sequence[AuthorRef],
    regions: Sequence[RegionRef],
    topics: Sequence[TopicRef],
    series_part: int | None,
    pdf_url: str | None = None,
) -> CatalogueEntry:
    """An entry from a brief, its body's length in words and its links."""
    bibtex_url, ris_url = citations.citation_paths(brief.slug)
    return CatalogueEntry(
        brief=brief,
        url=url,
        authors=tuple(authors),
        regions=tuple(regions),
        topics=tuple(topics),
        word_count=words,
        reading_time=reading_time(words),
        series_part=series_part,
        pdf_url=pdf_url,
        bibtex_url=bibtex_url,
        ris_url=ris_url,
    )


def series_parts(briefs: Iterable[Brief]) -> dict[str, int]:
    """Part numbers by slug: 1, 2, 3... within each series, in date order
    (slug breaks ties); drafts are not counted."""
    by_series: dict[str, list[Brief]] = {}
    for brief in briefs:
        if brief.series and not brief.is_draft:
            by_series.setdefault(brief.series, []).append(brief)
    parts = {}
    for members in by_series.values():
        members.sort(key=lambda b: (b.date, b.slug))
        parts.update({b.slug: number for number, b in enumerate(members, 1)})
    return parts


def newest_first(entries: Iterable[CatalogueEntry]) -> list[CatalogueEntry]:
    ordered = sorted(entries, key=lambda e: e.brief.slug)
    ordered.sort(key=lambda e: e.brief.date, reverse=True)
    return ordered


@dataclass(frozen=True)
class EntryTexts:
    """One entry in every catalogue format, made once and reused by every
    file that lists it (a build cache can keep it: it depends on the entry,
    the site's name and its public address only). The JSON texts are the
    record as it stands in a "briefs" list, indented to that depth."""

    json: str
    ascii_json: str  # the same with \\u escapes, for briefs.js
    csv_row: str
    bibtex: str
    ris: str


def entry_texts(
    entry: CatalogueEntry, site_name: str, public_url: str | None
) -> EntryTexts:
    public_url = public_url.rstrip("/") if public_url else None
    record = _brief_json(entry, public_url)
    cite = _cite_args(entry, site_name, public_url)
    text = _nested(json.dumps(record, ensure_ascii=False, indent=2))
    return EntryTexts(
        json=text,
        ascii_json=text
        if _escapes_nothing(text)
        else _nested(json.dumps(record, ensure_ascii=True, indent=2)),
        csv_row=_csv_row(entry, public_url),
        bibtex=citations.bibtex(*cite),
        ris=citations.ris(*cite),
    )


def catalogue_files(
    entries: Iterable[CatalogueEntry],
    *,
    site_name: str,
    public_url: str | None,
    regions: Sequence[RegionRef],
    feeds: Sequence[Feed],
    texts: Callable[[CatalogueEntry], EntryTexts] | None = None,
) -> dict[str, bytes]:
    """Every open data file, path (from the site root) → bytes.

    `regions` is every region of the registry, in its order; `feeds` every
    feed the site writes; `public_url` the site's absolute address or None;
    `texts` gives an entry's texts (default: `entry_texts`, made afresh).
    """
    public_url = public_url.rstrip("/") if public_url else None
    published = newest_first(e for e in entries if not e.brief.is_draft)
    made = texts or (lambda entry: entry_texts(entry, site_name, public_url))
    listed = [(entry, made(entry)) for entry in published]
    catalogue = {"site": {"name": site_name, "url": public_url}, "count": len(listed)}
    files = {
        "data/briefs.json": _json_listing(catalogue, [t.json for _, t in listed]),
        "data/briefs.js": _script(catalogue, [t.ascii_json for _, t in listed]),
        "data/schema.json": _json(SCHEMA),
        "data/briefs.csv": _csv(t.csv_row for _, t in listed),
        "data/briefs.bib": "\n".join(t.bibtex for _, t in listed).encode("utf-8"),
        "data/briefs.ris": citations.RIS_NEWLINE.join(t.ris for _, t in listed).encode(
            "utf-8"
        ),
        OPML_PATH: _opml(site_name, feeds, public_url),
    }
    files.update(_region_files(listed, regions))
    files.update(_author_files(listed))
    return files


def _cite_args(entry: CatalogueEntry, site_name: str, public_url: str | None):
    records = [author.record for author in entry.authors]
    return entry.brief, records, site_name, _absolute(entry.url, public_url)


def _absolute(path: str, public_url: str | None) -> str | None:
    return f"{public_url}/{path}" if public_url else None


def _brief_json(entry: CatalogueEntry, public_url: str | None) -> dict:
    brief = entry.brief
    image = None
    if brief.image:
        image = {
            "url": quote(brief.image),
            "alt": brief.image_alt,
            "credit": brief.image_credit,
        }
    series = None
    if brief.series:
        series = {"name": brief.series, "part": entry.series_part}
    return {
        "slug": brief.slug,
        "url": entry.url,
        "absolute_url": _absolute(entry.url, public_url),
        "title": brief.title,
        "summary": brief.summary,
        "authors": [
            {"name": a.name, "slug": a.slug, "role": a.role, "url": a.url}
            for a in entry.authors
        ],
        "regions": [_ref_json(r) for r in entry.regions],
        "topics": [_ref_json(t) for t in entry.topics],
        "series": series,
        "date": brief.date.isoformat(),
        "updated": brief.updated.isoformat() if brief.updated else None,
        "doi": brief.doi,
        "featured": brief.featured,
        "key_points": list(brief.key_points),
        "image": image,
        "word_count": entry.word_count,
        "reading_time": entry.reading_time,
        "pdf_url": entry.pdf_url,
        "bibtex_url": entry.bibtex_url,
        "ris_url": entry.ris_url,
    }


def _ref_json(ref: TopicRef) -> dict:
    return {"name": ref.name, "slug": ref.slug, "url": ref.url}


def _region_files(listed, regions: Sequence[RegionRef]) -> dict:
    by_region: dict[str, list[str]] = {region.slug: [] for region in regions}
    for entry, texts in listed:
        for slug in dict.fromkeys(r.slug for r in entry.regions):
            by_region.setdefault(slug, []).append(texts.json)
    index, files = [], {}
    for region in regions:
        briefs = by_region[region.slug]
        data_url = f"data/regions/{region.slug}.json"
        about = {
            "name": region.name,
            "slug": region.slug,
            "description": region.description,
            "url": region.url,
            "feed_url": region.feed if briefs else None,
        }
        index.append({**about, "data_url": data_url, "count": len(briefs)})
        files[data_url] = _json_listing({**about, "count": len(briefs)}, briefs)
    files["data/regions.json"] = _json({"count": len(index), "regions": index})
    return files


def _author_files(listed) -> dict:
    people: dict[str, tuple[AuthorRef, list[str]]] = {}
    for entry, texts in listed:
        for author in entry.authors:
            people.setdefault(author.slug, (author, []))[1].append(texts.json)
    index, files = [], {}
    for slug in sorted(people):
        author, briefs = people[slug]
        profile = author.record
        family, given = citations.person_name(author.name, profile)
        data_url = f"data/authors/{slug}.json"
        about = {
            "name": author.name,
            "slug": slug,
            "listed": profile is not None,
            "role": author.role,
            "affiliation": profile.affiliation if profile else None,
            "family": family,
            "given": given or None,
            "url": author.url,
            "feed_url": author.feed,
        }
        index.append({**about, "data_url": data_url, "count": len(briefs)})
        files[data_url] = _json_listing(
            {
                **about,
                "bio": profile.bio if profile else None,
                "photo": quote(profile.photo) if profile and profile.photo else None,
                "links": [
                    {"label": label, "url": url}
                    for label, url in (profile.links if profile else ())
                ],
                "count": len(briefs),
            },
            briefs,
        )
    files["data/authors.json"] = _json({"count": len(index), "authors": index})
    return files


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Where a listing's records go: a list of one string that no record can
# serialise to (json escapes the NULs), replaced by the records' texts.
_SLOT = "\0briefs\0"


def _escapes_nothing(text: str) -> bool:
    """Whether json.dumps with ensure_ascii=True writes `text` too: the two
    differ only in the characters outside space..tilde that `text` leaves
    unescaped, DEL and anything not ASCII. (Indented JSON is written in
    Python: the second dumps was half of a brief's open data time.)"""
    return text.isascii() and "\x7f" not in text


def _nested(text: str) -> str:
    """A record's JSON text indented as an item of a top-level "briefs" list
    (json.dumps indents nested values by two spaces a level)."""
    return text.replace("\n", "\n    ")


def _listing_text(value: dict, records: list[str], ascii: bool) -> str:
    """`value` with a last key "briefs" listing `records` (texts from
    `_nested`): the same text as json.dumps of the whole, indent 2."""
    text = json.dumps(
        {**value, "briefs": [_SLOT] if records else []},
        ensure_ascii=ascii,
        indent=2,
    )
    return text.replace(json.dumps(_SLOT), ",\n    ".join(records), 1)


def _json_listing(value: dict, records: list[str]) -> bytes:
    return (_listing_text(value, records, ascii=False) + "\n").encode("utf-8")


def _script(value: dict, records: list[str]) -> bytes:
    """The catalogue as one global for pages opened from disk, where browsers
    refuse to fetch JSON. Pure ASCII (\\u escapes): a script is decoded in
    the encoding of the page that loads it, which may not be UTF-8."""
    text = _listing_text(value, records, ascii=True)
    return f"globalThis.{JS_GLOBAL} = {text};\n".encode("ascii")


def spreadsheet_safe(value: str) -> str:
    """A cell spreadsheet programs show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv(rows: Iterable[str]) -> bytes:
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
    # The byte order mark tells spreadsheet programs the file is UTF-8.
    return b"\xef\xbb\xbf" + (header.getvalue() + "".join(rows)).encode("utf-8")


def _csv_row(entry: CatalogueEntry, public_url: str | None) -> str:
    brief = entry.brief
    row = {
        "slug": brief.slug,
        "title": brief.title,
        "summary": brief.summary,
        "authors": CSV_JOIN.join(a.name for a in entry.authors),
        "regions": CSV_JOIN.join(r.name for r in entry.regions),
        "topics": CSV_JOIN.join(t.name for t in entry.topics),
        "series": brief.series,
        "series_part": entry.series_part,
        "date": brief.date.isoformat(),
        "updated": brief.updated.isoformat() if brief.updated else None,
        "doi": brief.doi,
        "featured": "true" if brief.featured else "false",
        "image": brief.image,
        "image_alt": brief.image_alt,
        "image_credit": brief.image_credit,
        "word_count": entry.word_count,
        "reading_time": entry.reading_time,
        "url": entry.url,
        "absolute_url": _absolute(entry.url, public_url),
        "pdf_url": entry.pdf_url,
        "bibtex_url": entry.bibtex_url,
        "ris_url": entry.ris_url,
    }
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        _cell(row[column]) for column in CSV_COLUMNS
    )
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return spreadsheet_safe(citations.one_line(value))


def _opml(site_name: str, feeds: Sequence[Feed], public_url: str | None) -> bytes:
    """OPML 2.0 subscription list. Addresses are absolute with a public
    address, else relative to the OPML file, like every link of the site."""
    folder = posixpath.dirname(OPML_PATH)

    def address(path: str) -> str:
        return _absolute(path, public_url) or posixpath.relpath(path, folder)

    def outline(feed: Feed, indent: str) -> str:
        return (
            f'{indent}<outline type="rss" text={quoteattr(feed.title)} '
            f"title={quoteattr(feed.title)} xmlUrl={quoteattr(address(feed.path))} "
            f"htmlUrl={quoteattr(address(feed.page))}/>"
        )

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(site_name + ': every feed')}</title>",
        "  </head>",
        "  <body>",
    ]
    groups: dict[str | None, list[Feed]] = {}
    for feed in feeds:
        groups.setdefault(feed.group, []).append(feed)
    for group, members in groups.items():
        if group is None:
            lines += [outline(feed, "    ") for feed in members]
            continue
        lines.append(f"    <outline text={quoteattr(group)}>")
        lines += [outline(feed, "      ") for feed in members]
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")
