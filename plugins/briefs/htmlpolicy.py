"""Rendered Markdown (bodies, bios, descriptions) against an allowlist; pure.

Bodies arrive by pull request from guests too, and Markdown passes raw HTML
and attribute lists (`{: onclick=... }`) through untouched. Nothing is
stripped: a sanitiser re-serialises what it keeps and silently changes the
page. Instead the parsed tree is walked and everything outside the allowlist
is refused, so the build fails naming it, and HTML that passes is published
exactly as rendered. The allowlist follows ammonia/nh3's defaults, narrowed to
what a brief needs, plus what Python-Markdown's extensions write with the
project's MARKDOWN settings (tables' `style="text-align: ..."`, footnote,
codehilite and toc classes and ids).

The walk uses Python's own HTML parser with character references left
undecoded in text, so that anything it could not read as a tag (which a
browser might) is refused too, and so are comments holding '<' or '>' (a
browser may end a comment earlier than the parser: `<!-->`, `--!>`).

Most bodies hold no raw HTML: their HTML is all as Python-Markdown writes
it (lowercase tags, double-quoted attributes, every other `<` and `&`
escaped). Such HTML is read by regular expressions instead, in C, into the
same calls of the same checks in the same order; any other HTML, and any
tag the allowlist refuses, is left to the parser. `tests/test_htmlpolicy.py`
compares both readings on real and tricky texts.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser, attrfind_tolerant, tagfind_tolerant
from typing import NamedTuple

from .characters import FORBIDDEN, describe, escaped, first_forbidden

# Every id the theme writes (skip link target, section headings, search
# boxes) starts with this; Markdown's heading ids ([a-z0-9_-]) and footnote
# ids (fn:, fnref:) never do, and a body may not. The theme's scripts find
# their elements by these ids or by data-pb= hooks, never by a class: a body
# may write any class, but no data-* attribute (none is allowed), so it
# cannot pass for the theme's elements.
THEME_ID_PREFIX = "pb:"

ELEMENTS = frozenset(
    {
        # text
        "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del",
        "dfn", "em", "i", "img", "ins", "kbd", "mark", "q", "rp", "rt", "ruby",
        "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
        "var", "wbr",
        # blocks
        "blockquote", "caption", "col", "colgroup", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "li", "ol", "p", "pre", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir"})
ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers", "style"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# Relative addresses feeds rewrite (feeds.py), and that may lead to files.
_REWRITTEN = frozenset({"href", "src"})
# Schemes a link may use, and what a text cites; what a page loads (img src)
# must be a file of the site (it works offline and tells no other host who
# reads it). Everything else (javascript:, data:, file:, vbscript:...) is
# refused.
WEB_SCHEMES = ("http", "https")
LINK_SCHEMES = (*WEB_SCHEMES, "mailto", "tel")
# The only style Markdown writes: the alignment of a table column.
_TABLE_ALIGN = re.compile(r"^\s*text-align:\s*(left|right|center)\s*;?\s*$")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Character references Markdown's serialiser writes in an attribute value.
_PLAIN_REFERENCES = frozenset({"&amp;", "&lt;", "&gt;", "&quot;"})
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")
_LOOKS_LIKE_MARKUP = re.compile(r"<[a-zA-Z/!?]")
_URL_WHITESPACE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True)
class Refusal:
    """What was refused, and text to look for in the source to find its line."""

    message: str
    needles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scan:
    refusals: tuple[Refusal, ...]
    # Local addresses (href/src without a scheme), as the browser reads them.
    links: tuple[str, ...]
    # Where each of them is written in the HTML: the start and end of the
    # text between its quotes, one pair after another (an array: a build
    # keeps thousands): what feeds rewrite (feeds.rebase_links), found by
    # the parse that checked the HTML, never by a text search.
    spans: array = field(default_factory=lambda: array("I"))
    # Every id= value (headings and footnotes get theirs from Markdown).
    ids: tuple[str, ...] = ()


def check_html(html: str) -> list[Refusal]:
    """Everything in `html` outside the allowlist; empty when it may be published."""
    return list(scan_html(html).refusals)


def scan_html(html: str, parse: bool = False) -> Scan:
    """One walk: the refusals, and the local files the HTML links or embeds.
    `parse`: walk it with the parser even when it is all as Markdown
    writes it (what the tests compare with)."""
    walker = _Walker()
    if parse or not walker.walk_serialised(html):
        walker.feed(html)
        walker.close()
    return Scan(
        tuple(walker.refusals), tuple(walker.links), walker.spans, tuple(walker.ids)
    )


def shown(value: str, limit: int = 60) -> str:
    """A value for a one-line message: invisible characters escaped, shortened."""
    value = escaped(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def scheme_of(url: str) -> str | None:
    """The scheme a browser reads: leading spaces and inner tabs/newlines ignored."""
    match = _SCHEME.match(_URL_WHITESPACE.sub("", url.strip(" \t\n\r\f\x00")))
    return match.group(1).lower() if match else None


# HTML as Python-Markdown serialises it: text with no `<`, and `&` only in
# character references ended by `;`; start tags in lowercase, each attribute
# after one space and double-quoted (its `"`, `<`, `>` escaped), then an
# optional space and `/`; end tags bare. The parser reads each such tag or
# reference as one token, as _SERIALISED_TOKEN does.
_NAME = r"[a-z][a-z0-9]*+"
_ATTRIBUTES = r'(?: [a-z][a-z-]*+="[^"<>]*+")*+'
# (No group is captured inside the repeat: Python 3.11's engine fails on a
# captured group inside a possessive one.)
_SERIALISED = re.compile(
    r"(?:[^<&]++|&(?:#[0-9]++|#[xX][0-9a-fA-F]++|[a-zA-Z][a-zA-Z0-9]*+);"
    rf"|<{_NAME}{_ATTRIBUTES} ?/?>|</{_NAME}>)*+"
)
_SERIALISED_TOKEN = re.compile(
    rf"<({_NAME})({_ATTRIBUTES}) ?/?>|&#([0-9]++|[xX][0-9a-fA-F]++);"
)
_SERIALISED_ATTRIBUTE = re.compile(r' ([a-z][a-z-]*+)="([^"]*+)"')


class _RawAttribute(NamedTuple):
    name: str  # lowercase
    value: str | None  # as written, quotes included
    at: int  # where the value starts in its start tag


class _Walker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.refusals: list[Refusal] = []
        self.links: list[str] = []
        self.spans = array("I")
        self.ids: list[str] = []
        self._first_tag: dict[str, str] = {}  # each id, the tag it is first on
        # The spans of the tag being handled, from its start: placed in the
        # whole text once the parser says where the tag began (updatepos).
        self._tag_spans: list[tuple[int, int]] = []
        self._fed = 0  # characters fed so far

    def feed(self, data: str) -> None:
        self._fed += len(data)
        super().feed(data)

    def walk_serialised(self, html: str) -> bool:
        """Walk `html` token by token as the parser would, when it is all as
        Markdown serialises it and every start tag is allowed (so none opens
        raw text: <script>, <style>); else walk nothing and say so."""
        if not _SERIALISED.fullmatch(html):
            return False
        tokens = list(_SERIALISED_TOKEN.finditer(html))
        if not all(token[1] in ELEMENTS for token in tokens if token[1]):
            return False
        for token in tokens:
            tag, attributes, reference = token.groups()
            if reference is not None:
                self.handle_charref(reference)
            elif attributes:  # (an allowed tag with none has nothing to check)
                attrs = [
                    (name, unescape(value))
                    for name, value in _SERIALISED_ATTRIBUTE.findall(attributes)
                ]
                self._start(tag, attrs, token[0])
                if self._tag_spans:
                    self._place_spans(token.start())
        return True

    def updatepos(self, i: int, j: int) -> int:
        """Called after each piece, with where it began (`i`, in the unparsed
        rest of what was fed, self.rawdata). Not the line and column of each
        piece (a newline count a tag): nothing asks for them, a refusal is
        located by its text (locate)."""
        if self._tag_spans:
            self._place_spans(self._fed - len(self.rawdata) + i)
        return j

    def _place_spans(self, at: int) -> None:
        """The spans of the tag just handled, which starts at `at`."""
        for start, end in self._tag_spans:
            self.spans.extend((at + start, at + end))
        self._tag_spans = []

    def refuse(self, message: str, *needles: str) -> None:
        self.refusals.append(Refusal(message, needles))

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, self.get_starttag_text() or "")

    handle_startendtag = handle_starttag

    def _start(self, tag: str, attrs: list, raw: str) -> None:
        """A start tag: its name, attributes (values unescaped) and text."""
        if tag not in ELEMENTS:
            self.refuse(
                f"the HTML element <{tag}> is not allowed; remove it", f"<{tag}"
            )
            return
        allowed = ATTRIBUTES.get(tag, ())
        written = None  # as written: read for an address (most tags have none)
        for index, (name, value) in enumerate(attrs):
            value = value or ""
            if name == "id":
                self.ids.append(value)
                if (first := self._first_tag.get(value)) is None:
                    self._first_tag[value] = tag
                else:
                    self.refuse(
                        f'id="{shown(value)}" is used twice (on <{first}> and '
                        f"<{tag}>; headings and footnotes get ids too); an id "
                        "must be unique on the page; choose another",
                        f'id="{value}"',
                        value,
                    )
            if name not in GLOBAL_ATTRIBUTES and name not in allowed:
                self.refuse(
                    f"the attribute {name}= on <{tag}> is not allowed; remove it", name
                )
            elif name == "style" and not _TABLE_ALIGN.match(value):
                self.refuse(
                    f'style="{shown(value)}" on <{tag}> is not allowed (only the '
                    "column alignment Markdown tables write); remove it",
                    "style",
                )
            elif name == "id" and value.startswith(THEME_ID_PREFIX):
                self.refuse(
                    f'id="{shown(value)}" on <{tag}>: ids starting with '
                    f"'{THEME_ID_PREFIX}' belong to the site's theme; choose another",
                    value,
                )
            elif name in URL_ATTRIBUTES:
                if written is None:
                    written = _raw_attributes(raw)
                if len(written) != len(attrs):  # never: the parser's own reading
                    self.refuse(
                        f"the attributes of <{tag}> could not be read; rewrite it"
                    )
                    return
                self._check_url(tag, name, value, written[index])
            if bad := first_forbidden(value):
                self.refuse(
                    f"the attribute {name}= on <{tag}> contains "
                    f"{describe(bad.group(0))}; remove it",
                    name,
                )

    def _check_url(self, tag: str, name: str, value: str, raw: _RawAttribute) -> None:
        scheme = scheme_of(value)
        allowed = {"href": LINK_SCHEMES, "src": ()}.get(name, WEB_SCHEMES)
        stripped = value.strip()
        written = (raw.value or "").strip("\"'")
        if name == "src" and (
            scheme in WEB_SCHEMES or (scheme is None and stripped.startswith("//"))
        ):
            self.refuse(
                f'src="{shown(value)}" on <{tag}>: an image from another site; '
                "save it under content/images/ and give its path (the site must "
                "work offline and send nothing to other hosts)",
                written,
                value,
            )
        elif scheme is not None and scheme not in allowed:
            self.refuse(
                f'{name}="{shown(value)}" on <{tag}>: {scheme}: addresses are not '
                f"allowed (only {', '.join(s + ':' for s in allowed)}"
                f"{' or ' if allowed else ''}a relative address)",
                written,
                value,
                f"{scheme}:",
            )
        elif scheme is None and (stripped.startswith("//") or "\\" in stripped):
            self.refuse(
                f'{name}="{shown(value)}" on <{tag}>: an address starting with // '
                "or containing \\ leads to another host; write https:// or a "
                "relative address",
                written,
                value,
            )
        elif scheme is None and stripped.startswith("/") and name in _REWRITTEN:
            self.refuse(
                f'{name}="{shown(value)}" on <{tag}>: an address starting with / '
                "breaks when the site is read from disk or under a sub-path; "
                "write it relative to the page, like other-brief.html or "
                "../images/map.png",
                written,
                value,
            )
        elif scheme is None and name in _REWRITTEN:
            if self._check_written_out(tag, name, value, raw.value):
                self._tag_spans.append((raw.at + 1, raw.at + len(raw.value) - 1))
            self.links.append(value)

    def _check_written_out(
        self, tag: str, name: str, value: str, raw: str | None
    ) -> bool:
        """A relative address must be double-quoted and written out: feeds
        rewrite it, and a reader must see where it leads. Whether it is."""
        if raw is None:
            return False
        if not raw.startswith('"'):
            self.refuse(
                f"{name}= on <{tag}> must be written in double quotes "
                f'({name}="{shown(value)}")',
                raw,
                name,
            )
        elif any(ref not in _PLAIN_REFERENCES for ref in _REFERENCE.findall(raw)):
            self.refuse(
                f"{name}={shown(raw)} on <{tag}>: write the address out, without "
                f'character references such as &#46; ({name}="{shown(value)}")',
                raw[1:-1],
                name,
            )
        elif unescape(raw[1:-1]) != value:  # never: the parser's own reading
            self.refuse(f"{name}= on <{tag}> could not be located; rewrite it", name)
        else:
            return True
        return False

    def handle_charref(self, name):
        digits = name[1:] if name[:1] in "xX" else name
        point = int(digits, 16 if name[:1] in "xX" else 10) if digits else 0
        if point > 0x10FFFF or FORBIDDEN.match(chr(point)):
            what = describe(chr(point)) if point <= 0x10FFFF else "nothing"
            self.refuse(
                f"the character reference &#{name}; stands for {what}; remove it",
                f"&#{name}",
            )

    def handle_data(self, data):
        if self.cdata_elem is None and _LOOKS_LIKE_MARKUP.search(data):
            start = _LOOKS_LIKE_MARKUP.search(data).start()
            fragment = data[start : start + 40]
            self.refuse(
                f"'{shown(fragment, 40)}' looks like HTML that cannot be read as a "
                "tag; fix it or write < as &lt;",
                fragment,
            )

    def handle_comment(self, data):
        if "<" in data or ">" in data or "--!" in data:
            self.refuse(
                "an HTML comment containing '<' or '>' is not allowed (a browser "
                "may end it early and run what follows); remove it",
                "<!--",
            )

    def handle_decl(self, decl):
        self.refuse(
            f"the declaration <!{shown(decl, 30)}> is not allowed; remove it", "<!"
        )

    def unknown_decl(self, data):
        self.refuse(
            f"the markup <![{shown(data, 30)}]> is not allowed; remove it", "<![", "<!"
        )

    def handle_pi(self, data):
        self.refuse(f"the markup <?{shown(data, 30)}> is not allowed; remove it", "<?")


def _raw_attributes(raw: str) -> list[_RawAttribute]:
    """The attributes of the start tag `raw` as written, found as the parser
    finds them (HTMLParser.parse_starttag), in its order."""
    found = []
    match = tagfind_tolerant.match(raw, 1)
    position = match.end() if match else len(raw)
    while position < len(raw) and (attribute := attrfind_tolerant.match(raw, position)):
        name, rest, value = attribute.group(1, 2, 3)
        found.append(
            _RawAttribute(
                name.lower(),
                value if rest else None,
                attribute.start(3) if rest else 0,
            )
        )
        position = attribute.end()
    return found


def locate(refusals, text: str) -> list[int | None]:
    """The 1-based line of `text` each refusal most likely comes from: the
    first needle found, repeated refusals of one needle in successive places."""
    folded = text.casefold()
    resume: dict[str, int] = {}
    lines: list[int | None] = []
    for refusal in refusals:
        found = None
        for needle in refusal.needles:
            key = needle.casefold()
            if not key:
                continue
            position = folded.find(key, resume.get(key, 0))
            if position < 0:
                position = folded.find(key)
            if position >= 0:
                resume[key] = position + len(key)
                found = folded.count("\n", 0, position) + 1
                break
        lines.append(found)
    return lines
