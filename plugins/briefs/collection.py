"""A whole content folder → every valid brief, the registries, every problem.

This is the one validation both `invoke check` and the build run. Besides each
brief on its own it checks what only the collection shows: symbolic links,
special files and unreadable folders, files that are not briefs, two briefs
writing one file, and page addresses that clash (see addresses.py). Hidden
files and editor droppings are ignored everywhere; every other file is listed
in `files`, from which the build publishes only what pages use.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from pathlib import Path

from . import registry as registry_module
from .addresses import AUTHORS, REGIONS, address_problems
from .fields import IMAGE_SUFFIXES
from .options import BriefsOptions
from .problems import ERROR, WARNING, Problem, in_report_order
from .reading import ReadSettings, SourceRead, read_source, unreadable
from .registry import Registry
from .schema import Brief, check_references


@dataclass
class Collection:
    content_dir: Path
    registry: Registry
    briefs: dict[Path, Brief] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Every file's read (record, rendered body, problems), valid or not.
    reads: dict[Path, SourceRead] = field(default_factory=dict)
    # Every other visible file under content/ (relative, posix): what pages
    # may use and the build may publish.
    files: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def display_path(path: Path, content_dir: Path) -> str:
    """Paths as an editor sees them: relative to the working folder when inside
    it, else starting at the content folder (`content/briefs/2024/x.md`)."""
    return path_display(content_dir)(path)


def path_display(content_dir: Path) -> Callable[[Path], str]:
    """`display_path` for many paths under one content folder (its bases
    worked out once: this runs for every file of the collection)."""
    bases = [Path.cwd(), Path(content_dir).absolute().parent]
    prefixes = [str(base).rstrip(os.sep) + os.sep for base in bases]

    def shown(path: Path) -> str:
        text = str(path if os.path.isabs(path) else Path(path).absolute())  # noqa: PTH117
        for base, prefix in zip(bases, prefixes, strict=True):
            if text.startswith(prefix):
                return text[len(prefix) :]
            if text == str(base):
                return "."
        return text

    return shown


ReadMany = Callable[[list[tuple[Path, str]]], dict[Path, SourceRead]]


_DROPPINGS = frozenset({"Thumbs.db", "desktop.ini", "Desktop.ini"})


def is_ignored(name: str) -> bool:
    """Hidden files and folders (.git, .DS_Store, ._x.md, .#x.md) and editor
    droppings (x.md~, #x.md#, Thumbs.db): never read, published or reported."""
    return (
        name.startswith(".")
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or name in _DROPPINGS
    )


def missing_content_folder(content_dir: Path) -> Problem | None:
    """The one problem to report when there is no content folder at all."""
    if Path(content_dir).is_dir():
        return None
    return Problem(
        str(content_dir),
        "content folder not found; give the folder that holds briefs/ and regions.yml",
    )


def validate_content(
    content_dir: Path,
    options: BriefsOptions | None = None,
    timezone: str | tzinfo = "UTC",
    read_many: ReadMany | None = None,
) -> Collection:
    """Read every brief (with `read_many`: cached, in parallel; by default
    one by one, without rendering), then check what only the whole folder
    shows. Every problem is collected; nothing is raised."""
    options = options or BriefsOptions()
    if missing := missing_content_folder(content_dir):
        return Collection(Path(content_dir), Registry(), problems=[missing])
    content_dir = Path(content_dir).absolute()
    zone = timezone if isinstance(timezone, str) else str(timezone)
    read_many = read_many or partial(_read_each, ReadSettings(zone, ()))

    shown = path_display(content_dir)
    registry, problems = registry_module.load(
        content_dir, options.regions_file, options.authors_file, shown
    )
    collection = Collection(content_dir, registry, problems=problems)
    briefs_dir = content_dir / options.briefs_dir
    if not briefs_dir.is_dir():
        problems.append(
            Problem(shown(briefs_dir), "folder not found; briefs live here")
        )
    sources, files = _walk(content_dir, options, problems, shown)
    collection.files = tuple(files)
    collection.reads = read_many([(source, shown(source)) for source in sources])
    for source in sources:
        read = collection.reads[source]
        problems.extend(read.problems)
        found = check_references(read.references, read.shown, content_dir, registry)
        problems.extend(found)
        if read.brief is not None and not any(p.is_error for p in found):
            collection.briefs[source] = read.brief
    problems.extend(_output_collisions(collection.briefs, shown))
    registry_paths = {
        REGIONS: shown(content_dir / options.regions_file),
        AUTHORS: shown(content_dir / options.authors_file),
    }
    problems.extend(
        address_problems(
            collection.briefs, registry, collection.files, shown, registry_paths
        )
    )
    problems[:] = in_report_order(problems)
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
            reads[path] = unreadable(shown, error)
        else:
            reads[path] = read_source(path, shown, data, config, render=False)
    return reads


def _walk(content_dir: Path, options: BriefsOptions, problems: list[Problem], shown):
    """One walk of content/ → (brief sources, other files), both sorted.

    Refused: symbolic links (they could publish files from outside), special
    files (a named pipe called x.md would hang the build), folders that cannot
    be read (their briefs would silently vanish), and anything but briefs and
    images in briefs/. Markdown outside briefs/ is only a warning.
    """
    briefs_dir = content_dir / options.briefs_dir
    registries = {options.regions_file, options.authors_file}
    sources: list[Path] = []
    files: list[str] = []

    def refuse(path: Path, message: str, severity: str = ERROR) -> None:
        problems.append(Problem(shown(path), message, severity=severity))

    def unreadable(error: OSError) -> None:
        refuse(
            Path(error.filename),
            f"cannot read this folder ({error.strerror}); its files would be left "
            "out; fix its permissions",
        )

    for folder, dirs, names in os.walk(content_dir, onerror=unreadable):
        here = Path(folder)
        dirs[:] = sorted(
            name
            for name in dirs
            if not is_ignored(name) and _kind(here / name, refuse) == "folder"
        )
        in_briefs = here.is_relative_to(briefs_dir)
        for name in sorted(names):
            path = here / name
            if is_ignored(name) or _kind(path, refuse) != "file":
                continue
            if in_briefs and name.endswith(".md"):
                sources.append(path)
                continue
            relative = path.relative_to(content_dir).as_posix()
            if in_briefs and path.suffix.lower() not in IMAGE_SUFFIXES:
                refuse(
                    path,
                    "only Markdown briefs ending in .md belong in "
                    f"{briefs_dir.name}/; rename or move this file",
                )
            elif relative in registries:
                continue
            elif path.suffix.lower() == ".md":
                refuse(
                    path,
                    f"Markdown outside {briefs_dir.name}/ is not a brief and is never "
                    f"published; move it into {briefs_dir.name}/ or out of content/",
                    WARNING,
                )
            elif not os.access(path, os.R_OK):
                refuse(path, "cannot read this file; fix its permissions")
            else:
                files.append(relative)
    return sources, files


def _kind(path: Path, refuse) -> str | None:
    """'folder', 'file', or None (refused: a link, a special file, unreadable)."""
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        refuse(path, f"cannot read this entry ({exc.strerror}); fix its permissions")
        return None
    if stat.S_ISLNK(mode):
        refuse(
            path,
            "symbolic links are not allowed under content/ (they could "
            "publish files from outside it); copy the file instead",
        )
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    refuse(
        path,
        "not a regular file (a named pipe, socket or device); the build cannot "
        "read it; remove it",
    )
    return None


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
