"""New briefs and registry entries for editors who do not write YAML by hand.

Everything generated goes through the same validation as the build
(`briefs.schema`, `briefs.registry`, `briefs.collection`) before it is
written, so a file made here can never be the reason a build fails. Registry
files are extended by appending a text block, never by re-dumping YAML: the
editors' comments, order and spacing stay byte-for-byte as they were.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from briefs import fields, frontmatter, registry, schema
from briefs.collection import display_path, validate_content
from briefs.options import BriefsOptions
from briefs.problems import Problem
from briefs.slugs import slugify
from briefs.yamltree import Scalar, flow_list, quoted

from .serve import DEFAULT_PORT

logger = logging.getLogger(__name__)


BODY_TEMPLATE = """\
Start with the question this brief answers and why it matters now, in three or
four sentences. Readers who stop after this paragraph should still know the
argument.

## Background

What happened, who is involved and what is at stake. To cite a source, put a
footnote marker right after the sentence, like this.[^1]

## Analysis

The argument itself. Use a list for parallel points:

- First point.
- Second point.

## Recommendations

1. First recommendation: who should do what.
2. Second recommendation.

## Conclusion

One short paragraph that sums up.

[^1]: Author, *Title of the source* (Publisher, year), page. Footnotes are
    numbered and listed at the end of the brief automatically.
"""

KEY_POINT_PLACEHOLDERS = (
    "First key point: replace this with the brief's main takeaway.",
    "Second key point.",
    "Third key point.",
)


class ScaffoldError(Exception):
    """Nothing was written. `fields` names the values to change (the prompt
    asks for those again); `problems` are listed under the message."""

    def __init__(self, message: str, problems=(), fields=()):
        self.problems = list(problems)
        self.fields = set(fields) | {p.field for p in self.problems if p.field}
        super().__init__("\n".join([message, *(f"  {p}" for p in self.problems)]))


@dataclass(frozen=True)
class BriefRequest:
    """What an editor asks for; only the title, an author and a region are needed."""

    title: str
    authors: tuple[str, ...]
    regions: tuple[str, ...]
    tags: tuple[str, ...] = ()
    summary: str | None = None
    date: str | None = None  # ISO 8601; default: today in the site's time zone
    published: bool = True  # `status: draft` with --draft


@dataclass(frozen=True)
class NewBrief:
    path: Path
    slug: str
    notes: list[str] = field(default_factory=list)

    @property
    def preview_url(self) -> str:
        return f"http://localhost:{DEFAULT_PORT}/briefs/{self.slug}.html"


def one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def names(values) -> tuple[str, ...]:
    """Cleaned, non-empty, first-seen order (a name typed twice counts once)."""
    cleaned = (one_line(v) for v in values or ())
    return tuple(dict.fromkeys(v for v in cleaned if v))


def split_list(answer: str) -> tuple[str, ...]:
    """'Japan, Korea' → ('Japan', 'Korea'): how lists are typed at a prompt."""
    return names(answer.split(","))


def _one_or_list(values: tuple[str, ...]) -> str:
    return quoted(values[0]) if len(values) == 1 else flow_list(values)


def brief_text(request: BriefRequest, date: str) -> str:
    """The new file: front matter with every value quoted, then the template."""
    lines = ["---", f"title: {quoted(one_line(request.title))}"]
    if one_line(request.summary):
        lines.append(f"summary: {quoted(one_line(request.summary))}")
    else:
        lines.append('# summary: "One or two sentences shown under the title."')
    lines += [
        f"author: {_one_or_list(request.authors)}",
        f"region: {_one_or_list(request.regions)}",
        f"date: {date}",
    ]
    if request.tags:
        # Always a list: one topic of the command line may hold a comma,
        # and one line of text would be split there (fields.topic_list).
        lines.append(f"tags: {flow_list(request.tags)}")
    else:
        lines.append('# tags: ["First topic", "Second topic"]')
    lines.append("key_points:")
    lines += [f"  - {quoted(point)}" for point in KEY_POINT_PLACEHOLDERS]
    if request.published:
        lines.append("status: published")
    else:
        lines.append(
            "status: draft  # shown only in the preview; "
            "change to published when it is ready"
        )
    lines += ["---", "", BODY_TEMPLATE]
    return "\n".join(lines)


def _timezone(timezone: str | tzinfo) -> tzinfo:
    return ZoneInfo(timezone) if isinstance(timezone, str) else timezone


def _date(value: str | None, tz: tzinfo) -> tuple[str, int]:
    """The date as written in the file and its year (for the folder)."""
    if value is None:
        today = datetime.now(tz).date()
        return today.isoformat(), today.year
    text = value.strip()
    try:
        return text, fields.iso_date(Scalar(text, 1)).year
    except fields.FieldError as exc:
        raise ScaffoldError(f"The date is not valid: {exc}.", fields={"date"}) from None


def _registry_problems(collection, options: BriefsOptions) -> list[Problem]:
    files = {
        display_path(collection.content_dir / name, collection.content_dir)
        for name in (options.regions_file, options.authors_file)
    }
    return [p for p in collection.problems if p.is_error and p.path in files]


def _taken_slugs(collection, briefs_dir: Path) -> dict[str, Path]:
    """Every page address in use, including those of briefs that are invalid."""
    taken = {b.slug.casefold(): path for path, b in collection.briefs.items()}
    for path in sorted(briefs_dir.rglob("*.md")):
        taken.setdefault(slugify(path.stem).casefold(), path)
    return taken


def create_brief(
    content_dir: Path,
    request: BriefRequest,
    options: BriefsOptions | None = None,
    timezone: str | tzinfo = "UTC",
) -> NewBrief:
    """Write content/briefs/<year>/<slug>.md, or raise ScaffoldError."""
    options = options or BriefsOptions()
    content_dir = Path(content_dir).absolute()
    tz = _timezone(timezone)
    collection = validate_content(content_dir, options, tz)
    broken = _registry_problems(collection, options)
    if broken:
        raise ScaffoldError("Fix the registry first (nothing was written):", broken)
    briefs_dir = content_dir / options.briefs_dir
    title = one_line(request.title)
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(
            "The title is needed and must contain letters or digits.",
            fields={"title"},
        )
    date, year = _date(request.date, tz)
    target = briefs_dir / str(year) / f"{slug}.md"
    shown = display_path(target, content_dir)
    if target.exists():
        raise ScaffoldError(
            f"{shown} already exists; it was left untouched. Choose another "
            "title, or edit that file.",
            fields={"title"},
        )
    owner = _taken_slugs(collection, briefs_dir).get(slug.casefold())
    if owner is not None:
        raise ScaffoldError(
            f"{display_path(owner, content_dir)} already uses the address "
            f"briefs/{slug}.html; choose another title.",
            fields={"title"},
        )

    try:
        data = brief_text(request, date).encode("utf-8")
        document = frontmatter.parse(data)
    except (UnicodeError, frontmatter.FrontMatterError) as exc:
        raise ScaffoldError(
            f"The values contain characters a brief cannot hold ({exc})."
        ) from None
    _, problems = schema.validate(
        document, target, shown, content_dir, collection.registry, tz
    )
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ScaffoldError("The brief was not created:", errors)

    if target.parent.exists() and not target.parent.is_dir():
        raise ScaffoldError(
            f"{Path(shown).parent} is a file, not a folder; move it away or "
            "rename it, then try again (nothing was written)."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise ScaffoldError(f"{shown} was just created by someone else.") from None
    except OSError as exc:
        raise ScaffoldError(_unwritable(shown, exc)) from None
    _check_in_collection(content_dir, options, tz, target)

    notes = [
        f"'{name}' is not in {options.authors_file}: a guest author, shown "
        "without a bio (add them with `invoke new-author`)."
        for name in names(request.authors)
        if collection.registry.author(name) is None
    ]
    logger.info("created %s", shown)
    return NewBrief(target, slug, notes)


def _check_in_collection(content_dir, options, tz, target: Path) -> None:
    """What only the whole folder shows (e.g. two spellings of one guest
    author's page): remove the new file again if it is to blame."""
    collection = validate_content(content_dir, options, tz)
    shown = display_path(target, content_dir)
    errors = [p for p in collection.problems if p.is_error and p.path == shown]
    if errors:
        target.unlink()
        raise ScaffoldError("The brief was not created:", errors)


# -- interactive ------------------------------------------------------------

Ask = Callable[[str], str]


def _prompt(ask: Ask, label: str, required: bool) -> str:
    """One answer; a required one is asked again until given. EOF stops."""
    while True:
        try:
            answer = one_line(ask(f"{label}: "))
        except EOFError:
            if required:
                raise ScaffoldError("Stopped: no answer given.") from None
            return ""
        if answer or not required:
            return answer


def ask_brief(
    content_dir: Path,
    options: BriefsOptions | None = None,
    timezone: str | tzinfo = "UTC",
    ask: Ask = input,
    say: Callable[[str], None] = print,
    date: str | None = None,
    published: bool = True,
) -> NewBrief:
    """Ask for title, authors, regions, tags and summary; ask again for any
    value the validation rejects, showing why. The date and status are not
    asked for: today and published unless given."""
    options = options or BriefsOptions()
    known, _ = registry.load(
        Path(content_dir).absolute(),
        options.regions_file,
        options.authors_file,
        partial(display_path, content_dir=Path(content_dir).absolute()),
    )
    say("New brief. Lists are separated by commas; Ctrl-C stops.")
    if known.authors:
        say("Listed authors: " + ", ".join(a.name for a in known.authors))
    say("Regions: " + ", ".join(r.name for r in known.regions))
    questions = {
        "title": ("Title", True),
        "author": ("Author(s)", True),
        "region": ("Region(s)", True),
        "tags": ("Topics (optional)", False),
        "summary": ("Summary, one or two sentences (optional)", False),
    }
    answers = {key: _prompt(ask, *question) for key, question in questions.items()}
    while True:
        request = BriefRequest(
            title=answers["title"],
            authors=split_list(answers["author"]),
            regions=split_list(answers["region"]),
            tags=split_list(answers["tags"]),
            summary=answers["summary"] or None,
            date=date,
            published=published,
        )
        try:
            return create_brief(content_dir, request, options, timezone)
        except ScaffoldError as exc:
            retry = [key for key in questions if key in exc.fields]
            if not retry:
                raise
            say(str(exc))
            for key in retry:
                answers[key] = _prompt(ask, *questions[key])


# -- registry entries ---------------------------------------------------------


def _swapped(first: str, second: str) -> bool:
    """Whether two texts differ only by two neighbouring letters swapped."""
    if len(first) != len(second):
        return False
    differ = [n for n, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and first[differ[0]] == second[differ[1]]
        and first[differ[1]] == second[differ[0]]
    )


def _existing_like(name: str, records) -> str | None:
    """The listed name a new entry would duplicate: the same name or page
    address, or a spelling that differs only by case, accents or a typo
    (two letters swapped, however short the name: `Eurpoe`)."""
    folded, slug = registry.fold(name), slugify(name)
    for record in records:
        listed = registry.fold(record.name)
        if listed == folded or record.slug == slug or _swapped(listed, folded):
            return record.name
    by_fold = {registry.fold(r.name): r.name for r in records}
    close = difflib.get_close_matches(
        folded, list(by_fold), n=1, cutoff=registry.NEAR_NAME_RATIO
    )
    return by_fold[close[0]] if close else None


def _yaml_value(key: str, value: str) -> list[str]:
    """One line, quoted; several lines as a literal block (Markdown bios)."""
    lines = value.strip().splitlines()
    if len(lines) == 1:
        return [f"{key}: {quoted(one_line(value))}"]
    return [f"{key}: |", *(f"  {line}" if line.strip() else "" for line in lines)]


def entry_block(values: dict[str, str | None], indent: str = "") -> list[str]:
    """A registry entry ('- name: ...') as lines of YAML text."""
    given = [(k, v) for k, v in values.items() if v is not None and v.strip()]
    lines = []
    for position, (key, value) in enumerate(given):
        lead = f"{indent}- " if position == 0 else f"{indent}  "
        first, *rest = _yaml_value(key, value)
        lines.append(lead + first)
        lines += [f"{indent}  {line}" if line else "" for line in rest]
    return lines


def _entry_indent(text: str) -> str:
    """Indent new entries like the existing ones (usually none)."""
    match = re.search(r"^( *)- ", text, flags=re.MULTILINE)
    return match.group(1) if match else ""


def add_author(
    content_dir: Path,
    name: str,
    role: str | None = None,
    affiliation: str | None = None,
    bio: str | None = None,
    options: BriefsOptions | None = None,
) -> Path:
    values = {"name": name, "role": role, "affiliation": affiliation, "bio": bio}
    return _add_entry(content_dir, options, "authors_file", values)


def add_region(
    content_dir: Path,
    name: str,
    description: str | None = None,
    options: BriefsOptions | None = None,
) -> Path:
    values = {"name": name, "description": description}
    return _add_entry(content_dir, options, "regions_file", values)


def _add_entry(
    content_dir: Path, options: BriefsOptions | None, file_key: str, values: dict
) -> Path:
    """Append one entry to a registry file, atomically and only if the result
    loads without errors; otherwise leave the file untouched."""
    options = options or BriefsOptions()
    content_dir = Path(content_dir).absolute()
    path = content_dir / getattr(options, file_key)
    shown = display_path(path, content_dir)
    name = values["name"] = one_line(values["name"])
    if not name or not slugify(name):
        raise ScaffoldError("A name with letters or digits is needed.")

    current, broken = _load(content_dir, options, file_key, path)
    if path.exists() and broken:
        raise ScaffoldError(f"Fix {shown} first (nothing was written):", broken)
    records = current.authors if file_key == "authors_file" else current.regions
    existing = _existing_like(name, records)
    if existing is not None:
        clash = (
            "is already listed"
            if existing == name
            else f"is too close to '{existing}', which is already listed"
        )
        raise ScaffoldError(f"'{name}' {clash} in {shown}; nothing was written.")

    original = path.read_bytes() if path.exists() else b""
    text = frontmatter.decode(original) if original else ""
    newline = "\r\n" if b"\r\n" in original else "\n"
    block = newline.join(entry_block(values, _entry_indent(text))) + newline
    separator = "" if not original or original.endswith(b"\n") else newline
    if original.strip():
        separator += newline
    data = original + (separator + block).encode("utf-8")
    _replace_checked(path, data, content_dir, options, file_key)
    logger.info("added '%s' to %s", name, shown)
    return path


def _load(content_dir: Path, options: BriefsOptions, file_key: str, source: Path):
    """Both registries, reading `source` as the one named by `file_key`
    → (Registry, errors in that file, reported under its configured name)."""
    path = content_dir / getattr(options, file_key)
    files = replace(options, **{file_key: str(source.relative_to(content_dir))})

    def shown(where: Path) -> str:
        return display_path(path if where == source else where, content_dir)

    loaded, problems = registry.load(
        content_dir, files.regions_file, files.authors_file, shown
    )
    own = display_path(path, content_dir)
    return loaded, [p for p in problems if p.is_error and p.path == own]


def _replace_checked(path: Path, data: bytes, content_dir, options, file_key) -> None:
    """Write `data` to a temporary file beside `path`, load it as the registry
    and only then rename it over `path` (atomic: readers see old or new)."""
    shown = display_path(path, content_dir)
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".new"
        )
    except OSError as exc:
        raise ScaffoldError(_unwritable(shown, exc)) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        _, errors = _load(content_dir, options, file_key, temp)
        if errors:
            raise ScaffoldError(
                f"The new entry would make {shown} invalid; nothing was written:",
                errors,
            )
        if path.exists():
            shutil.copymode(path, temp)
        else:
            temp.chmod(0o644)
        temp.replace(path)
    except OSError as exc:
        raise ScaffoldError(_unwritable(shown, exc)) from None
    finally:
        temp.unlink(missing_ok=True)


def _unwritable(shown: str, error: OSError) -> str:
    return f"Cannot write {shown} ({error.strerror}); nothing was written."
