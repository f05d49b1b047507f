"""Old addresses that keep working: a small redirect page at each alias.

A brief, region or author that was renamed lists its old addresses under
`aliases:`. Each gets a page that works from disk and on GitHub Pages (which
has no server-side redirects): a meta refresh to the new page, a visible link
for readers and browsers that do not follow it, and rel=canonical so search
engines move the address over. Feed readers do not follow pages, so a region
or author alias of the form regions/<old>.html also keeps its old feed
address: the same feed is written there too. The addresses were validated
with every other field (addresses.py): none is taken by a page or another
alias, none leads outside the site.

A redirect page links the theme's icon, as every page does (without one,
browsers ask for /favicon.ico, outside a site published under a sub-path):
as a data: URL (notfound.inline_icon, like 404.html's), so that the page,
shown for an instant, loads nothing but the page it sends readers to.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .addresses import AUTHORS, REGIONS
from .collection import Collection

FEED_FOLDER = "feeds"


@dataclass(frozen=True)
class Redirect:
    address: str  # the old address, from the site root (briefs/old-name.html)
    target: str  # the page it leads to, from the site root
    title: str  # what the page is called, for the link
    feed: tuple[str, str] | None = None  # (current feed, old feed address)
    language: str = ""  # the title's (a brief's, by its script; else the site's)


def redirect_page(
    target_relative_url: str,
    canonical_absolute_or_none: str | None,
    title: str,
    icon: str,
    lang: str = "en",
    title_lang: str = "",
) -> str:
    """The HTML of a page that sends readers on to `target_relative_url`
    (relative to the redirect page itself), in the site's language `lang`;
    the page's title is marked in its own, `title_lang`, when that differs;
    `icon`: the theme's icon as a data: URL."""
    target = escape(target_relative_url)
    canonical = escape(canonical_absolute_or_none or target_relative_url)
    name = escape(title)
    marked = f' lang="{escape(title_lang)}"' if title_lang else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n'
        "<head>\n"
        '  <meta charset="utf-8">\n'
        f'  <meta http-equiv="refresh" content="0; url={target}">\n'
        '  <meta name="robots" content="noindex">\n'
        f'  <link rel="canonical" href="{canonical}">\n'
        f"  <title>Moved: {name}</title>\n"
        f'  <link rel="icon" href="{escape(icon)}" '
        'type="image/svg+xml">\n'
        "</head>\n"
        "<body>\n"
        "  <main>\n"
        f'    <p>This page has moved to <a href="{target}"{marked}>{name}</a>.</p>\n'
        "  </main>\n"
        "</body>\n"
        "</html>\n"
    )


def relative_url(address: str, target: str) -> str:
    """`target` (from the site root) as linked from the page at `address`."""
    return posixpath.relpath(target, posixpath.dirname(address) or ".")


def alias_redirects(
    collection: Collection,
    published: Callable[[str], bool],
    feed_of: Callable[[str, str], str],
    show_drafts: bool = False,
) -> list[Redirect]:
    """Every redirect to write: aliases of published briefs, of regions, and
    of authors whose page exists. `published(address)` says whether a page
    is written at an address; `feed_of(kind, slug)` is the feed path of a
    region or author page (kind is 'regions' or 'authors')."""
    redirects = []
    for source, brief in collection.briefs.items():
        if brief.aliases and (show_drafts or not brief.is_draft):
            language = collection.reads[source].language
            redirects += [
                Redirect(
                    alias, f"briefs/{brief.slug}.html", brief.title, None, language
                )
                for alias in brief.aliases
            ]
    registry = collection.registry
    for kind, records in ((REGIONS, registry.regions), (AUTHORS, registry.authors)):
        for record in records:
            page = f"{kind}/{record.slug}.html"
            if not published(page):
                continue
            for alias in record.aliases:
                folder, _, name = alias.rpartition("/")
                feed = None
                if folder == kind and published(feed_of(kind, record.slug)):
                    old = feed_of(kind, name.removesuffix(".html"))
                    feed = (feed_of(kind, record.slug), old)
                redirects.append(Redirect(alias, page, record.name, feed))
    return redirects
