"""The validated collection as the pages show it: small, picklable views.

Built once per build from the reads and the registries. Every page is
rendered from these views alone (pages.py), in worker processes, so they hold
plain values: names, slugs and URLs computed once here with Pelican's own URL
wrappers (`Region(URLWrapper)` takes REGION_URL and REGION_SAVE_AS from its
class name), records from the registries, and escaped text for templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Tag as PelicanTag
from pelican.urlwrappers import URLWrapper
from pelican.utils import SafeDatetime

from .citations import Citation
from .pdf import PdfEdition
from .reading import SourceRead
from .registry import AuthorRecord, RegionRecord
from .schema import Brief
from .series import SeriesView, series_listing


class Region(URLWrapper):
    """A region page: REGION_URL and REGION_SAVE_AS come from the class name."""


@dataclass(frozen=True)
class Link:
    """A region, author or topic as pages link it."""

    name: str
    slug: str
    url: str
    save_as: str
    feed_url: str | None


@dataclass(frozen=True)
class RegionView(Link):
    record: RegionRecord | None = None
    description_html: Markup | None = None


@dataclass(frozen=True)
class AuthorView(Link):
    profile: AuthorRecord | None = None  # None for guest writers
    bio_html: Markup | None = None


@dataclass(frozen=True)
class TagView(Link):
    pass


@dataclass(frozen=True)
class BriefView:
    """A brief as listings, feeds and its own page show it. `content` (the
    rendered body) and `related` are filled in for the brief's own page only.
    What only the page and feeds show of the body (its hash, its length) is
    kept apart (`Site.bodies`), so an edit to a body leaves every listing
    that shows the brief's card as it was."""

    brief: Brief
    slug: str
    url: str
    save_as: str
    title: Markup
    summary: Markup | None
    date: SafeDatetime
    locale_date: str
    modified: SafeDatetime | None
    locale_modified: str | None
    authors: tuple[AuthorView, ...]
    regions: tuple[RegionView, ...]
    tags: tuple[TagView, ...]
    is_draft: bool = False
    content: str = ""
    related: tuple[BriefView, ...] = ()
    citation: Citation | None = None
    language: str = ""  # the brief's language, when not the site's (language.py)
    pdf: PdfEdition | None = None  # its PDF edition, on its own page only

    @property
    def author(self) -> AuthorView:
        return self.authors[0]

    def with_related(self, related) -> BriefView:
        return replace(self, related=tuple(related))

    def with_page(
        self, content: str, citation: Citation, pdf: PdfEdition | None = None
    ) -> BriefView:
        return replace(self, content=content, citation=citation, pdf=pdf)


@dataclass
class Site:
    """Everything the pages of one build are made from."""

    briefs: list[BriefView]  # listed briefs, newest first
    regions: list[tuple[RegionView, list[BriefView]]]
    authors: list[tuple[AuthorView, list[BriefView]]]
    tags: list[tuple[TagView, list[BriefView]]]
    # save_as → (hash of the rendered body, its words, where its local
    # links are: SourceRead.link_spans)
    bodies: dict[str, tuple[str, int, tuple]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)  # content/ paths to copy
    # Every series with its published parts in order (series.py).
    series: list[tuple[SeriesView, list[BriefView]]] = field(default_factory=list)


def site_views(site: Site) -> list:
    """Every view of the site once: the briefs', and the regions', authors'
    and topics' they link (what page jobs share, sharing.py)."""
    views = {id(view): view for view in site.briefs}
    for entries in (site.regions, site.authors, site.tags):
        views.update((id(item), item) for item, _ in entries)
    for view in site.briefs:
        views.update(
            (id(link), link) for link in (*view.authors, *view.regions, *view.tags)
        )
    return list(views.values())


def _date(moment) -> SafeDatetime:
    return SafeDatetime(
        moment.year, moment.month, moment.day, moment.hour, moment.minute,
        moment.second, moment.microsecond, tzinfo=moment.tzinfo,
    )  # fmt: skip


def _formatter(date_format: str) -> Callable[[SafeDatetime], str]:
    """`moment.strftime(date_format)` (Pelican's, which knows %-d), worked
    out once per moment: briefs share dates by the thousand, and Pelican's
    strftime parses the format on every call. A moment is its ISO text
    (every field and the UTC offset) and its zone's name (%Z)."""
    done: dict[tuple[str, str | None], str] = {}

    def locale_date(moment: SafeDatetime) -> str:
        key = (moment.isoformat(), moment.tzname())
        if key not in done:
            done[key] = moment.strftime(date_format)
        return done[key]

    return locale_date


def _feed(settings: dict, key: str, slug: str) -> str | None:
    pattern = settings.get(key)
    return pattern.format(slug=slug) if pattern else None


def build_site(
    collection,
    settings: dict,
    show_drafts: bool,
    texts: dict[tuple[str, str], str],
    files: list[str],
) -> Site:
    """Views for every listed brief, region, author and topic. `texts` holds
    the rendered bios and region descriptions, by ("bio" or "description",
    name); `files`, the files under content/ the pages use."""
    registry = collection.registry
    regions = {}
    for record in registry.regions:
        wrapper = Region(record.name, settings)
        wrapper.slug = record.slug
        regions[record.name] = RegionView(
            record.name,
            record.slug,
            wrapper.url,
            wrapper.save_as,
            _feed(settings, "REGION_FEED_ATOM", record.slug),
            record,
            Markup(texts.get(("description", record.name), "")),
        )
    authors: dict[str, AuthorView] = {}
    tags: dict[str, TagView] = {}

    def author(name: str) -> AuthorView:
        if name not in authors:
            profile = registry.author(name)
            wrapper = PelicanAuthor(name, settings)
            if profile is not None:
                wrapper.slug = profile.slug
            bio = texts.get(("bio", name))
            authors[name] = AuthorView(
                name,
                wrapper.slug,
                wrapper.url,
                wrapper.save_as,
                _feed(settings, "AUTHOR_FEED_ATOM", wrapper.slug),
                profile,
                Markup(bio) if bio else None,
            )
        return authors[name]

    def tag(name: str) -> TagView:
        if name not in tags:
            wrapper = PelicanTag(name, settings)
            tags[name] = TagView(
                name,
                wrapper.slug,
                wrapper.url,
                wrapper.save_as,
                _feed(settings, "TAG_FEED_ATOM", wrapper.slug),
            )
        return tags[name]

    locale_date = _formatter(settings["DEFAULT_DATE_FORMAT"])
    url_pattern, save_pattern = settings["ARTICLE_URL"], settings["ARTICLE_SAVE_AS"]
    views, bodies = [], {}
    for path, brief in collection.briefs.items():
        if brief.is_draft and not show_drafts:
            continue
        read: SourceRead = collection.reads[path]
        date = _date(brief.date)
        modified = _date(brief.updated) if brief.updated else None
        save_as = save_pattern.format(slug=brief.slug)
        bodies[save_as] = (read.body_key, read.words, read.link_spans)
        views.append(
            BriefView(
                # (without its Markdown source: SourceRead.without_body)
                brief=brief,
                slug=brief.slug,
                url=url_pattern.format(slug=brief.slug),
                save_as=save_as,
                title=Markup(escape(brief.title)),
                summary=Markup(escape(brief.summary)) if brief.summary else None,
                date=date,
                locale_date=locale_date(date),
                modified=modified,
                locale_modified=locale_date(modified) if modified else None,
                authors=tuple(author(name) for name in brief.authors),
                regions=tuple(regions[name] for name in brief.regions),
                tags=tuple(tag(name) for name in brief.tags),
                is_draft=brief.is_draft,
                language=read.language or settings["DEFAULT_LANG"],
            )
        )
    # Newest first; the source path breaks ties so the order never depends
    # on the order files were found in.
    views.sort(key=lambda v: v.brief.source)
    views.sort(key=lambda v: v.date, reverse=True)
    by_region = {name: [] for name in regions}
    by_author: dict[str, list] = {}
    by_tag: dict[str, list] = {}
    for view in views:
        for region in view.regions:
            by_region[region.name].append(view)
        for person in view.authors:
            by_author.setdefault(person.name, []).append(view)
        for topic in view.tags:
            by_tag.setdefault(topic.name, []).append(view)
    return Site(
        briefs=views,
        regions=[(regions[name], by_region[name]) for name in regions],
        authors=sorted(
            ((authors[name], items) for name, items in by_author.items()),
            key=lambda pair: pair[0].name,
        ),
        tags=sorted(
            ((tags[name], items) for name, items in by_tag.items()),
            key=lambda pair: pair[0].name,
        ),
        bodies=bodies,
        files=set(files),
        series=series_listing(views, settings),
    )
