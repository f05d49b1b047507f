"""What the first page of a listing shows above its briefs; pure.

The home page leads with a featured brief; a region's page and an author's
page open with an overview: briefs per year (charts.py), and the region's
experts or the regions an author writes on, with counts. Each is worked out
from the listing's own briefs, so a job's context (pages.py) holds all it
shows and its fingerprint covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from . import charts
from .model import BriefView, Link

# The listings that get an overview on their first page.
OVERVIEW_KINDS = ("region", "author")


@dataclass(frozen=True)
class Overview:
    """Briefs per year (figures and chart), and the people or places the
    listing's briefs share: (link, count), most briefs first."""

    per_year: tuple[tuple[int, int], ...]
    chart: Markup
    counted: tuple[tuple[Link, int], ...]


def featured_brief(briefs: Sequence[BriefView]) -> BriefView | None:
    """The newest published brief marked `featured`, else the newest
    published brief (`briefs` are newest first). A draft, shown in the
    preview, is never the featured brief."""
    published = [view for view in briefs if not view.is_draft]
    return next((v for v in published if v.brief.featured), None) or next(
        iter(published), None
    )


def overview(kind: str, item: Link, briefs: Sequence[BriefView]) -> Overview:
    """A region's or an author's overview (`kind` in OVERVIEW_KINDS)."""
    per_year = charts.per_year([view.date.year for view in briefs])
    subject = f"on {item.name}" if kind == "region" else f"by {item.name}"
    chart = charts.year_chart(
        per_year, f"Briefs {subject} per year", f"pb:chart-{kind}"
    )
    if kind == "region":
        counted = count_links(view.authors for view in briefs)
    else:
        counted = count_links(view.regions for view in briefs)
    return Overview(per_year, chart, counted)


def count_links(groups) -> tuple[tuple[Link, int], ...]:
    """Each link of `groups` (one group per brief) with the number of briefs
    it is in: most first, then by name."""
    counts: dict[str, list] = {}
    for group in groups:
        for link in group:
            counts.setdefault(link.slug, [link, 0])[1] += 1
    return tuple(
        (link, count)
        for link, count in sorted(counts.values(), key=lambda p: (-p[1], p[0].name))
    )
