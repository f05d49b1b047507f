"""Front matter → a Brief record, or the list of everything wrong with it.

Pure: knows nothing of Pelican. Every problem is collected, none is raised,
so `invoke check` can report a whole collection in one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from pathlib import Path

from . import fields as f
from .frontmatter import Document, FrontMatterError, parse
from .problems import ERROR, WARNING, Problem, did_you_mean, unreadable
from .registry import Registry
from .slugs import MAX_LENGTH as MAX_SLUG_LENGTH
from .slugs import slugify
from .yamltree import flow_list, shorten

# A brief's regions and topics (fields.at_most): more is a mistake, and
# costs related briefs dearly.
MAX_REGIONS = MAX_TOPICS = 20

FIELDS = {
    "title": f.Field(f.title_text, required=True),
    "summary": f.Field(f.text),
    "author": f.Field(f.text_list, required=True),
    "region": f.Field(f.at_most(MAX_REGIONS, "regions", f.text_list), required=True),
    "date": f.Field(f.iso_date, required=True),
    "updated": f.Field(f.iso_date),
    "tags": f.Field(f.at_most(MAX_TOPICS, "topics", f.topic_list)),
    "image": f.Field(f.image_path),
    "image_alt": f.Field(f.text),
    "image_credit": f.Field(f.text),
    "key_points": f.Field(f.optional_list),
    "series": f.Field(f.text),
    "doi": f.Field(f.doi),
    "status": f.Field(f.choice("published", "draft")),
    "featured": f.Field(f.flag),
    "aliases": f.Field(f.site_addresses),
    "slug": f.Field(f.slug),
}

# Keys Pelican would act on (every key becomes an attribute of the page):
# they could move, replace or re-template output, so they are errors.
RESERVED = {
    "save_as", "url", "template", "lang", "translation", "translation_of",
    "output_path", "path", "filename", "relative_dir", "source_path",
    "relative_source_path", "override_save_as", "override_url", "category",
    "settings", "content", "metadata", "modified", "in_default_lang",
    "status_override", "permalink",
}  # fmt: skip


@dataclass(frozen=True)
class Brief:
    """One valid brief: plain text values, ready for any output format."""

    # The file's path, as text: a brief goes with every view sent to a worker
    # and every read kept in the cache, and a Path costs 10 us to unpickle.
    source: str
    slug: str
    title: str
    authors: tuple[str, ...]
    regions: tuple[str, ...]
    date: datetime
    body: str
    summary: str | None = None
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    image_alt: str | None = None
    image_credit: str | None = None
    key_points: tuple[str, ...] = ()
    series: str | None = None
    doi: str | None = None
    status: str = "published"
    featured: bool = False  # may lead the home page (listings.featured_brief)
    aliases: tuple[str, ...] = ()
    body_line: int = 1  # the file line the Markdown body starts on

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True)
class References:
    """What a brief names outside itself: checked against the registries and
    the content folder on every build (they can change without the brief)."""

    regions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    image: str | None = None


def read_brief(
    source: Path, shown: str, content_dir: Path, registry: Registry, tz: tzinfo
) -> tuple[Brief | None, list[Problem]]:
    """Read and validate one file. `shown` is the path as editors see it."""
    try:
        document = parse(source.read_bytes())
    except OSError as exc:
        return None, [unreadable(shown, exc)]
    except FrontMatterError as exc:
        return None, [Problem(shown, exc.message, line=exc.line, column=exc.column)]
    return validate(document, source, shown, content_dir, registry, tz)


def validate(
    document: Document,
    source: Path,
    shown: str,
    content_dir: Path,
    registry: Registry,
    tz: tzinfo,
) -> tuple[Brief | None, list[Problem]]:
    """Both steps below at once: fields, then what they name."""
    brief, problems, references = validate_fields(document, source, shown, tz)
    problems += check_references(references, shown, content_dir, registry)
    if any(p.is_error for p in problems):
        return None, problems
    return brief, problems


def validate_fields(
    document: Document, source: Path, shown: str, tz: tzinfo
) -> tuple[Brief | None, list[Problem], References]:
    """The brief on its own: a function of its bytes and the time zone only,
    so the result can be cached under the file's hash."""
    problems: list[Problem] = []
    values: dict = {}

    def problem(field: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(shown, message, field=field, severity=severity))

    for key, node in document.header.pairs:
        name = key.value
        if name.startswith("_") or name.lower() in RESERVED:
            problem(
                name,
                "this key would change where or how Pelican writes the page and is "
                "not allowed (the address comes from the file name or 'slug')",
            )
        elif name not in FIELDS:
            problem(
                name,
                "unknown field, ignored"
                + did_you_mean(name.lower(), FIELDS)
                + f"; known fields: {', '.join(FIELDS)}",
                WARNING,
            )
        else:
            try:
                values[name] = FIELDS[name].convert(node)
            except f.FieldError as exc:
                problem(name, str(exc))
    header_keys = set(document.header.keys())
    for name, spec in FIELDS.items():
        if spec.required and name not in values and name not in _failed(problems):
            found = "is empty" if name in header_keys else "is missing"
            problem(name, f"required field {found}")

    _check_dates(values, tz, problem)
    _check_image_fields(values, problem, given="image" in header_keys)
    references = References(
        values.get("region", ()), values.get("author", ()), values.get("image")
    )

    slug = values.get("slug") or slugify(source.stem)
    if not slug:
        problem("slug", f"the file name '{source.name}' gives no slug; add 'slug:'")
    elif len(slug) > MAX_SLUG_LENGTH:
        problem(
            "slug",
            f"the page address would be {len(slug)} characters long, at most "
            f"{MAX_SLUG_LENGTH}; shorten the file name or give a shorter 'slug:'",
        )
    if any(p.is_error for p in problems):
        return None, problems, references
    brief = Brief(
        source=str(source),
        slug=slug,
        title=values["title"],
        authors=values["author"],
        regions=values["region"],
        date=values["date"],
        body=document.body,
        body_line=document.body_line,
        summary=values.get("summary"),
        updated=values.get("updated"),
        tags=values.get("tags", ()),
        image=values.get("image"),
        image_alt=values.get("image_alt"),
        image_credit=values.get("image_credit"),
        key_points=values.get("key_points", ()),
        series=values.get("series"),
        doi=values.get("doi"),
        aliases=values.get("aliases", ()),
        status=values.get("status", "published"),
        featured=values.get("featured", False),
    )
    return brief, problems, references


def check_references(
    references: References, shown: str, content_dir: Path, registry: Registry
) -> list[Problem]:
    """Regions listed, authors not misspelt, the image present."""
    problems: list[Problem] = []

    def problem(field: str, message: str, severity: str = ERROR) -> None:
        problems.append(Problem(shown, message, field=field, severity=severity))

    if references.image is not None and not (content_dir / references.image).is_file():
        problem("image", f"'{references.image}' does not exist under content/")
    _check_names(references, registry, problem)
    return problems


def _failed(problems: list[Problem]) -> set[str]:
    return {p.field for p in problems if p.field}


def aware(moment: datetime, tz: tzinfo) -> datetime:
    """Naive times are in the site's TIMEZONE, so mixed dates sort."""
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _check_dates(values: dict, tz: tzinfo, problem) -> None:
    """`updated` must not be earlier than `date`. When either is a day
    without a time (midnight, no offset), they are compared as the days
    pages show, each in its own offset: `updated: 2024-03-11` follows
    `date: 2024-03-10T20:00-08:00` though its midnight in UTC comes first."""
    written = {key: values[key] for key in ("date", "updated") if key in values}
    for key, moment in written.items():
        values[key] = aware(moment, tz)
    if len(written) < 2:
        return
    date, updated = values["date"], values["updated"]
    if updated.date() < date.date():
        shown = (updated.date().isoformat(), date.date().isoformat())
    elif updated < date and not any(map(_day_only, written.values())):
        shown = (updated.isoformat(), date.isoformat())
    else:
        return
    problem("updated", "{} is earlier than the date {}".format(*shown))


def _day_only(moment: datetime) -> bool:
    return moment.tzinfo is None and moment.time() == time()


def _check_image_fields(values: dict, problem, given: bool) -> None:
    """`given`: the front matter has an image, valid or not (a wrong one
    has its own problem)."""
    image = values.get("image")
    if image is None:
        if not given and ("image_alt" in values or "image_credit" in values):
            problem("image", "image_alt or image_credit given without an image")
        return
    if "image_alt" not in values:
        problem(
            "image_alt",
            "required when an image is given: describe the image for readers "
            "who cannot see it",
        )


def _check_names(references: References, registry: Registry, problem) -> None:
    for region in references.regions:
        if registry.regions_readable and registry.region(region) is None:
            parts = f.comma_parts(region)
            if len(parts) > 1 and all(registry.region(part) for part in parts):
                hint = f"; for several regions write a list: {flow_list(parts)}"
            elif close := registry.closest_region(region):
                hint = f" (did you mean '{close}'?); regions are listed in regions.yml"
            else:
                hint = "; regions are listed in regions.yml"
            problem("region", f"'{shorten(region)}' is not a known region{hint}")
    for author in references.authors:
        listed = registry.likely_author_typo(author)
        unlisted = registry.author(author) is None
        if listed is not None:
            problem(
                "author",
                f"'{shorten(author)}' looks like a misspelling of the listed "
                f"author '{listed}' (did you mean '{listed}'?); use the name "
                "exactly as in authors.yml",
            )
        elif unlisted and len(parts := f.comma_parts(author)) > 1:
            problem(
                "author",
                f"'{shorten(author)}' is not in authors.yml and holds a comma; "
                f"for several authors write a list: {flow_list(parts)}",
                WARNING,
            )
        elif unlisted and not slugify(author):
            problem(
                "author",
                f"'{shorten(author)}' gives an empty page address; add the "
                "author to authors.yml with a 'slug:'",
            )
