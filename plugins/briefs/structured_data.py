"""A brief's schema.org JSON-LD, for the <script type="application/ld+json">
of its page.

Built here rather than in the template so the record is plain data that can
be tested, and serialised by Jinja's own `|tojson` function, which escapes
`<`, `>`, `&` and `'` so that no title can close the script element.
"""

from __future__ import annotations

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .model import BriefView
from .series import SeriesNav


def news_article(
    view: BriefView,
    site_name: str,
    language: str,
    public: str | None,
    series: SeriesNav | None = None,
):
    """The schema.org NewsArticle of a brief: plain text from its record;
    addresses (its own, its authors', its image, its series page) only when
    the build has a public address (`public`, from urls.public_url); its
    part number in its series (`series`, from series.py) as `position`."""
    brief = view.brief

    def address(path: str) -> str:
        return f"{public}/{path}"

    authors = []
    for person in view.authors:
        author = {"@type": "Person", "name": person.name}
        if public:
            author["url"] = address(person.url)
        authors.append(author)
    modified = view.modified if brief.updated and view.modified else view.date
    record = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": brief.title,
        "datePublished": view.date.isoformat(),
        "dateModified": modified.isoformat(),
        "author": authors,
        "publisher": {"@type": "Organization", "name": site_name},
        "about": [{"@type": "Thing", "name": name} for name in brief.regions],
        "articleSection": list(brief.regions),
        "keywords": list(brief.tags),
        "inLanguage": language,
        "isAccessibleForFree": True,
    }
    if brief.summary:
        record["description"] = brief.summary
    if brief.series:
        record["isPartOf"] = {"@type": "CreativeWorkSeries", "name": brief.series}
        if series is not None and public:
            record["isPartOf"]["url"] = address(series.series.url)
        if series is not None and series.part:
            record["position"] = series.part
    if public:
        record["url"] = record["mainEntityOfPage"] = address(view.url)
        if brief.image:
            record["image"] = [address(brief.image)]
    return record


def script_text(record: dict) -> Markup:
    """JSON safe inside a <script> element (keys sorted, as |tojson does)."""
    return htmlsafe_json_dumps(record, sort_keys=True)
