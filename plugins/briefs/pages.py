"""Every file the briefs pipeline writes, as a job: path, kind, inputs.

A job's `context` is everything its file shows, so the file is a function of
the context, the templates and the settings: `Job.fingerprint` hashes the
context, and a file whose fingerprint has not changed since the last build
is carried over instead of being rendered again (pipeline.py). Contexts hold
the views of model.py (picklable), so jobs can be rendered in workers.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from markupsafe import Markup
from pelican.utils import SafeDatetime

from . import listings, notfound, sitefiles
from .cache import digest_of, fingerprint
from .citations import citation_paths
from .collection import display_path
from .filedigests import identity_of
from .model import BriefView, Link, Site
from .opendata import (
    AuthorRef,
    CatalogueEntry,
    Feed,
    RegionRef,
    TopicRef,
    make_entry,
    series_parts,
)
from .pdf import PendingEdition
from .problems import ContentError, Problem
from .reading import reading_time
from .redirects import alias_redirects, relative_url
from .series import series_navigation
from .urls import public_url

TOP_TOPICS = 12  # the most used topics, shown beside every listing
# Regions in every page's header and beside every listing, in the order of
# regions.yml; beyond them, a link to the index of all regions.
NAV_REGIONS = 24
LATEST = 6  # newest briefs looked at for a brief page's "Latest briefs"
DATA_FOLDER = "data/"  # the open data files (one job: data_job)
SEARCH_FOLDER = "search/"  # the search index's files (one job)
# Never the address of a file from content/ (sitefiles.py), in any case.
HOST_FILES = frozenset(name.casefold() for name in sitefiles.FIXED_NAMES)
VIEWS = "views"  # the family of jobs made from the views alone (view_jobs)


@dataclass(frozen=True)
class PageOf:
    """One page of a paginated listing (the names Pelican's writer uses)."""

    number: int
    object_list: list
    url: str


@dataclass(frozen=True)
class Paginator:
    num_pages: int


@dataclass
class Job:
    """One output file. kind: "page" (a template), "feed", "cite",
    "redirect", "copy", or a group of files ("data", "search"); "carried":
    a file of the last build carried over unplanned, with its fingerprint
    and no context (pipeline.BriefsGenerator.carried)."""

    save_as: str
    kind: str
    template: str = ""
    context: dict = field(default_factory=dict)
    bodies: tuple[str, ...] = ()  # body keys a feed needs (resolved by workers)
    source: Path | None = None  # for "copy"
    fingerprint: str = ""


def brief_jobs(site: Site, views, related, shared=None, editions=None) -> list[Job]:
    """The pages of `views` (all briefs, or the one the preview shows first);
    `related` gives each brief's related briefs (related.KnownRelated)."""
    shared = shared if shared is not None else navigation(site)
    latest = site.briefs[:LATEST]
    series = series_navigation(site.series, views)
    return [
        Job(
            view.save_as,
            "page",
            "article",
            {
                **shared,
                "article": view.with_related(related.of(view)),
                "latest": latest,
                "minutes": reading_time(site.bodies[view.save_as][1]),
                "pdf": (editions or {}).get(view.save_as),
                "series_nav": series.get(view.slug),
            },
            bodies=(site.bodies[view.save_as][0],),
        )
        for view in views
    ]


def navigation(site: Site) -> dict:
    """What every page shows: the regions, with their counts (`regions`:
    all of them; `nav_regions`: the first NAV_REGIONS, and `more_regions`
    when there are more, for the header and the listings' sidebar)."""
    regions = [(region, len(items)) for region, items in site.regions]
    return {
        "regions": regions,
        "nav_regions": regions[:NAV_REGIONS],
        "more_regions": len(regions) > NAV_REGIONS,
    }


def paginated_urls(settings: dict, save_as: str, count: int) -> list[str]:
    """The file of each page of a listing saved as `save_as` (page 1 is
    `save_as` itself; further pages follow PAGINATION_PATTERNS)."""
    per_page = settings.get("DEFAULT_PAGINATION") or count or 1
    pages = max(1, math.ceil(count / per_page))
    base, extension = save_as.rsplit(".", 1)
    patterns = settings["PAGINATION_PATTERNS"]
    urls = []
    for number in range(1, pages + 1):
        rule = [p for p in patterns if p[0] <= number][-1]
        urls.append(
            rule[2]
            .format(
                name=base,
                extension=f".{extension}",
                number=number,
                save_as=save_as,
                base_name=base,
            )
            .lstrip("/")
        )
    return urls


def paginate(settings: dict, save_as: str, items: list) -> list[tuple[str, dict]]:
    """(file, context) for each page of a listing."""
    per_page = settings.get("DEFAULT_PAGINATION") or len(items) or 1
    urls = paginated_urls(settings, save_as, len(items))
    pages = []
    for index, url in enumerate(urls):
        number = index + 1
        page = PageOf(number, items[index * per_page : number * per_page], url)
        previous = PageOf(number - 1, [], urls[index - 1]) if index > 0 else None
        following = (
            PageOf(number + 1, [], urls[index + 1]) if number < len(urls) else None
        )
        pages.append(
            (
                url,
                {
                    "articles_page": page,
                    "articles_paginator": Paginator(len(urls)),
                    "articles_previous_page": previous,
                    "articles_next_page": following,
                },
            )
        )
    return pages


def plan(
    site: Site,
    settings: dict,
    collection,
    show_drafts: bool,
    briefs: list[Job],
    shared: dict,
    feeds: list[Job],
    data: Job,
    digests: Digests | None = None,
    families: Callable[[str, str, Callable[[], list[Job]]], list[Job]] | None = None,
) -> list[Job]:
    """Every job of the build, in a stable order, after the brief pages
    (`briefs`, brief_jobs, planned first with the `shared` navigation every
    page shows, navigation); the `feeds` (feed_jobs) and the open data's
    job (data_job) are made before, for the open data to start first;
    `digests`: the values already fingerprinted this build, e.g. for the
    PDFs. `families(name, digest, make)`: the jobs of a family of pages made
    from inputs of `digest`, which make() plans (the pipeline carries the
    last build's over whole when their inputs are the same)."""
    digests = digests or Digests()
    jobs = list(briefs)
    views = functools.partial(view_jobs, site, settings, shared)
    if families is None:
        jobs.extend(views())
    else:
        jobs.extend(families(VIEWS, views_digest(site, shared, digests), views))
    # Reader listings (notfound.py): production's page-not-found page (the
    # theme's styles inlined: not a page of views alone).
    if public := public_url(settings):
        jobs.append(
            Job(
                notfound.SAVE_AS,
                "page",
                notfound.TEMPLATE,
                {**shared, **notfound.context(settings, public)},
            )
        )
    jobs.extend(feeds)
    jobs.append(data)
    content = Path(settings["PATH"])
    written = {job.save_as for job in jobs}
    # Folders whose files are known only later: the groups', the theme's.
    owned = (
        DATA_FOLDER,
        SEARCH_FOLDER,
        settings.get("THEME_STATIC_DIR", "theme") + "/",
    )
    # (and, in any build, the files production writes beside them)
    written |= {name for name in site.files if name.casefold() in HOST_FILES}
    clashes = [
        Problem(
            display_path(content / image, content),
            f"would replace {image}, which the site itself writes; rename the file"
            if image in written
            else f"is in {image.split('/')[0]}/, a folder the site writes itself; "
            "move the file",
        )
        for image in sorted(site.files)
        if image in written or image.startswith(owned)
    ]
    if clashes:
        raise ContentError(clashes)
    for image in sorted(site.files):
        jobs.append(Job(image, "copy", source=content / image))
    jobs.extend(redirect_jobs(collection, jobs, settings, show_drafts))
    for job in jobs:
        job.fingerprint = job.fingerprint or job_fingerprint(job, digests)
    return jobs


def views_digest(site: Site, shared: dict, digests: Digests) -> str:
    """What view_jobs makes its jobs from, besides the settings, templates
    and code (the output's signature): equal digests, the same jobs. An edit
    to a body changes no view: its build plans none of these pages."""
    inputs = (site.briefs, site.regions, site.authors, site.tags, site.series)
    return combine(VIEWS, [digests.of(shared), *map(digests.of, inputs)])


def view_jobs(site: Site, settings: dict, shared: dict) -> list[Job]:
    """The pages made from the views alone (views_digest): the listings,
    the index of regions, authors and topics, the archives, the series and
    the citation files."""
    top_topics = sorted(
        ((tag, len(items)) for tag, items in site.tags),
        key=lambda pair: (-pair[1], pair[0].name),
    )[:TOP_TOPICS]
    listing = {**shared, "top_topics": top_topics}
    jobs = []
    index_save_as = settings["INDEX_SAVE_AS"]
    home = paginate(settings, index_save_as, site.briefs)
    # Reader listings (listings.py): the featured brief leads the home page.
    home[0][1]["featured"] = listings.featured_brief(site.briefs)
    for url, context in home:
        jobs.append(
            Job(url, "page", "index", {**listing, **context, "page_name": "index"})
        )
    for kind, entries, template in (
        ("region", site.regions, "region"),
        ("author", site.authors, "author"),
        ("tag", site.tags, "tag"),
    ):
        for item, briefs in entries:
            pages = paginate(settings, item.save_as, briefs)
            # Reader listings (listings.py): an overview on the first page.
            if kind in listings.OVERVIEW_KINDS:
                pages[0][1]["overview"] = listings.overview(kind, item, briefs)
            for url, context in pages:
                jobs.append(
                    Job(
                        url,
                        "page",
                        template,
                        {**listing, **context, kind: item, "total": len(briefs)},
                    )
                )
    jobs.append(
        Job(
            settings["REGIONS_SAVE_AS"],
            "page",
            "regions",
            {
                **shared,
                "region_entries": [
                    (region, len(items), items[0] if items else None)
                    for region, items in site.regions
                ],
            },
        )
    )
    jobs.append(
        Job(
            settings["AUTHORS_SAVE_AS"],
            "page",
            "authors",
            {
                **shared,
                "author_entries": [
                    (person, len(items), items[:3]) for person, items in site.authors
                ],
            },
        )
    )
    jobs.append(
        Job(
            settings["TAGS_SAVE_AS"],
            "page",
            "tags",
            {**shared, "tag_entries": [(tag, len(items)) for tag, items in site.tags]},
        )
    )
    if settings.get("SEARCH_SAVE_AS"):
        jobs.append(Job(settings["SEARCH_SAVE_AS"], "page", "search", dict(shared)))
    jobs.append(
        Job(
            settings["ARCHIVES_SAVE_AS"],
            "page",
            "archives",
            {**listing, "dates": [ArchiveEntry.of(view) for view in site.briefs]},
        )
    )
    jobs.extend(series_jobs(site, settings, shared))
    for view in site.briefs:
        for path, kind in zip(
            citation_paths(view.slug), ("bibtex", "ris"), strict=True
        ):
            jobs.append(Job(path, "cite", context={"article": view, "format": kind}))
    return jobs


@dataclass(frozen=True)
class ArchiveEntry:
    """What the archives page shows of a brief. Its job lists every brief:
    whole views (bios, descriptions, key points) made it 5.6 MB to send to
    a worker at 5,000 briefs, and re-rendered it for edits it does not show."""

    url: str
    date: SafeDatetime
    locale_date: str
    title: str
    regions: tuple[str, ...]
    authors: tuple[Link, ...]  # names (linked to nothing)
    language: str

    @classmethod
    def of(cls, view: BriefView) -> ArchiveEntry:
        return cls(
            view.url,
            view.date,
            view.locale_date,
            view.brief.title,
            tuple(view.brief.regions),
            tuple(Link(a.name, a.slug, a.url, a.save_as, None) for a in view.authors),
            view.language,
        )


def series_jobs(site: Site, settings: dict, shared: dict) -> list[Job]:
    """A page per series (its parts in order) and the list of every series."""
    jobs = [
        Job(
            series.save_as,
            "page",
            "series",
            {**shared, "series": series, "parts": parts},
        )
        for series, parts in site.series
    ]
    jobs.append(
        Job(
            settings["SERIES_INDEX_SAVE_AS"],
            "page",
            "series_index",
            {**shared, "series_entries": [(s, len(parts)) for s, parts in site.series]},
        )
    )
    return jobs


def data_entries(site: Site, editions: dict) -> list[CatalogueEntry]:
    """Each published brief's open data entry (opendata.make_entry). A
    brief's PDF is named whether it is made or still being made
    (`editions`)."""
    parts = series_parts(view.brief for view in site.briefs)
    # One reference per author, region and topic, shared by its entries (and
    # so digested once, Digests.of).
    authors = {
        id(a): AuthorRef(a.name, a.slug, a.url, a.feed_url, record=a.profile)
        for a, _ in site.authors
    }
    regions = {id(r): region_ref(r) for r, _ in site.regions}
    topics = {id(t): TopicRef(t.name, t.slug, t.url, t.feed_url) for t, _ in site.tags}
    return [
        make_entry(
            view.brief,
            view.url,
            site.bodies[view.save_as][1],
            authors=[authors[id(a)] for a in view.authors],
            regions=[regions[id(r)] for r in view.regions],
            topics=[topics[id(t)] for t in view.tags],
            series_part=parts.get(view.slug),
            pdf_url=editions[view.save_as].url if view.save_as in editions else None,
        )
        for view in site.briefs
        if not view.is_draft
    ]


def catalogue_site(settings: dict) -> dict[str, str]:
    """What the open data says of the site: its name and public address
    (every entry's texts are made with them)."""
    return {"site_name": settings["SITENAME"], "public_url": public_url(settings)}


def data_job(
    site: Site, settings: dict, feeds: list[Job], entries: list[CatalogueEntry]
) -> Job:
    """The open data files (opendata.py), made together: one job."""
    return Job(
        DATA_FOLDER,
        "data",
        context={
            "entries": entries,
            **catalogue_site(settings),
            "regions": [region_ref(region) for region, _ in site.regions],
            "feeds": [
                Feed(
                    Markup(
                        settings["SITENAME"]
                        + (f" - {job.context['title']}" if job.context["title"] else "")
                    ).striptags(),
                    job.save_as,
                    job.context["page"],
                    job.context["group"],
                )
                for job in feeds
                if any(not view.is_draft for view in job.context["items"])
            ],
        },
    )


def region_ref(region) -> RegionRef:
    return RegionRef(
        region.name,
        region.slug,
        region.url,
        region.feed_url,
        description=region.record.description if region.record else None,
    )


def redirect_jobs(collection, jobs: list[Job], settings: dict, show_drafts: bool):
    """A redirect page at every alias (redirects.py), and an old region or
    author feed address written again, like the feed it stood for."""
    made = {job.save_as: job for job in jobs}
    public = public_url(settings)
    icon = notfound.inline_icon(Path(settings["THEME"]))
    extra = []
    for redirect in alias_redirects(
        collection,
        published=made.__contains__,
        feed_of=lambda kind, slug: settings[FEED_SETTINGS[kind]].format(slug=slug),
        show_drafts=show_drafts,
    ):
        extra.append(
            Job(
                redirect.address,
                "redirect",
                context={
                    "target": relative_url(redirect.address, redirect.target),
                    "canonical": f"{public}/{redirect.target}" if public else None,
                    "title": redirect.title,
                    "icon": icon,
                    "lang": settings.get("DEFAULT_LANG", "en"),
                    "title_lang": redirect.language,
                },
            )
        )
        if redirect.feed:
            current, old = redirect.feed
            # The same bytes (its self link names the feed to subscribe to).
            feed = made[current]
            extra.append(
                replace(feed, save_as=old, context={**feed.context, "as": current})
            )
    return extra


FEED_SETTINGS = {"regions": "REGION_FEED_ATOM", "authors": "AUTHOR_FEED_ATOM"}


def feed_jobs(site: Site, settings: dict, editions: dict) -> list[Job]:
    """The site feed and one per region, author and topic with briefs."""
    limit = settings.get("FEED_MAX_ITEMS") or None
    feeds: list[tuple[str, str | None, str, str | None, list[BriefView]]] = []
    if settings.get("FEED_ALL_ATOM"):
        feeds.append((settings["FEED_ALL_ATOM"], None, "index.html", None, site.briefs))
    for group, entries in (
        ("Regions", site.regions),
        ("Authors", site.authors),
        ("Topics", site.tags),
    ):
        for item, briefs in entries:
            if briefs and item.feed_url:
                feeds.append((item.feed_url, item.name, item.url, group, briefs))
    jobs = []
    for path, title, page, group, briefs in feeds:
        items = briefs[:limit]
        jobs.append(
            Job(
                path,
                "feed",
                context={
                    "title": title,
                    "items": items,
                    "page": page,
                    "group": group,
                    "pdfs": _editions_of(items, editions),
                    "link_spans": [site.bodies[view.save_as][2] for view in items],
                },
                bodies=tuple(site.bodies[view.save_as][0] for view in items),
            )
        )
    return jobs


def _editions_of(items: list[BriefView], editions: dict) -> list:
    return [editions.get(view.save_as) for view in items]


def awaits_pdf(job: Job) -> bool:
    """Whether `job` is a page that shows a PDF still being made."""
    return job.kind == "page" and isinstance(job.context.get("pdf"), PendingEdition)


def settle_editions(jobs: list[Job], editions: dict, digests: Digests) -> None:
    """Put the PDFs made while the build planned into the pages and feeds
    that link them (planned with a pdf.PendingEdition in their place), and
    fingerprint those jobs again: the same fingerprints as if the PDFs had
    been made first."""
    for job in jobs:
        if awaits_pdf(job):
            job.context = {**job.context, "pdf": editions[job.save_as]}
        elif job.kind == "feed" and any(
            isinstance(edition, PendingEdition) for edition in job.context["pdfs"]
        ):
            items = job.context["items"]
            job.context = {**job.context, "pdfs": _editions_of(items, editions)}
        else:
            continue
        job.fingerprint = job_fingerprint(job, digests)


class Digests:
    """Fingerprints of the values jobs share (a brief's view stands in many
    listings and feeds; the navigation on every page), each worked out once.
    A list, dict or page of them is the digest of its items' digests (hashed
    as text: tens of thousands of them a build, each pickled would cost more
    than the values themselves)."""

    def __init__(self):
        self._memo: dict[int, tuple[object, str]] = {}
        # A brief's own fields (all but its links) by their objects' ids: a
        # brief's page shows a copy of its view with related briefs added
        # (BriefView.with_related), whose own fields are the same objects.
        self._own: dict[tuple[int, ...], tuple[tuple, str]] = {}

    def of(self, value) -> str:
        hit = self._memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        if isinstance(value, list | tuple):
            digest = combine("seq", [self.of(item) for item in value])
        elif isinstance(value, dict):
            digest = combine(
                "map",
                [
                    f"{key!r}={self.of(item)}"
                    for key, item in sorted(value.items(), key=operator.itemgetter(0))
                ],
            )
        elif isinstance(value, PageOf):
            digest = combine(
                "page", [str(value.number), value.url, self.of(value.object_list)]
            )
        elif isinstance(value, CatalogueEntry):
            # As a view: its brief, authors, regions and topics are hashed once.
            links = (value.authors, value.regions, value.topics)
            digest = combine(
                "entry",
                [
                    fingerprint((self.of(value.brief), *_entry_own_fields(value))),
                    *(self.of(items) for items in links),
                ],
            )
        elif isinstance(value, BriefView):
            # Its authors, regions and topics stand in thousands of views
            # (with bios and descriptions): each is hashed once.
            links = (value.authors, value.regions, value.tags, value.related)
            digest = combine(
                "brief",
                [self._own_digest(value), *(self.of(items) for items in links)],
            )
        else:
            digest = fingerprint(value)
        self._memo[id(value)] = (value, digest)
        return digest

    def _own_digest(self, view: BriefView) -> str:
        own = (view.brief, *_own_fields(view))
        key = tuple(map(id, own))
        hit = self._own.get(key)
        if hit is not None and all(map(operator.is_, hit[0], own)):
            return hit[1]
        digest = fingerprint((self.of(view.brief), *own[1:]))
        self._own[key] = (own, digest)
        return digest

    def know(self, value, digest: str) -> None:
        """Take `digest`, made elsewhere as `of` makes it, as `value`'s (a
        brief's fingerprint, made with its read: SourceRead.brief_digest)."""
        self._memo[id(value)] = (value, digest)


def _fields_but(cls, links: tuple[str, ...]) -> operator.attrgetter:
    """A getter of what a `cls` holds besides its `links` to other values,
    as a tuple (Digests.of hashes the links apart; the "brief" or "entry"
    its digest is made under stands for the class)."""
    return operator.attrgetter(*(f.name for f in fields(cls) if f.name not in links))


_own_fields = _fields_but(BriefView, ("brief", "authors", "regions", "tags", "related"))
_entry_own_fields = _fields_but(
    CatalogueEntry, ("brief", "authors", "regions", "topics")
)


def combine(kind: str, digests: list[str]) -> str:
    """One digest for `kind` made of `digests` (or other text without a
    newline): the same list, the same digest; any other, another."""
    return digest_of("\n".join([kind, *digests]).encode())


def job_fingerprint(job: Job, digests: Digests) -> str:
    if job.kind == "copy":
        # Its identity (filedigests.py): an edit that keeps the size and
        # sets the time back (`touch -r`, `cp -p`) still changes the ctime.
        return fingerprint((job.kind, str(job.source), *identity_of(job.source.stat())))
    return combine(
        "job",
        [job.kind, job.template, job.save_as, digests.of(job.context), *job.bodies],
    )
