"""Page addresses that would clash: names, pagination and aliases; pure.

Pelican gives two names with one slug one page (C++, C# and C all become
topics/c.html, Japan and japan merge), lets a topic called "Index" overwrite
the list of topics, and would let "Europe 2" take the address of Europe's
second page on the day Europe gets one. Each such clash is refused here,
naming both spellings and the files that use them, before anything is
written. Aliases (old addresses kept as redirect pages) may take no page's
address, present or future, and no other alias's, and may not lie under a
file the site writes nor be a folder it needs (fields.site_address refuses
folders named like files).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .linkcheck import folders_of
from .problems import Problem
from .registry import Registry
from .schema import Brief
from .sitefiles import NOT_FOUND
from .slugs import MAX_LENGTH as MAX_SLUG_LENGTH
from .slugs import slugify
from .yamltree import shorten

# The contract's URL scheme (pelicanconf.py): the listing pages of each kind.
REGIONS, AUTHORS, TOPICS = "regions", "authors", "topics"
SERIES = "series"  # series/<slug>.html, never paginated
KIND_NAMES = {REGIONS: "region", AUTHORS: "author", TOPICS: "topic", SERIES: "series"}
PAGINATED = {REGIONS, AUTHORS, TOPICS}
FIXED_PAGES = {
    "index.html": "the home page",
    "archives.html": "the archive",
    "search.html": "the search page",
    NOT_FOUND: "the page-not-found page",
    **{f"{folder}/index.html": f"the list of all {folder}" for folder in KIND_NAMES},
}
# Further pages of a listing: europe.html, europe-2.html, europe-3.html...
_FURTHER_PAGE = re.compile(r"^(?P<base>.+)-(?P<number>[2-9]|[1-9][0-9]+)$")


@dataclass(frozen=True)
class Use:
    """One name given a page of a kind, and where it is written."""

    name: str
    slug: str
    path: str  # the file, as editors see it
    field: str
    listed: bool = False  # from a registry (named there, not "in" a file)


def address_problems(
    briefs: dict[Path, Brief],
    registry: Registry,
    files: tuple[str, ...],
    shown: Callable[[Path], str],
    registry_paths: dict[str, str],
) -> list[Problem]:
    """Every clash of names, slugs and aliases in a validated collection.

    `files` are the other files under content/ (relative, posix);
    `registry_paths` names the regions and authors files as editors see them.
    """
    uses = _uses(briefs, registry, shown, registry_paths)
    found = []
    for kind, kind_uses in uses.items():
        found += _name_clashes(kind, kind_uses)
    found += _alias_clashes(briefs, registry, files, shown, registry_paths, uses)
    return found


def _uses(briefs, registry, shown, registry_paths) -> dict[str, list[Use]]:
    regions_file, authors_file = registry_paths[REGIONS], registry_paths[AUTHORS]
    uses: dict[str, list[Use]] = {
        REGIONS: [
            Use(r.name, r.slug, regions_file, f"{r.name}: slug", listed=True)
            for r in registry.regions
        ],
        AUTHORS: [
            Use(a.name, a.slug, authors_file, f"{a.name}: slug", listed=True)
            for a in registry.authors
        ],
        TOPICS: [],
        SERIES: [],
    }
    slugs: dict[str, str] = {}  # a name is slugified once, not once a brief

    def slug(name: str) -> str:
        if name not in slugs:
            slugs[name] = slugify(name)
        return slugs[name]

    for source, brief in briefs.items():
        for name in brief.authors:
            if registry.author(name) is None:
                uses[AUTHORS].append(Use(name, slug(name), shown(source), "author"))
        for name in brief.tags:
            uses[TOPICS].append(Use(name, slug(name), shown(source), "tags"))
        if brief.series:
            uses[SERIES].append(
                Use(brief.series, slug(brief.series), shown(source), "series")
            )
    return uses


def _name_clashes(kind: str, uses: list[Use]) -> list[Problem]:
    first: dict[str, Use] = {}
    for use in uses:
        first.setdefault(use.slug, use)
    return [
        Problem(use.path, message, field=use.field)
        for use in uses
        if (message := _clash(kind, use, first))
    ]


def _clash(kind: str, use: Use, first: dict[str, Use]) -> str | None:
    page = f"{kind}/{use.slug}.html"
    other = first[use.slug]
    further = _FURTHER_PAGE.match(use.slug)
    if not use.slug:
        return (
            f"'{use.name}' gives an empty page address ({page}); use a name "
            "with letters or digits"
        )
    if len(use.slug) > MAX_SLUG_LENGTH:
        return (
            f"'{shorten(use.name)}' gives a page address of {len(use.slug)} "
            f"characters, at most {MAX_SLUG_LENGTH}; use a shorter name"
        )
    if use.slug == "index":
        return (
            f"'{use.name}' would write {page}, {FIXED_PAGES[page]}; choose another name"
        )
    # Two registry entries with one slug are reported by the registry itself.
    if other.name != use.name and not (other.listed and use.listed):
        return (
            f"'{use.name}' and '{other.name}'{_where(other)} would share the page "
            f"{page}; use one spelling"
        )
    if further and kind in PAGINATED and further["base"] in first:
        base = first[further["base"]]
        return (
            f"'{use.name}' would write {page}, the address of page "
            f"{further['number']} of the {KIND_NAMES[kind]} '{base.name}'"
            f"{_where(base)}; choose another name"
        )
    return None


def _where(use: Use) -> str:
    return "" if use.listed else f" in {use.path}"


@dataclass(frozen=True)
class _Owner:
    """Who holds an alias (for messages and problems)."""

    path: str
    field: str
    description: str


def _alias_clashes(briefs, registry, files, shown, registry_paths, uses):
    first = {kind: {} for kind in uses}
    for kind, kind_uses in uses.items():
        for use in kind_uses:
            first[kind].setdefault(use.slug, use)
    pages = dict(FIXED_PAGES)
    for kind, by_slug in first.items():
        for slug, use in by_slug.items():
            pages[f"{kind}/{slug}.html"] = (
                f"the page of the {KIND_NAMES[kind]} '{use.name}'"
            )
    for source, brief in briefs.items():
        pages[f"briefs/{brief.slug}.html"] = f"the brief {shown(source)}"
    for relative in files:
        pages[relative] = f"the file {relative} under content/"
    taken = {address.casefold(): owner for address, owner in pages.items()}
    content_folders = {folder.casefold() for folder in folders_of(files)}

    holders = [
        (_Owner(shown(source), "aliases", f"the brief {shown(source)}"), brief.aliases)
        for source, brief in briefs.items()
        if brief.aliases
    ]
    for kind, records in ((REGIONS, registry.regions), (AUTHORS, registry.authors)):
        holders += [
            (
                _Owner(
                    registry_paths[kind],
                    f"{record.name}: aliases",
                    f"the {KIND_NAMES[kind]} '{record.name}'",
                ),
                record.aliases,
            )
            for record in records
        ]
    found = []
    held: dict[str, _Owner] = {}
    for owner, aliases in holders:
        for alias in aliases:
            key = alias.casefold()
            if clash := taken.get(key) or _further_page(key, first):
                message = (
                    f"'{alias}' is the address of {clash}; an alias must be an "
                    "address no page uses"
                )
            elif under := next((f for f in _folders(key) if f in taken), None):
                message = (
                    f"'{alias}' would need a folder where the site writes "
                    f"{taken[under]}; an alias must be an address no page uses"
                )
            elif key in content_folders:
                message = (
                    f"'{alias}' is a folder of files under content/; an alias "
                    "must be an address no page uses"
                )
            elif key in held:
                message = (
                    f"'{alias}' is also an alias of {held[key].description}; "
                    "keep it in one place"
                )
            else:
                held[key] = owner
                continue
            found.append(Problem(owner.path, message, field=owner.field))
    return found


def _folders(address: str) -> list[str]:
    """The folders an address lies in: a/b/c.html → a, a/b."""
    parts = address.split("/")[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def _further_page(address: str, first: dict[str, dict[str, Use]]) -> str | None:
    """ "page 2 of the region 'Europe'" for regions/europe-2.html, and so on,
    whether or not that page exists yet (`address` casefolded)."""
    folder, _, name = address.rpartition("/")
    further = _FURTHER_PAGE.match(name.removesuffix(".html"))
    if not further:
        return None
    if not folder and further["base"] == "index":
        return f"page {further['number']} of the home page"
    use = first.get(folder, {}).get(further["base"])
    if use is None or folder not in PAGINATED:
        return None
    return f"page {further['number']} of the {KIND_NAMES[folder]} '{use.name}'"
