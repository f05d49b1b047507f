"""Atom feeds whose links resolve both online and from disk.

Pelican writes feed links relative to the site root when SITEURL is empty,
which a feed reader (or a link checker) resolves against the feed's own folder
and gets wrong. Without an absolute SITEURL, links here are made relative to
each feed file; the feed's alternate link names index.html, never a folder.
"""

from __future__ import annotations

from pelican.utils import get_relative_path, path_to_url
from pelican.writers import Writer


def is_absolute(url: str) -> bool:
    return url.startswith(("http://", "https://"))


class FeedWriter(Writer):
    def write_feed(self, elements, context, path=None, url=None, **kwargs):
        if path and not is_absolute(context.get("SITEURL", "")):
            base = path_to_url(get_relative_path(path))
            context = {**context, "SITEURL": base, "FEED_DOMAIN": base}
        return super().write_feed(elements, context, path, url, **kwargs)

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        feed.feed["link"] = self.urljoiner(self.site_url, "index.html")
        return feed
