"""Atom feeds whose links resolve both online and from disk.

Pelican writes feed links relative to the site root when SITEURL is empty,
which a feed reader (or a link checker) resolves against the feed's own folder
and gets wrong. Without an absolute SITEURL, links here are made relative to
each feed file; the feed's alternate link names index.html, never a folder.
A brief's PDF edition is linked from its entry as an enclosure.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin

from feedgenerator import Enclosure
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import Writer

_LINK = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\{)")


def is_absolute(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def rebase_links(html: str, page_url: str) -> str:
    """Relative links in a page body, re-expressed from the feed's folder.

    `page_url` is the page's address as seen from the feed: relative
    (`../briefs/x.html`) in development builds, absolute in production.
    """

    def rebase(match: re.Match) -> str:
        target = match.group(2)
        if not target or _NOT_RELATIVE.match(target):
            return match.group(0)
        if is_absolute(page_url):
            joined = urljoin(page_url, target)
        else:
            joined = posixpath.normpath(
                posixpath.join(posixpath.dirname(page_url), target)
            )
        return f"{match.group(1)}{joined}{match.group(3)}"

    return _LINK.sub(rebase, html)


class FeedWriter(Writer):
    def write_feed(self, elements, context, path=None, url=None, **kwargs):
        if path and not is_absolute(context.get("SITEURL", "")):
            base = path_to_url(get_relative_path(path))
            context = {**context, "SITEURL": base, "FEED_DOMAIN": base}
        return super().write_feed(elements, context, path, url, **kwargs)

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        entry = feed.items[-1]
        # feedgenerator writes one <author>; name every co-author in it.
        entry["author_name"] = ", ".join(author.name for author in item.authors)
        page_url = self.urljoiner(self.site_url, item.url)
        for key in ("content", "description"):
            if entry.get(key):
                entry[key] = rebase_links(entry[key], page_url)
        edition = getattr(item, "pdf", None)  # briefs.pdf_output
        if edition:
            url = self.urljoiner(self.site_url, edition.url)
            entry["enclosures"] = [Enclosure(url, str(edition.size), "application/pdf")]

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        feed.feed["link"] = self.urljoiner(self.site_url, "index.html")
        return feed
