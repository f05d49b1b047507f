"""Links inside feed entries, re-expressed from the feed's own location.

Pelican writes feed links relative to the site root when SITEURL is empty,
which a feed reader (or a link checker) resolves against the feed's own folder
and gets wrong. Without an absolute SITEURL, links are made relative to each
feed file (render.py); the feed's alternate link names index.html, never a
folder. Relative links in the body are rebased the same way here.
"""

from __future__ import annotations

import posixpath
import re
from html import unescape
from urllib.parse import urljoin

from .urls import is_absolute

_LINK = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\{)")


def rebase_links(html: str, page_url: str) -> str:
    """Relative links in a page body, re-expressed from the feed's folder.

    `page_url` is the page's address as seen from the feed: relative
    (`../briefs/x.html`) in development builds, absolute in production.
    """

    def rebase(match: re.Match) -> str:
        target = match.group(2)
        # Markdown writes e-mail links as character references (&#109;...);
        # relative ones are always written out (htmlpolicy refuses others).
        if not target or _NOT_RELATIVE.match(unescape(target)):
            return match.group(0)
        if is_absolute(page_url):
            joined = urljoin(page_url, target)
        else:
            joined = posixpath.normpath(
                posixpath.join(posixpath.dirname(page_url), target)
            )
        return f"{match.group(1)}{joined}{match.group(3)}"

    return _LINK.sub(rebase, html)
