"""The regions and authors registries: YAML lists → records, lookups, hints.

A brief's region must be listed; an author need not be (guest writers), but a
name that differs from a listed one only by case, spacing, accents or a small
typo is refused, because it would split one person's page in two.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import fields as f
from .frontmatter import FrontMatterError, decode
from .problems import WARNING, Problem, did_you_mean, unreadable
from .slugs import slugify
from .yamltree import Mapping, Sequence, TreeError, kind_of, parse

# Authors whose names are this similar (difflib ratio) are taken for a typo.
NEAR_NAME_RATIO = 0.9


@dataclass(frozen=True)
class RegionRecord:
    name: str
    slug: str
    description: str | None = None
    aliases: tuple[str, ...] = ()  # old page addresses (regions/old-name.html)


@dataclass(frozen=True)
class AuthorRecord:
    name: str
    slug: str
    role: str | None = None
    affiliation: str | None = None
    bio: str | None = None
    photo: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    # How citations invert the name ("Nguyen Thi Lan" → Nguyen, Thi Lan);
    # without them the last word of the name is the family name.
    family: str | None = None
    given: str | None = None
    aliases: tuple[str, ...] = ()  # old page addresses (authors/old-name.html)


REGION_FIELDS = {
    "name": f.Field(f.text, required=True),
    "slug": f.Field(f.slug),
    "description": f.Field(f.long_text),
    "aliases": f.Field(f.site_addresses),
}
AUTHOR_FIELDS = {
    "name": f.Field(f.text, required=True),
    "slug": f.Field(f.slug),
    "role": f.Field(f.text),
    "affiliation": f.Field(f.text),
    "bio": f.Field(f.long_text),
    "photo": f.Field(f.image_path),
    "links": f.Field(f.links),
    "family": f.Field(f.text),
    "given": f.Field(f.text),
    "aliases": f.Field(f.site_addresses),
}


def fold(name: str) -> str:
    """Compare names ignoring case, accents and spacing."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass
class Registry:
    regions: list[RegionRecord] = field(default_factory=list)
    authors: list[AuthorRecord] = field(default_factory=list)
    # False when regions.yml itself is broken: briefs are then not blamed.
    regions_readable: bool = True

    def __post_init__(self):
        self._regions = {r.name: r for r in self.regions}
        self._authors = {a.name: a for a in self.authors}

    def region(self, name: str) -> RegionRecord | None:
        return self._regions.get(name)

    def author(self, name: str) -> AuthorRecord | None:
        return self._authors.get(name)

    def closest_region(self, name: str) -> str | None:
        return _closest(name, list(self._regions), cutoff=0.5)

    def likely_author_typo(self, name: str) -> str | None:
        """The listed author a guest name is probably a misspelling of."""
        if name in self._authors:
            return None
        folded, name_slug = fold(name), slugify(name)
        for listed in self.authors:
            if fold(listed.name) == folded or listed.slug == name_slug:
                return listed.name
        return _closest(name, list(self._authors), cutoff=NEAR_NAME_RATIO)


def _closest(name: str, candidates: list[str], cutoff: float) -> str | None:
    by_fold = {fold(c): c for c in candidates}
    if fold(name) in by_fold:
        return by_fold[fold(name)]
    match = difflib.get_close_matches(fold(name), list(by_fold), n=1, cutoff=cutoff)
    return by_fold[match[0]] if match else None


def load(content_dir: Path, regions_file: str, authors_file: str, display) -> tuple:
    """Read both registries → (Registry, problems). `display` names paths."""
    problems: list[Problem] = []
    regions = _load_list(
        content_dir / regions_file,
        REGION_FIELDS,
        RegionRecord,
        display,
        problems,
        required=True,
    )
    regions_readable = not problems
    authors = _load_list(
        content_dir / authors_file,
        AUTHOR_FIELDS,
        AuthorRecord,
        display,
        problems,
        required=False,
    )
    for record in authors:
        if record.given and not record.family:
            problems.append(
                Problem(
                    display(content_dir / authors_file),
                    "given is set without family; give both (or family alone "
                    "for a single name)",
                    field=f"{record.name}: given",
                )
            )
        if record.photo and not (content_dir / record.photo).is_file():
            problems.append(
                Problem(
                    display(content_dir / authors_file),
                    f"'{record.photo}' does not exist under content/",
                    field=f"{record.name}: photo",
                )
            )
    return Registry(regions, authors, regions_readable), problems


def _load_list(path: Path, schema, record_type, display, problems, required: bool):
    shown = display(path)
    if not path.is_file():
        if required:
            problems.append(
                Problem(shown, "file not found; it must list every region by name")
            )
        return []
    try:
        tree = parse(decode(path.read_bytes()))
    except OSError as exc:
        problems.append(unreadable(shown, exc))
        return []
    except (FrontMatterError, TreeError) as exc:
        problems.append(Problem(shown, exc.message, line=exc.line, column=exc.column))
        return []
    if tree is None:
        if required:
            problems.append(
                Problem(
                    shown,
                    "the file is empty; it must list every region "
                    "('- name: Northeast Asia')",
                )
            )
        return []
    if not isinstance(tree, Sequence):
        problems.append(
            Problem(
                shown,
                f"expected a list of entries ('- name: ...'), found {kind_of(tree)}",
                line=getattr(tree, "line", None),
            )
        )
        return []
    records: list = []
    first_seen: dict[str, dict[str, int]] = {"name": {}, "slug": {}}
    for position, entry in enumerate(tree.items, start=1):
        record = _record(entry, position, schema, record_type, shown, problems)
        if record is None:
            continue
        for kind, key in (("name", record.name), ("slug", record.slug)):
            seen = first_seen[kind]
            if key in seen:
                problems.append(
                    Problem(
                        shown,
                        f"duplicate {kind} '{key}' (entries {seen[key]} and "
                        f"{position}); each entry needs its own",
                        field=kind,
                    )
                )
            seen.setdefault(key, position)
        records.append(record)
    return records


def _record(entry, position, schema, record_type, shown, problems):
    label = f"entry {position}"
    if not isinstance(entry, Mapping):
        problems.append(
            Problem(
                shown,
                f"{label}: expected 'name: ...' fields, found {kind_of(entry)}",
                line=getattr(entry, "line", None),
            )
        )
        return None
    values, ok = {}, True
    for key, node in entry.pairs:
        if key.value not in schema:
            problems.append(
                Problem(
                    shown,
                    f"{label}: unknown field '{key.value}'"
                    + did_you_mean(key.value, schema)
                    + "; it is ignored",
                    severity=WARNING,
                )
            )
            continue
        try:
            values[key.value] = schema[key.value].convert(node)
        except f.FieldError as exc:
            problems.append(Problem(shown, str(exc), field=f"{label}: {key.value}"))
            ok = False
    for name, spec in schema.items():
        if spec.required and name not in values and entry.get(name) is None:
            problems.append(Problem(shown, "missing", field=f"{label}: {name}"))
            ok = False
    if not ok:
        return None
    slug = values.get("slug") or slugify(values["name"])
    if not slug:
        problems.append(
            Problem(
                shown,
                f"'{values['name']}' gives an empty slug; add a 'slug:'",
                field=f"{label}: name",
            )
        )
        return None
    values["slug"] = slug
    return record_type(**values)
