"""Today's Pelican build → citations and open data files (the thin adapter).

`attach_citations` (article_generator_finalized) gives every brief page its
`article.citation` for the "Cite this brief" box and remembers the articles
and feeds of this run; `write_open_data` (finalized) writes each page's .bib
and .ris and every file of `opendata.catalogue_files` into the output.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import Markup

from . import citations, opendata
from .site import site_of

logger = logging.getLogger(__name__)

STATE_KEY = "BRIEFS_OPENDATA"


def public_url(settings: dict) -> str | None:
    """The site's absolute address (production), else None."""
    for key in ("SITEURL", "FEED_DOMAIN"):
        value = settings.get(key) or ""
        if value.startswith(("http://", "https://")):
            return value.rstrip("/")
    return None


def _absolute(path: str, settings: dict) -> str | None:
    base = public_url(settings)
    return f"{base}/{path}" if base else None


def _feed_path(settings: dict, key: str, slug: str = "") -> str | None:
    pattern = settings.get(key)
    return str(pattern).format(slug=slug) if pattern else None


def attach_citations(generator) -> None:
    settings = generator.settings
    for article in generator.articles:
        article.citation = citations.cite(
            article.brief,
            [author.profile for author in article.authors],
            settings["SITENAME"],
            _absolute(article.url, settings),
        )
    settings[STATE_KEY] = {
        "articles": list(generator.articles),
        "feeds": _feeds(generator),
    }


def _feeds(generator) -> list[opendata.Feed]:
    """Every feed Pelican and the region generator write for published
    briefs, titled as Pelican titles them (a preview's drafts-only feeds are
    left out, like drafts everywhere in the open data)."""
    settings = generator.settings
    site = site_of(settings)
    articles = [a for a in generator.articles if not a.brief.is_draft]
    name = settings["SITENAME"]

    def title(label: str = "") -> str:
        return Markup(f"{name} - {label}" if label else name).striptags()

    feeds = []
    everything = _feed_path(settings, "FEED_ALL_ATOM")
    if everything and articles:
        feeds.append(opendata.Feed(title(), everything, "index.html"))
    kinds = [
        (
            "Regions",
            "REGION_FEED_ATOM",
            [r for r in site.regions.values() if any(r in a.regions for a in articles)],
        ),
        (
            "Authors",
            "AUTHOR_FEED_ATOM",
            sorted({a for article in articles for a in article.authors}),
        ),
        ("Topics", "TAG_FEED_ATOM", sorted({t for a in articles for t in a.tags})),
    ]
    for group, key, pages in kinds:
        for page in pages:
            path = _feed_path(settings, key, page.slug)
            if path:
                feeds.append(opendata.Feed(title(page.name), path, page.url, group))
    return feeds


def _refs(article, settings) -> dict:
    return {
        "authors": [
            opendata.AuthorRef(
                a.name,
                a.slug,
                a.url,
                _feed_path(settings, "AUTHOR_FEED_ATOM", a.slug),
                record=a.profile,
            )
            for a in article.authors
        ],
        "regions": [_region_ref(r, settings) for r in article.regions],
        "topics": [
            opendata.TopicRef(
                t.name, t.slug, t.url, _feed_path(settings, "TAG_FEED_ATOM", t.slug)
            )
            for t in article.tags
        ],
    }


def _region_ref(region, settings) -> opendata.RegionRef:
    return opendata.RegionRef(
        region.name,
        region.slug,
        region.url,
        _feed_path(settings, "REGION_FEED_ATOM", region.slug),
        description=region.record.description,
    )


def write_open_data(pelican) -> None:
    settings = pelican.settings
    state = settings.get(STATE_KEY)
    if state is None:  # no article generator ran
        return
    site = site_of(settings)
    output = Path(pelican.output_path)
    files: dict[str, bytes] = {}
    for article in state["articles"]:
        cited = article.citation
        files[cited.bibtex_path] = cited.bibtex.encode("utf-8")
        files[cited.ris_path] = cited.ris.encode("utf-8")
    parts = opendata.series_parts(site.collection.briefs.values())
    entries = []
    for article in state["articles"]:
        brief = article.brief
        pdf = f"briefs/{brief.slug}.pdf"
        entries.append(
            opendata.make_entry(
                brief,
                article.url,
                article.content,
                series_part=parts.get(brief.slug),
                pdf_url=pdf if (output / pdf).is_file() else None,
                **_refs(article, settings),
            )
        )
    files.update(
        opendata.catalogue_files(
            entries,
            site_name=settings["SITENAME"],
            public_url=public_url(settings),
            regions=[_region_ref(r, settings) for r in site.regions.values()],
            feeds=state["feeds"],
        )
    )
    for relative, data in sorted(files.items()):
        target = output / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    logger.debug("wrote %d citation and open data files", len(files))
