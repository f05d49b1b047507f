"""What Atom feeds need beyond feedgenerator: links inside entries
re-expressed from the feed's own location, ids, and one author per person.

Pelican writes feed links relative to the site root when SITEURL is empty,
which a feed reader (or a link checker) resolves against the feed's own folder
and gets wrong. Without an absolute SITEURL, links are made relative to each
feed file (render.py); the feed's alternate link names its page (index.html
for the site's feed), never a folder. Relative links in the body are rebased
the same way here.

Ids must be absolute and permanent (RFC 4287), one per feed and the same for
an entry in every feed that holds it. With a public address a feed's id is
its page's address and an entry's the tag URI Pelican makes of the brief's
address; without one (development, the offline edition) both are
name-based UUIDs (`offline_id`), never a relative path.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from collections.abc import Sequence
from html import unescape
from urllib.parse import urljoin

from feedgenerator import Atom1Feed

from .urls import is_absolute

_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\{)")


def rebase_links(html: str, spans: Sequence[int], page_url: str) -> str:
    """Relative links in a page body, re-expressed from the feed's folder.

    `spans` are where the body's href and src values stand, between their
    quotes, start and end after start and end (SourceRead.link_spans:
    found by the parse that checked the
    HTML, so text that only looks like an attribute, in a title or a code
    sample, is never touched). `page_url` is the page's address as seen
    from the feed: relative (`../briefs/x.html`) in development builds,
    absolute in production.
    """
    absolute = is_absolute(page_url)
    parts, position = [], 0
    pairs = iter(spans)
    for start, end in zip(pairs, pairs, strict=True):
        target = html[start:end]
        # Markdown writes e-mail links as character references (&#109;...);
        # relative ones are always written out (htmlpolicy refuses others).
        if not target or _NOT_RELATIVE.match(unescape(target)):
            continue
        if absolute:
            joined = urljoin(page_url, target)
        else:
            joined = posixpath.normpath(
                posixpath.join(posixpath.dirname(page_url), target)
            )
        parts += (html[position:start], joined.replace('"', "&quot;"))
        position = end
    parts.append(html[position:])
    return "".join(parts)


class BriefsAtomFeed(Atom1Feed):
    """feedgenerator's Atom with an `<author>` for each person of an entry
    (`author_names`): it writes one name, so co-authors "A, B" would read as
    one person. Atom gives the order of an entry's elements no meaning."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "author_name": None})
        for name in item["author_names"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


def offline_id(site_name: str, path: str) -> str:
    """The id of a feed or entry (`path` from the site root: its page) in a
    build without a public address: the same in every feed and build while
    the site's name and the page's address stay."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{site_name}/{path}')}"
