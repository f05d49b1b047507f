"""Addresses readers have: the pages and feeds a new build would drop.

A published page or feed is linked from elsewhere, bookmarked and
subscribed to. When a brief is renamed, or a region, author or topic goes
away, its address goes with it. `lost()` lists every page (.html) and feed
(.xml) address of a published site that a new build lacks; `advice()` says
how to keep one: an old address can become an alias
(`aliases: [briefs/old-name.html]` in the front matter of the brief that
replaced it, or `aliases:` in its regions.yml or authors.yml entry), which
gets a redirect page.

Further pages of a listing (`regions/europe-2.html`) are not lost while the
listing's first page remains: listings shrink as briefs change, and readers
link to their first page.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from briefs.collection import display_path
from briefs.sitefiles import NOT_FOUND, SITEMAP
from host_files.files import GOOGLE_VERIFICATION

ADDRESS_SUFFIXES = (".html", ".xml")
# Written by production builds only (publishconf.py): a development build's
# lack of them loses nothing (production_only).
PRODUCTION_ONLY = frozenset({SITEMAP, NOT_FOUND})
_FURTHER_PAGE = re.compile(r"^((?:regions|authors|topics)/[^/]+|index)-(\d+)\.html$")
_REGISTRIES = {"regions": "regions.yml", "authors": "authors.yml"}


def addresses(names: Iterable[str]) -> set[str]:
    """The page and feed addresses among site-relative file names."""
    return {name for name in names if name.endswith(ADDRESS_SUFFIXES)}


def site_addresses(folder: Path) -> set[str]:
    """The page and feed addresses of a built site on disk."""
    folder = Path(folder)
    return addresses(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file()
    )


def production_only(names: Iterable[str]) -> set[str]:
    """Which of `names` production builds alone write: PRODUCTION_ONLY, and
    Search Console's verification file (host_files)."""
    return {
        name
        for name in names
        if name in PRODUCTION_ONLY or GOOGLE_VERIFICATION.fullmatch(name)
    }


def lost(published: set[str], new: set[str], ignore: Iterable[str] = ()) -> list[str]:
    """Addresses of `published` that `new` lacks, sorted."""
    missing = published - new - set(ignore)
    return sorted(address for address in missing if not _further_page(address, new))


def _further_page(address: str, new: set[str]) -> bool:
    match = _FURTHER_PAGE.match(address)
    return bool(match) and f"{match.group(1)}.html" in new


def report(
    published: set[str],
    new: set[str],
    sources: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """(address, advice) for every address of `published` that `new` lacks."""
    added = new - published
    return [
        (address, advice(address, added, sources or {}))
        for address in lost(published, new, ignore)
    ]


def sources(collection) -> dict[str, str]:
    """Who is behind each page address of a validated content folder: the
    brief's file, the region's or author's name."""
    named = {
        f"briefs/{brief.slug}.html": display_path(path, collection.content_dir)
        for path, brief in collection.briefs.items()
    }
    for section, records in (
        ("regions", collection.registry.regions),
        ("authors", collection.registry.authors),
    ):
        named.update({f"{section}/{r.slug}.html": f"'{r.name}'" for r in records})
    return named


def advice(address: str, added: set[str], sources: Mapping[str, str]) -> str:
    """How to keep `address`. `added` are the new build's addresses the
    published site lacks (a renamed page's new address is among them);
    `sources` name the file or entry behind an address, where known."""
    if address.endswith(".xml"):
        return (
            "a feed: its subscribers get no more updates (a redirect page "
            "cannot stand in for a feed)"
        )
    if GOOGLE_VERIFICATION.fullmatch(address):
        return (
            "Search Console's verification file: build with "
            f"GOOGLE_SITE_VERIFICATION={address} to keep it"
        )
    keep = f"add `aliases: [{address}]` to"
    section = PurePosixPath(address).parent.as_posix()
    close = _closest(address, added, section)
    perhaps = f" (perhaps {sources.get(close, close)})" if close else ""
    if section in _REGISTRIES:
        kind = section.removesuffix("s")
        return f"{keep} the {kind} that replaced it in {_REGISTRIES[section]}{perhaps}"
    if section == "briefs":
        return f"{keep} the brief that replaced it{perhaps}"
    return f"{keep} the brief that should take its readers"


def _closest(address: str, candidates: set[str], section: str) -> str | None:
    """The candidate page in the same folder whose name is most alike."""
    pages = {
        PurePosixPath(page).stem: page
        for page in candidates
        if page.endswith(".html") and PurePosixPath(page).parent.as_posix() == section
    }
    match = difflib.get_close_matches(PurePosixPath(address).stem, pages, n=1)
    return pages[match[0]] if match else None
