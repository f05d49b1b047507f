"""A whole content folder → every valid brief, the registries, every problem.

This is the one validation both `invoke check` and the build run. Besides each
brief on its own it checks what only the collection shows: symbolic links,
files that are not briefs, two briefs writing one file, and two spellings of
one guest author sharing one page.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from pathlib import Path

from . import registry as registry_module
from .fields import IMAGE_SUFFIXES
from .problems import Problem
from .reading import ReadSettings, SourceRead, read_source, unreadable
from .registry import Registry
from .schema import Brief, check_references
from .slugs import slugify

DEFAULTS = {
    "regions_file": "regions.yml",
    "authors_file": "authors.yml",
    "briefs_dir": "briefs",
    "related_count": 3,
    "show_drafts": False,
    # Keep reads and output fingerprints in CACHE_PATH between builds.
    "cache": True,
    # Worker processes: None for one per core when the work is large enough,
    # 1 to do everything in the building process.
    "workers": None,
}


@dataclass
class Collection:
    content_dir: Path
    registry: Registry
    briefs: dict[Path, Brief] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Every file's read (record, rendered body, problems), valid or not.
    reads: dict[Path, SourceRead] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def options(settings_value: dict | None) -> tuple[dict, list[str]]:
    """Merge the BRIEFS settings dict over the defaults; name unknown keys."""
    given = dict(settings_value or {})
    unknown = sorted(set(given) - set(DEFAULTS))
    return {**DEFAULTS, **given}, unknown


def unknown_settings_message(unknown: list[str]) -> str:
    hints = [difflib.get_close_matches(key, list(DEFAULTS), n=1) for key in unknown]
    return "BRIEFS setting: unknown key(s) " + ", ".join(
        f"'{key}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
        for key, hint in zip(unknown, hints, strict=True)
    )


def display_path(path: Path, content_dir: Path) -> str:
    """Paths as an editor sees them: relative to the working folder when inside
    it, else starting at the content folder (`content/briefs/2024/x.md`)."""
    path = path.absolute()
    for base in (Path.cwd(), content_dir.parent):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return str(path)


ReadMany = Callable[[list[tuple[Path, str]]], dict[Path, SourceRead]]


def validate_content(
    content_dir: Path,
    config: dict | None = None,
    timezone: str | tzinfo = "UTC",
    read_many: ReadMany | None = None,
) -> Collection:
    """Read every brief (with `read_many`: cached, in parallel; by default
    one by one, without rendering), then check what only the whole folder
    shows. Every problem is collected; nothing is raised."""
    config, _ = options(config)
    content_dir = Path(content_dir).absolute()
    zone = timezone if isinstance(timezone, str) else str(timezone)
    read_many = read_many or partial(_read_each, ReadSettings(zone, ()))

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
    sources = _brief_files(briefs_dir, problems, shown)
    collection.reads = read_many([(source, shown(source)) for source in sources])
    for source in sources:
        read = collection.reads[source]
        problems.extend(read.problems)
        found = check_references(read.references, read.shown, content_dir, registry)
        problems.extend(found)
        if read.brief is not None and not any(p.is_error for p in found):
            collection.briefs[source] = read.brief
    problems.extend(_output_collisions(collection.briefs, shown))
    problems.extend(_author_page_collisions(collection.briefs, registry, shown))
    problems.sort(key=lambda p: (p.path, p.line or 0, p.field or "", p.message))
    return collection


def _read_each(
    config: ReadSettings, sources: list[tuple[Path, str]]
) -> dict[Path, SourceRead]:
    """Validation only (`invoke check` without a cache): no Markdown."""
    reads = {}
    for path, shown in sources:
        try:
            data = path.read_bytes()
        except OSError as error:
            reads[path] = unreadable(path, shown, error)
        else:
            reads[path] = read_source(path, shown, data, config, render=False)
    return reads


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
