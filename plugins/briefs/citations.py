"""Ready-made references to a brief: Chicago and APA text, BibTeX and RIS.

Pure: plain values in (the Brief record, the author records or None for
guest writers, the site's name, the brief's public address or None), text
out. Chicago and APA are plain text that the template escapes; BibTeX and
RIS escape front matter for their own syntax, so no title can break a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .registry import AuthorRecord
from .schema import Brief

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
BIBTEX_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip

# LaTeX specials in a braced BibTeX value. Braces that pair up stay braces,
# escaped (\{ \}, which Zotero and LaTeX read back as braces); BibTeX counts
# braces even after a backslash, so a brace without its pair becomes a
# command instead and never unbalances the entry.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX_ESCAPES)
_UNPAIRED_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
# A name part BibTeX would misread: a comma, or "and" as a word.
_BIBTEX_AMBIGUOUS = re.compile(r",|(?:^|\s)and(?:\s|$)", re.IGNORECASE)
_ENDS_SENTENCE = (".", "?", "!")
RIS_NEWLINE = "\r\n"  # the RIS specification ends lines with CR LF
REPORT_TYPE = "Policy brief"


@dataclass(frozen=True)
class Citation:
    """Everything a brief page and its download files need."""

    # Each reference as (before the title, the title, after it): a page
    # marks the title in the brief's language (a Japanese title in an
    # English reference); `chicago` and `apa` are the three joined.
    chicago_parts: tuple[str, str, str]
    apa_parts: tuple[str, str, str]
    bibtex: str
    ris: str
    bibtex_path: str
    ris_path: str

    @property
    def chicago(self) -> str:
        return "".join(self.chicago_parts)

    @property
    def apa(self) -> str:
        return "".join(self.apa_parts)


def citation_paths(slug: str) -> tuple[str, str]:
    """The .bib and .ris files, beside the brief page (`briefs/<slug>.html`)."""
    return f"briefs/{slug}.bib", f"briefs/{slug}.ris"


def cite(
    brief: Brief,
    authors: Sequence[AuthorRecord | None],
    site_name: str,
    url: str | None,
) -> Citation:
    bibtex_path, ris_path = citation_paths(brief.slug)
    return Citation(
        chicago_parts=chicago_parts(brief, authors, site_name, url),
        apa_parts=apa_parts(brief, authors, site_name, url),
        bibtex=bibtex(brief, authors, site_name, url),
        ris=ris(brief, authors, site_name, url),
        bibtex_path=bibtex_path,
        ris_path=ris_path,
    )


def one_line(value: str) -> str:
    """Any run of whitespace (newlines, tabs, U+2028...) as one space."""
    return " ".join(value.split())


def person_name(name: str, record: AuthorRecord | None) -> tuple[str, str]:
    """(family, given) for citing. The registry's `family`/`given` win;
    with `family` alone the rest of the name is the given name; otherwise
    the last word is the family name. One word: a family name alone."""
    if record is not None and record.family:
        if record.given:
            return record.family, record.given
        return record.family, _rest_of(name, record.family)
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return words[-1], " ".join(words[:-1])


def _rest_of(name: str, family: str) -> str:
    if name.startswith(family + " "):
        return name[len(family) :].strip()
    if name.endswith(" " + family):
        return name[: -len(family)].strip()
    return ""


def _names(brief: Brief, authors: Sequence[AuthorRecord | None]):
    """(name as written, family, given) for every author, in order."""
    return [
        (one_line(name), *map(one_line, person_name(name, record)))
        for name, record in zip(brief.authors, authors, strict=True)
    ]


def _sentence(text: str) -> str:
    """`text` closed by a full stop unless it already ends a sentence."""
    return text if text.endswith(_ENDS_SENTENCE) else text + "."


def _series(items: list[str], conjunction: str) -> str:
    """A; A, and B; A, B, and C (both styles put a comma before the last)."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]


def _link(brief: Brief, url: str | None) -> str | None:
    """A DOI, when there is one, is the lasting address."""
    return f"https://doi.org/{brief.doi}" if brief.doi else url


def _inner_quotes(title: str) -> str:
    """Double quotes inside a quoted title become single quotes (Chicago)."""
    title = title.replace("\u201c", "\u2018").replace("\u201d", "\u2019")
    parts = title.split('"')
    return "".join(
        part + ("" if i == len(parts) - 1 else "\u2018\u2019"[i % 2])
        for i, part in enumerate(parts)
    )


def chicago_parts(
    brief: Brief,
    authors: Sequence[AuthorRecord | None],
    site_name: str,
    url: str | None,
) -> tuple[str, str, str]:
    """Chicago notes-bibliography, web page form, as (before the title, the
    title, after it):
    Family, Given, and Given Family. “Title.” Site, Month D, YYYY. URL"""
    names = _names(brief, authors)
    _, family, given = names[0]
    people = [f"{family}, {given}" if given else family]
    people += [written for written, _, _ in names[1:]]
    day = brief.date
    title = _inner_quotes(one_line(brief.title))
    rest = [f"{one_line(site_name)}, {MONTHS[day.month - 1]} {day.day}, {day.year}."]
    link = _link(brief, url)
    if link:
        rest.append(link)
    return (
        f"{_sentence(_series(people, 'and'))} \u201c",
        title,
        f"{_sentence(title)[len(title) :]}\u201d {' '.join(rest)}",
    )


def initials(given: str) -> str:
    """APA initials: "Thi Lan" → "T. L.", "Jean-Paul" → "J.-P."."""
    words = []
    for word in given.split():
        pieces = [p for p in word.split("-") if p]
        letters = [next((c for c in p if c.isalnum()), p[0]) for p in pieces]
        words.append("-".join(f"{letter.upper()}." for letter in letters))
    return " ".join(words)


def apa_parts(
    brief: Brief,
    authors: Sequence[AuthorRecord | None],
    site_name: str,
    url: str | None,
) -> tuple[str, str, str]:
    """APA 7, web page on a website, as (before the title, the title, after
    it): Family, G., & Family, G. (YYYY, Month D). Title. Site. URL"""
    people = [
        f"{family}, {initials(given)}" if given else family
        for _, family, given in _names(brief, authors)
    ]
    day = brief.date
    title = one_line(brief.title)
    rest = [_sentence(one_line(site_name))]
    link = _link(brief, url)
    if link:
        rest.append(link)
    return (
        f"{_sentence(_series(people, '&'))} "
        f"({day.year}, {MONTHS[day.month - 1]} {day.day}). ",
        title,
        f"{_sentence(title)[len(title) :]} {' '.join(rest)}",
    )


def bibtex_text(value: str) -> str:
    """A value for a braced BibTeX field: LaTeX specials escaped, braces
    never unbalanced, one line, non-ASCII kept as UTF-8."""
    value = one_line(value)
    if "{" not in value and "}" not in value:  # most values: one C call
        return value.translate(_BIBTEX_TABLE)
    paired = _paired_braces(value)
    return "".join(
        ("\\" + char if at in paired else _UNPAIRED_BRACES[char])
        if char in _UNPAIRED_BRACES
        else _BIBTEX_ESCAPES.get(char, char)
        for at, char in enumerate(value)
    )


def _paired_braces(value: str) -> set[int]:
    """Positions of the braces that open and close each other, nested."""
    opened: list[int] = []
    paired: set[int] = set()
    for at, char in enumerate(value):
        if char == "{":
            opened.append(at)
        elif char == "}" and opened:
            paired.update((opened.pop(), at))
    return paired


def _bibtex_part(value: str) -> str:
    escaped = bibtex_text(value)
    return f"{{{escaped}}}" if _BIBTEX_AMBIGUOUS.search(value) else escaped


def _bibtex_person(family: str, given: str) -> str:
    if not given:
        return f"{{{bibtex_text(family)}}}"  # one name: never split
    return f"{_bibtex_part(family)}, {_bibtex_part(given)}"


def bibtex(
    brief: Brief,
    authors: Sequence[AuthorRecord | None],
    site_name: str,
    url: str | None,
) -> str:
    """One @techreport entry keyed by the slug.

    @techreport, not @misc: a policy brief is a report issued by an
    institution, and reference managers import @techreport as a report
    (Zotero's "Report", with the site as institution), keeping the type.
    """
    day = brief.date
    people = " and ".join(
        _bibtex_person(family, given) for _, family, given in _names(brief, authors)
    )
    fields = [
        ("author", f"{{{people}}}"),
        # Inner braces keep the title's capitals as written.
        ("title", f"{{{{{bibtex_text(brief.title)}}}}}"),
        ("institution", f"{{{bibtex_text(site_name)}}}"),
        ("type", f"{{{REPORT_TYPE}}}"),
        ("year", f"{{{day.year}}}"),
        ("month", BIBTEX_MONTHS[day.month - 1]),
        ("date", f"{{{day.date().isoformat()}}}"),
    ]
    if brief.doi:
        fields.append(("doi", f"{{{bibtex_text(brief.doi)}}}"))
    if url:
        fields.append(("url", f"{{{bibtex_text(url)}}}"))
    if brief.summary:
        fields.append(("abstract", f"{{{bibtex_text(brief.summary)}}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@techreport{{{brief.slug},\n{body}\n}}\n"


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {one_line(value)}{RIS_NEWLINE}"


def ris(
    brief: Brief,
    authors: Sequence[AuthorRecord | None],
    site_name: str,
    url: str | None,
) -> str:
    """One RIS record (TY RPRT, a report), one tag per line, CR LF endings."""
    day = brief.date
    lines = [_ris_line("TY", "RPRT")]
    lines += [
        _ris_line("AU", f"{family}, {given}" if given else family)
        for _, family, given in _names(brief, authors)
    ]
    lines += [
        _ris_line("TI", brief.title),
        _ris_line("PB", site_name),
        _ris_line("M3", REPORT_TYPE),
        _ris_line("PY", str(day.year)),
        _ris_line("DA", day.strftime("%Y/%m/%d/")),
    ]
    if brief.summary:
        lines.append(_ris_line("AB", brief.summary))
    lines += [_ris_line("KW", tag) for tag in brief.tags]
    if brief.doi:
        lines.append(_ris_line("DO", brief.doi))
    if url:
        lines.append(_ris_line("UR", url))
    lines.append(_ris_line("ER", ""))
    return "".join(lines)
