"""A whole content folder → every valid brief, the registries, every problem.

This is the one validation both `invoke check` and the build run. Besides each
brief on its own it checks what only the collection shows: symbolic links,
files that are not briefs, two briefs writing one file, and two spellings of
one guest author sharing one page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from . import registry as registry_module
from .fields import IMAGE_SUFFIXES
from .problems import Problem
from .registry import Registry
from .schema import Brief, read_brief
from .slugs import slugify

DEFAULTS = {
    "regions_file": "regions.yml",
    "authors_file": "authors.yml",
    "briefs_dir": "briefs",
    "related_count": 3,
    "show_drafts": False,
}


@dataclass
class Collection:
    content_dir: Path
    registry: Registry
    briefs: dict[Path, Brief] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def options(settings_value: dict | None) -> tuple[dict, list[str]]:
    """Merge the BRIEFS settings dict over the defaults; name unknown keys."""
    given = dict(settings_value or {})
    unknown = sorted(set(given) - set(DEFAULTS))
    return {**DEFAULTS, **given}, unknown


def display_path(path: Path, content_dir: Path) -> str:
    """Paths as an editor sees them: relative to the working folder when inside
    it, else starting at the content folder (`content/briefs/2024/x.md`)."""
    path = path.absolute()
    for base in (Path.cwd(), content_dir.parent):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return str(path)


def validate_content(
    content_dir: Path, config: dict | None = None, timezone: str | tzinfo = "UTC"
) -> Collection:
    config, _ = options(config)
    content_dir = Path(content_dir).absolute()
    tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone

    def shown(path: Path) -> str:
        return display_path(path, content_dir)

    registry, problems = registry_module.load(
        content_dir, config["regions_file"], config["authors_file"], shown
    )
    collection = Collection(content_dir, registry, problems=problems)
    problems.extend(_symlinks(content_dir, shown))
    briefs_dir = content_dir / config["briefs_dir"]
    if not briefs_dir.is_dir():
        problems.append(
            Problem(shown(briefs_dir), "folder not found; briefs live here")
        )
        return collection
    for source in _brief_files(briefs_dir, problems, shown):
        brief, found = read_brief(source, shown(source), content_dir, registry, tz)
        problems.extend(found)
        if brief is not None:
            collection.briefs[source] = brief
    problems.extend(_output_collisions(collection.briefs, shown))
    problems.extend(_author_page_collisions(collection.briefs, registry, shown))
    problems.sort(key=lambda p: (p.path, p.line or 0, p.field or "", p.message))
    return collection


def _symlinks(content_dir: Path, shown) -> list[Problem]:
    found = []
    for folder, dirs, files in os.walk(content_dir, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            if path.is_symlink():
                found.append(
                    Problem(
                        shown(path),
                        "symbolic links are not allowed under content/ (they could "
                        "publish files from outside it); copy the file instead",
                    )
                )
    return found


def _brief_files(briefs_dir: Path, problems: list[Problem], shown) -> list[Path]:
    """Every .md file, sorted; images may sit beside briefs; any other visible
    file is reported, not skipped."""
    sources = []
    for folder, dirs, files in os.walk(briefs_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.startswith(".") or path.is_symlink():
                continue
            if name.endswith(".md"):
                sources.append(path)
            elif path.suffix.lower() not in IMAGE_SUFFIXES:
                problems.append(
                    Problem(
                        shown(path),
                        "only Markdown briefs ending in .md belong in "
                        f"{briefs_dir.name}/; rename or move this file",
                    )
                )
    return sources


def _output_collisions(briefs: dict[Path, Brief], shown) -> list[Problem]:
    """Two briefs writing one file, compared without case (as macOS and zip do)."""
    owners: dict[str, Path] = {}
    found = []
    for source, brief in briefs.items():
        key = brief.slug.casefold()
        if key in owners:
            other = owners[key]
            found.append(
                Problem(
                    shown(source),
                    f"would write briefs/{brief.slug}.html, which "
                    f"{shown(other)} also writes; give one of them "
                    "another file name or 'slug:'",
                    field="slug",
                )
            )
        else:
            owners[key] = source
    return found


def _author_page_collisions(briefs: dict[Path, Brief], registry: Registry, shown):
    """Two unlisted spellings that would share (and merge) one author page."""
    spelling: dict[str, tuple[str, Path]] = {
        a.slug: (a.name, None) for a in registry.authors
    }
    found = []
    for source, brief in briefs.items():
        for name in brief.authors:
            record = registry.author(name)
            page = record.slug if record else slugify(name)
            first = spelling.setdefault(page, (name, source))
            if first[0] != name:
                where = f" in {shown(first[1])}" if first[1] else ""
                found.append(
                    Problem(
                        shown(source),
                        f"'{name}' and '{first[0]}'{where} would share the page "
                        f"authors/{page}.html; use one spelling",
                        field="author",
                    )
                )
    return found
