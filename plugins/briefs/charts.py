"""Briefs per year as a small bar chart: inline SVG drawn at build time.

Pure: counts in, markup out. The chart needs no script and no file: it sits
in the page, its colours come from the theme's tokens through classes
(components.css, so dark mode applies), and it is one image to assistive
technology (`role="img"`, named by its <title>). The page beside it carries
the same figures as a table (theme/templates/partials/year_chart.html).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = 28  # width of a bar, in the chart's own units
GAP = 12  # between bars
PAD = 8  # left and right margins
PLOT = 96  # height of the tallest bar
TOP = 22  # room above the tallest bar for its figure
BOTTOM = 22  # room under the baseline for the years


def per_year(years: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """(year, count) for every year from the first to the last of `years`,
    oldest first; a year without a brief counts 0, so gaps show."""
    if not years:
        return ()
    counts = dict.fromkeys(range(min(years), max(years) + 1), 0)
    for year in years:
        counts[year] += 1
    return tuple(counts.items())


def describe(counts: Sequence[tuple[int, int]]) -> str:
    """The figures in words, as the chart's accessible name ends."""
    return "; ".join(
        f"{year}: {count} {'brief' if count == 1 else 'briefs'}"
        for year, count in counts
    )


def year_chart(counts: Sequence[tuple[int, int]], title: str, id_: str) -> Markup:
    """An SVG bar chart of `counts` ((year, count), oldest first) named
    `title`; `id_` is the id of its <title>, unique on the page."""
    if not counts:
        return Markup("")
    tallest = max(count for _, count in counts) or 1
    width = 2 * PAD + len(counts) * (BAR + GAP) - GAP
    height = TOP + PLOT + BOTTOM
    baseline = TOP + PLOT
    parts = [
        f'<svg class="year-chart" role="img" aria-labelledby="{escape(id_)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{escape(id_)}">{escape(title)}: {escape(describe(counts))}'
        "</title>",
    ]
    for index, (year, count) in enumerate(counts):
        x = PAD + index * (BAR + GAP)
        middle = x + BAR / 2
        bar = round(PLOT * count / tallest, 1)
        if count:
            parts.append(
                f'<rect class="year-chart__bar" x="{x}" y="{baseline - bar}" '
                f'width="{BAR}" height="{bar}"/>'
            )
        parts.append(
            f'<text class="year-chart__value" x="{middle}" y="{baseline - bar - 6}" '
            f'text-anchor="middle">{count}</text>'
        )
        parts.append(
            f'<text class="year-chart__year" x="{middle}" y="{height - 6}" '
            f'text-anchor="middle">{year}</text>'
        )
    parts.append(
        f'<line class="year-chart__axis" x1="{PAD / 2}" y1="{baseline}" '
        f'x2="{width - PAD / 2}" y2="{baseline}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
