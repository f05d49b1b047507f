"""Series: briefs published as numbered parts of one named series.

A brief joins a series with `series:` in its front matter. Its parts are
numbered in date order by `opendata.series_parts` (drafts are not counted),
the one rule the open data, the brief pages and the series pages share.
Each series has a page (SERIES_URL, SERIES_SAVE_AS: `series/<slug>.html`)
listing its parts in order, and `series/index.html` lists every series.
Two names with one slug are refused before the build (addresses.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pelican.urlwrappers import URLWrapper

from .opendata import series_parts


class Series(URLWrapper):
    """A series page: SERIES_URL and SERIES_SAVE_AS come from the class name."""


@dataclass(frozen=True)
class SeriesView:
    """A series as pages link it."""

    name: str
    slug: str
    url: str
    save_as: str


@dataclass(frozen=True)
class SeriesNav:
    """What a brief's page says of its series: "Part n of m in <series>",
    with the parts before and after it (None at either end). A draft shown
    in a preview has no part number (`part` None) and no neighbours."""

    series: SeriesView
    part: int | None
    total: int
    previous: object | None = None  # a BriefView
    next: object | None = None


def series_listing(views: list, settings: dict) -> list[tuple[SeriesView, list]]:
    """Every series with a published part, by name, with its published
    parts in order (`views` are the listed briefs, BriefViews)."""
    parts = series_parts(view.brief for view in views)
    members: dict[str, list] = {}
    for view in views:
        if view.slug in parts:
            members.setdefault(view.brief.series, []).append(view)
    listing = []
    for name in sorted(members, key=str.casefold):
        wrapper = Series(name, settings)
        listing.append(
            (
                SeriesView(name, wrapper.slug, wrapper.url, wrapper.save_as),
                sorted(members[name], key=lambda view: parts[view.slug]),
            )
        )
    return listing


def series_navigation(listing: list[tuple[SeriesView, list]], views) -> dict:
    """{brief slug: SeriesNav} for each of `views` that is in a series."""
    found = {series.name: (series, parts) for series, parts in listing}
    navigation = {}
    for view in views:
        if view.brief.series not in found:
            continue
        series, parts = found[view.brief.series]
        if view.is_draft:
            navigation[view.slug] = SeriesNav(series, None, len(parts))
            continue
        index = next(n for n, part in enumerate(parts) if part.slug == view.slug)
        navigation[view.slug] = SeriesNav(
            series,
            index + 1,
            len(parts),
            parts[index - 1] if index > 0 else None,
            parts[index + 1] if index + 1 < len(parts) else None,
        )
    return navigation
