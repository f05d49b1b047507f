""" "Contents": the sections of a brief, from its rendered body.

The Markdown `toc` extension gives every heading an id (MARKDOWN settings);
a brief with at least MIN_SECTIONS `##` headings gets a list linking to them.
Worked out where the brief's page is rendered (render.py, in a worker), from
the body that page shows, so it needs no field of its own in the cache and
always matches the ids on the page. The ids the toc extension makes hold
only letters, digits, "-" and "_": they never take the theme's "pb:" ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

MIN_SECTIONS = 3
_H2 = re.compile(r"<h2\b([^>]*)>(.*?)</h2>", re.DOTALL | re.IGNORECASE)
_ID = re.compile(r"""\bid=(["'])(.*?)\1""")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Section:
    id: str
    title: str  # plain text (templates escape it)


def sections(html: str) -> list[Section]:
    """Every second-level heading of `html` that has an id, in order."""
    found = []
    for attributes, inner in _H2.findall(html):
        if match := _ID.search(attributes):
            title = " ".join(unescape(_TAG.sub("", inner)).split())
            found.append(Section(unescape(match.group(2)), title))
    return found


def table_of_contents(html: str) -> list[Section]:
    """The sections to list, or none for a brief with fewer than three."""
    found = sections(html)
    return found if len(found) >= MIN_SECTIONS else []
