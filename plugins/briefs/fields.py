"""Declarative field types: a YAML node in, a typed value out, or FieldError.

Shared by the brief schema and the registries so that every "expected X,
found Y" message reads the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath

from . import sitefiles
from .characters import describe, first_forbidden, has_visible
from .slugs import MAX_LENGTH as MAX_SLUG_LENGTH
from .yamltree import Mapping, Scalar, Sequence, kind_of, shorten

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# re.ASCII in the patterns below: without it \d is a digit of any script
# (١٢٣٤), which no date reader or DOI resolver takes.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$",
    re.ASCII,
)
# Crossref's recommended pattern: it matches nearly every DOI ever issued and
# nothing with spaces, quotes, braces or angle brackets.
_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:a-zA-Z0-9]+$", re.ASCII)
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"}
# Characters a browser reads as part of the address, not of the file name.
URL_SPECIAL = "#?%"
# An old address of the site: folders and a file name ending in .html.
_ADDRESS_PART = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
# Its length (ASCII: characters are bytes), far below the 4,096 bytes a
# path may have with the output folder in front of it.
MAX_ADDRESS_LENGTH = 1000
# Every file the site writes has a '.' in its name but the production CNAME
# (sitefiles.py): a folder so named could be a file (briefs/x.html/old.html,
# sitemap.xml/...).
_DOTLESS = {name.casefold() for name in sitefiles.FIXED_NAMES if "." not in name}


# A path that is really an address (https://..., //host/...): its // would
# be read as one folder separator.
_WEB_ADDRESS = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]+:|//)")


class FieldError(Exception):
    """A value of the wrong shape; the message says what was expected."""


@dataclass(frozen=True)
class Field:
    """One front matter or registry key: its converter and whether required."""

    convert: object
    required: bool = False


def _visible(value: str) -> str:
    """Quoted YAML can spell any character (\\x07, \\uFFFE); refuse the invisible."""
    if bad := first_forbidden(value):
        raise FieldError(
            f"contains the character {describe(bad.group(0))}, which is "
            "invisible on the page and breaks feeds; delete it"
        )
    return value


def _not_blank(value: str) -> str:
    """`value`, unless nothing of it would show (stripped before)."""
    if not value:
        raise FieldError("expected text, found an empty value")
    if not has_visible(value):
        unseen = dict.fromkeys(c for c in value if not c.isspace())
        points = ", ".join(f"U+{ord(c):04X}" for c in list(unseen)[:5])
        raise FieldError(
            f"expected text, found only invisible characters ({points}); "
            "delete them and write the text"
        )
    return value


def text(node, *, allow_numbers: bool = True) -> str:
    """A single line of text; YAML 1.1 booleans and numbers stay as written."""
    if not isinstance(node, Scalar) or node.is_null:
        raise FieldError(f"expected text, found {kind_of(node)}")
    value = _not_blank(" ".join(_visible(node.value).strip().splitlines()))
    if not allow_numbers and node.looks_like_number:
        raise FieldError(
            f"expected text, found the number {node.value}; "
            "put it in quotes if it is meant as text"
        )
    return value


def title_text(node) -> str:
    return text(node, allow_numbers=False)


def long_text(node) -> str:
    """Multi-line text such as a Markdown bio: line breaks are kept."""
    if not isinstance(node, Scalar) or node.is_null:
        raise FieldError(f"expected text, found {kind_of(node)}")
    return _not_blank(_visible(node.value).strip())


def text_list(node) -> tuple[str, ...]:
    """One text or a list of texts; duplicates are an error."""
    items = node.items if isinstance(node, Sequence) else [node]
    if isinstance(node, Sequence) and not items:
        raise FieldError("expected one or more names, found an empty list")
    values: dict[str, None] = {}
    for item in items:
        if isinstance(item, Scalar):
            _visible(item.value)
        try:
            value = text(item)
        except FieldError:
            what = kind_of(node)
            if isinstance(node, Sequence):
                what = f"{kind_of(item)} in the list"
            raise FieldError(
                f"expected a name or a list of names, found {what}"
            ) from None
        if value in values:
            raise FieldError(f"'{shorten(value)}' is listed twice")
        values[value] = None
    return tuple(values)


def at_most(count: int, what: str, convert):
    """`convert`, for a list of at most `count` items (counted before they
    are read, and after: a text of topics is split at its commas). Related
    briefs index each brief under every pair and triple of its topics and
    regions: a brief with hundreds of them would take minutes and gigabytes."""

    def limited(node) -> tuple[str, ...]:
        if isinstance(node, Sequence) and len(node.items) > count:
            raise FieldError(
                f"expected at most {count} {what}, found {len(node.items)}"
            )
        values = convert(node)
        if len(values) > count:
            raise FieldError(f"expected at most {count} {what}, found {len(values)}")
        return values

    return limited


def optional_list(node) -> tuple[str, ...]:
    """Like text_list, but an empty list means none."""
    if isinstance(node, Sequence) and not node.items:
        return ()
    return text_list(node)


def comma_parts(text: str) -> list[str]:
    """The non-empty parts of a text between its commas, trimmed."""
    return [part.strip() for part in text.split(",") if part.strip()]


def topic_list(node) -> tuple[str, ...]:
    """Like optional_list, but one text is split at its commas, as Pelican
    reads `tags: Japan, Trade` (a comma inside a topic: write a list)."""
    if isinstance(node, Scalar) and not node.is_null and "," in node.value:
        parts = comma_parts(node.value)
        topics = [Scalar(part, node.line, plain=False) for part in parts]
        if not topics:
            raise FieldError(
                f"expected a topic or a list of topics, found '{shorten(node.value)}'"
            )
        return text_list(Sequence(topics, node.line))
    return optional_list(node)


# The years a brief's date may have: another is a typo (0024, 2204), and
# would stretch the yearly charts over centuries.
YEARS = range(1900, 2101)


def iso_date(node) -> datetime:
    """ISO 8601 only: YYYY-MM-DD or a date-time; nothing is filled in."""
    if not isinstance(node, Scalar) or node.is_null:
        raise FieldError(f"expected a date like 2024-03-20, found {kind_of(node)}")
    value = node.value.strip()
    try:
        if _DATE.match(value):
            day = date.fromisoformat(value)
            moment = datetime(day.year, day.month, day.day)
        elif _DATETIME.match(value):
            moment = datetime.fromisoformat(value.replace(" ", "T", 1))
        else:
            raise FieldError(
                "expected a date like 2024-03-20 or 2024-03-20T09:30:00+09:00, "
                f"found '{shorten(value)}'"
            )
    except ValueError as exc:
        raise FieldError(f"'{shorten(value)}' is not a real date ({exc})") from None
    if moment.year not in YEARS:
        raise FieldError(
            f"'{shorten(value)}': expected a year from {YEARS.start} to "
            f"{YEARS.stop - 1}"
        )
    return moment


def slug(node) -> str:
    value = text(node)
    if not SLUG_PATTERN.match(value):
        raise FieldError(
            "expected lowercase letters, digits and single hyphens "
            f"(like 'water-policy'), found '{shorten(value)}'"
        )
    return value


def doi(node) -> str:
    """A bare DOI such as 10.1234/abcd.5678 (the address is built from it)."""
    value = text(node)
    lowered = value.lower()
    prefix = next((p for p in _DOI_PREFIXES if lowered.startswith(p)), None)
    if prefix is not None:
        raise FieldError(
            f"expected the DOI alone, like {value[len(prefix) :].strip()}, "
            f"found '{shorten(value)}'; leave out '{value[: len(prefix)]}'"
        )
    if not _DOI.match(value):
        raise FieldError(
            "expected a DOI like 10.1234/abcd.5678 (10., digits, a slash, then "
            f"letters, digits or -._;()/:), found '{shorten(value)}'"
        )
    return value


def flag(node) -> bool:
    """true or false, unquoted (YAML 1.2's spellings). yes/no, on/off and 1/0
    are refused: everywhere else they stay text, never a boolean."""
    if isinstance(node, Scalar) and node.plain and not node.is_null:
        value = node.value.strip()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    found = kind_of(node)
    if isinstance(node, Scalar) and not node.plain:
        found = f"the text {found} in quotes"
    raise FieldError(f"expected true or false, found {found}")


def choice(*allowed: str):
    def convert(node) -> str:
        value = text(node)
        if value not in allowed:
            options = " or ".join(f"'{a}'" for a in allowed)
            raise FieldError(f"expected {options}, found '{shorten(value)}'")
        return value

    return convert


def content_path(node) -> str:
    """A relative path inside content/, written with forward slashes."""
    value = text(node)
    path = PurePosixPath(value)
    if _WEB_ADDRESS.match(value):
        raise FieldError(
            f"'{shorten(value)}' is an address on the web, and files from other "
            "sites are not allowed (the site must work offline); save the file "
            "under content/ and give its path, like images/map.jpg"
        )
    if "\\" in value or path.is_absolute() or ".." in path.parts:
        raise FieldError(
            f"expected a path inside content/ like images/map.jpg, found '{value}'"
        )
    if special := [c for c in URL_SPECIAL if c in value]:
        raise FieldError(
            f"'{value}': a file name with '{special[0]}' cannot be linked (browsers "
            "read it as part of the address); rename the file"
        )
    if any(part.startswith(".") for part in path.parts):
        raise FieldError(
            f"'{value}' is a hidden file or folder, and hidden files are never "
            "published; rename it"
        )
    return str(path)


def image_path(node) -> str:
    value = content_path(node)
    if PurePosixPath(value).suffix.lower() not in IMAGE_SUFFIXES:
        allowed = ", ".join(sorted(IMAGE_SUFFIXES))
        raise FieldError(f"expected an image file ({allowed}), found '{value}'")
    return value


def links(node) -> tuple[tuple[str, str], ...]:
    """A mapping of label → https/mailto address."""
    if not isinstance(node, Mapping):
        raise FieldError(f"expected label: address pairs, found {kind_of(node)}")
    result, wrong = [], []
    for key, value in node.pairs:
        address = text(value)
        if not address.startswith(("https://", "http://", "mailto:")):
            wrong.append(
                f"'{shorten(key.value)}': expected an address starting with "
                f"https://, found '{shorten(address)}'"
            )
        result.append((text(key), address))
    if wrong:  # every one at once, in one line
        raise FieldError("; ".join(wrong))
    return tuple(result)


def site_address(node) -> str:
    """An address of a page of this site, as written in links: a path from the
    site root to an .html file (briefs/old-name.html)."""
    value = text(node)
    parts = value.split("/")
    if value.startswith(("/", "\\")) or "://" in value or ".." in parts:
        raise FieldError(
            f"'{shorten(value)}' is outside the site; write the address from "
            "the site root, like briefs/old-name.html"
        )
    if not all(_ADDRESS_PART.match(part) for part in parts):
        raise FieldError(
            f"expected an address like briefs/old-name.html (letters, digits, "
            f"'.', '_', '-', '~' and '/'), found '{shorten(value)}'"
        )
    if not value.endswith(".html"):
        raise FieldError(
            f"'{shorten(value)}' must end in .html: every address of the site "
            "names a file"
        )
    if any(len(part) > MAX_SLUG_LENGTH for part in parts):
        raise FieldError(
            f"'{shorten(value)}' has a part longer than {MAX_SLUG_LENGTH} "
            "characters, more than a file name may have"
        )
    if len(value) > MAX_ADDRESS_LENGTH:
        raise FieldError(
            f"'{shorten(value)}' is {len(value):,} characters long, at most "
            f"{MAX_ADDRESS_LENGTH:,}; use a shorter address"
        )
    if file_like := next(
        (part for part in parts[:-1] if "." in part or part.casefold() in _DOTLESS),
        None,
    ):
        raise FieldError(
            f"'{shorten(value)}' lies in a folder named '{shorten(file_like)}', a "
            "name the site may give a file; expected folders without '.', like "
            "briefs/old-name.html"
        )
    return value


def site_addresses(node) -> tuple[str, ...]:
    """A list of site addresses (one is also accepted); duplicates refused."""
    if isinstance(node, Sequence) and not node.items:
        return ()
    items = node.items if isinstance(node, Sequence) else [node]
    values: dict[str, None] = {}
    for item in items:
        value = site_address(item)
        if value in values:
            raise FieldError(f"'{shorten(value)}' is listed twice")
        values[value] = None
    return tuple(values)
