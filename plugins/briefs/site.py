"""The validated collection as Pelican objects, shared by reader and generators.

Built once per build when Pelican is initialised: one Region, Author and Tag
object per name (so every page of a person links to the same profile), and
the Markdown renderer used for bodies, bios and region descriptions.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from markdown import Markdown
from markupsafe import Markup, escape
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Tag, URLWrapper
from pelican.utils import SafeDatetime

from .collection import DEFAULTS, Collection, options, validate_content
from .problems import ContentError, Problem
from .registry import AuthorRecord, RegionRecord
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


class MarkdownRenderer:
    """Python-Markdown with the site's MARKDOWN settings, reused per document."""

    def __init__(self, settings: dict):
        config = settings.get("MARKDOWN", {})
        self._md = Markdown(
            extensions=list(config.get("extension_configs", {})),
            extension_configs=config.get("extension_configs", {}),
            output_format=config.get("output_format", "html5"),
        )

    def render(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)


@dataclass
class Site:
    collection: Collection
    settings: dict
    markdown: MarkdownRenderer
    regions: dict[str, Region] = field(default_factory=dict)
    authors: dict[str, Author] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)

    @property
    def show_drafts(self) -> bool:
        return bool(options(self.settings.get("BRIEFS"))[0]["show_drafts"])

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
            bio = self.markdown.render(profile.bio) if profile and profile.bio else None
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
    renderer = MarkdownRenderer(settings)
    site = Site(collection, settings, renderer)
    for record in collection.registry.regions:
        html = renderer.render(record.description) if record.description else ""
        site.regions[record.name] = Region(record.name, settings, record, html)
    return site


def site_of(settings: dict) -> Site:
    return settings[STATE_KEY]
