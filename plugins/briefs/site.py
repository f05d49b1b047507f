"""The validated collection as Pelican objects, shared by reader and generators.

Built once per build when Pelican is initialised: one Region, Author and Tag
object per name (so every page of a person links to the same profile), and
every Markdown text (bodies, bios, region descriptions) rendered up front,
in parallel for large collections (see rendering.py).
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Tag, URLWrapper
from pelican.utils import SafeDatetime

from .collection import DEFAULTS, Collection, options, validate_content
from .language import text_language
from .problems import ContentError, Problem
from .registry import AuthorRecord, RegionRecord
from .rendering import render_all
from .schema import Brief

logger = logging.getLogger(__name__)

STATE_KEY = "BRIEFS_SITE"


class Region(URLWrapper):
    """A region page; REGION_URL and REGION_SAVE_AS come from the class name."""

    def __init__(self, name: str, settings: dict, record: RegionRecord, html: str):
        super().__init__(name, settings)
        self.record = record
        self.slug = record.slug
        self.description_html = Markup(html)

    @property
    def feed_url(self) -> str:
        return self.settings["REGION_FEED_ATOM"].format(slug=self.slug)


class Author(PelicanAuthor):
    """An author with the registry profile (None for guest writers)."""

    def __init__(self, name: str, settings: dict, profile: AuthorRecord | None, bio):
        super().__init__(name, settings)
        self.profile = profile
        self.bio_html = Markup(bio) if bio else None
        if profile is not None:
            self.slug = profile.slug

    @property
    def feed_url(self) -> str:
        return self.settings["AUTHOR_FEED_ATOM"].format(slug=self.slug)


@dataclass
class Site:
    collection: Collection
    settings: dict
    show_drafts: bool = False
    # Rendered Markdown: brief bodies by source path, bios by author name.
    bodies: dict[Path, str] = field(default_factory=dict)
    bios: dict[str, str] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    authors: dict[str, Author] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)

    def brief(self, source_path: str) -> Brief:
        brief = self.collection.briefs.get(Path(source_path).absolute())
        if brief is None:  # a file Pelican found that validation did not
            raise ContentError(
                [
                    Problem(
                        source_path, "Pelican read this file, but it was not validated"
                    )
                ]
            )
        return brief

    def author(self, name: str) -> Author:
        if name not in self.authors:
            profile = self.collection.registry.author(name)
            bio = self.bios.get(name)
            self.authors[name] = Author(name, self.settings, profile, bio)
        return self.authors[name]

    def tag(self, name: str) -> Tag:
        if name not in self.tags:
            self.tags[name] = Tag(name, self.settings)
        return self.tags[name]

    def metadata(self, brief: Brief) -> dict:
        """What Pelican needs of a brief. Text fields become escaped HTML, as
        Pelican (its feeds in particular) treats titles and summaries as HTML."""
        authors = [self.author(name) for name in brief.authors]
        metadata = {
            "title": Markup(escape(brief.title)),
            "slug": brief.slug,
            "date": _pelican_date(brief.date),
            "author": authors[0],
            "authors": authors,
            "regions": [self.regions[name] for name in brief.regions],
            "tags": [self.tag(name) for name in brief.tags],
            "brief": brief,
            # The language the brief is written in (Pelican's own `lang`
            # would make it a translation): the page marks it, the PDF too.
            "language": text_language(
                "\n".join((brief.title, brief.summary or "", brief.body)),
                self.settings["DEFAULT_LANG"],
            ),
            "is_draft": brief.is_draft,
            "status": "published",
        }
        if brief.summary:
            metadata["summary"] = Markup(escape(brief.summary))
        if brief.updated:
            metadata["modified"] = _pelican_date(brief.updated)
        if brief.is_draft and not self.show_drafts:
            metadata["status"] = "skip"
        return metadata


def _pelican_date(moment) -> SafeDatetime:
    return SafeDatetime(
        moment.year, moment.month, moment.day, moment.hour, moment.minute,
        moment.second, moment.microsecond, tzinfo=moment.tzinfo,
    )  # fmt: skip


def build_site(settings: dict) -> Site:
    """Validate the content folder; raise ContentError if anything is wrong."""
    config, unknown = options(settings.get("BRIEFS"))
    if unknown:
        hints = [difflib.get_close_matches(key, list(DEFAULTS), n=1) for key in unknown]
        raise ValueError(
            "BRIEFS setting: unknown key(s) "
            + ", ".join(
                f"'{key}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
                for key, hint in zip(unknown, hints, strict=True)
            )
        )
    collection = validate_content(Path(settings["PATH"]), config, settings["TIMEZONE"])
    for problem in collection.problems:
        if not problem.is_error:
            logger.warning("%s", problem)
    if not collection.ok:
        raise ContentError(collection.problems)
    site = Site(collection, settings, bool(config["show_drafts"]))
    briefs = list(collection.briefs.items())
    registry = collection.registry
    bios = [a for a in registry.authors if a.bio]
    descriptions = [r for r in registry.regions if r.description]
    html = iter(
        render_all(
            [brief.body for _, brief in briefs]
            + [a.bio for a in bios]
            + [r.description for r in descriptions],
            settings.get("MARKDOWN", {}),
        )
    )
    site.bodies = {path: next(html) for path, _ in briefs}
    site.bios = {a.name: next(html) for a in bios}
    region_html = {r.name: next(html) for r in descriptions}
    for record in registry.regions:
        site.regions[record.name] = Region(
            record.name, settings, record, region_html.get(record.name, "")
        )
    return site


def site_of(settings: dict) -> Site:
    return settings[STATE_KEY]


def public_url(settings: dict) -> str | None:
    """The absolute public address of a production build, else None."""
    for key in ("SITEURL", "FEED_DOMAIN"):
        value = settings.get(key) or ""
        if value.startswith(("http://", "https://")):
            return value
    return None
