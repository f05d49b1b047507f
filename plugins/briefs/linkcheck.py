"""Check every link of a built site against its file tree, with no server.

Pelican's preview server (and GitHub Pages) quietly serve `x.html` for `/x`
and `index.html` for a folder, so a site can look fine online and break when
opened from disk or from a sub-path. This checker resolves links the way a
browser does for `file://`: a local link must name an existing file, relative
to the page. Feeds and sitemaps are checked too, resolved from their own
location (RFC 4287 / xml:base).

Rules:
- `#frag` and `page.html#frag` must match an `id` (or `<a name>`) on that page;
- a relative link must resolve inside the site to a file: not a folder, not a
  path ending in `/`;
- a root-absolute link (`/x`) is an error: it breaks from disk and under a
  GitHub Pages sub-path;
- `<a href>` may point at other hosts (links in body text), but nothing the
  browser loads by itself (images, scripts, stylesheets, icons, frames, media,
  CSS `url()` and `@import`) may come from another host;
- with `site_url` (production), absolute URLs under it are local files, and
  pages must still use relative links except in `<link rel=canonical>` and
  similar head links; feeds and sitemaps may use absolute URLs freely;
- a page served at any depth (ANY_DEPTH_PAGES: GitHub Pages' 404.html, for
  every missing address) links only by absolute URLs (or `#frag`) and loads
  nothing at all: a relative link would resolve against the missing address;
- `mailto:`, `tel:`, `data:` and `javascript:` URLs are ignored; query strings
  are stripped and `%xx` escapes decoded before looking a file up.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .cache import Pickled
from .sitefiles import NOT_FOUND

logger = logging.getLogger(__name__)

PARALLEL_FROM = 500  # files; below this, starting processes costs more

# Pages the host serves in place of any missing address (briefs.notfound).
ANY_DEPTH_PAGES = frozenset({NOT_FOUND})

IGNORED_SCHEMES = frozenset({"mailto", "tel", "data", "javascript", "about"})

# <link rel=...> values that name a document to navigate to or describe, not
# something the browser fetches while rendering the page.
NAVIGATION_RELS = frozenset(
    {
        "alternate",
        "author",
        "bookmark",
        "canonical",
        "help",
        "license",
        "me",
        "next",
        "prev",
        "search",
    }
)

# (tag, attribute) pairs whose URL the browser loads while rendering.
ASSET_ATTRIBUTES = frozenset(
    {
        ("audio", "src"),
        ("embed", "src"),
        ("iframe", "src"),
        ("image", "href"),
        ("img", "src"),
        ("input", "src"),
        ("object", "data"),
        ("script", "src"),
        ("source", "src"),
        ("track", "src"),
        ("use", "href"),
        ("video", "poster"),
        ("video", "src"),
    }
)
NAVIGATION_ATTRIBUTES = frozenset({("a", "href"), ("area", "href"), ("form", "action")})
SRCSET_TAGS = frozenset({"img", "source"})

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

CSS_URL = re.compile(
    r"""@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1|url\(\s*(['"]?)([^'")]+)\3\s*\)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BrokenLink:
    """One broken reference: the file it is in, the URL as written, and why;
    and, when it names one, the path it resolves to from the site's root
    (`path`: "" for its own page) and the id it asks for there."""

    page: str
    target: str
    reason: str
    path: str | None = None
    fragment: str | None = None

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


class Reference(NamedTuple):
    """A URL found in a file, with how it is used (a named tuple: a site
    has hundreds of thousands, each made, hashed and pickled)."""

    url: str
    asset: bool  # loaded by the browser while rendering (else navigated to)
    absolute_ok: bool = False  # may name this site by its absolute URL
    base: str | None = None  # file the URL is relative to (default: the page)


@dataclass
class PageLinks:
    """What one file offers (ids) and uses (references): all the link check
    needs of it, so it can be read where the file is made and kept."""

    ids: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    problems: list[BrokenLink] = field(default_factory=list)
    # The references resolved (Resolver.resolve), in their place: Target's
    # fields as plain tuples (a page's pickle takes a fifth of the time).
    targets: list[tuple[str, str | None, str | None, str | None]] | None = None


def split_srcset(value: str) -> list[str]:
    """The URLs of a srcset, parsed as the HTML spec does.

    Candidates are `url [descriptors]` separated by commas; a comma inside a
    URL does not end it, a comma right after a URL does, and descriptors end
    at the next comma outside parentheses.
    """
    urls = []
    position, end = 0, len(value)
    while position < end:
        while position < end and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < end and not value[position].isspace():
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while position < end and (value[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[position], 0)
                position += 1
        if url:
            urls.append(url)
    return urls


def css_urls(text: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(text)]


# The elements that may hold an id or a URL, for lexbor's selector engine
# (:is() lists each element once, whichever attributes it has).
_LINKING = (
    ":is([id], a[name], [style], [href], [src], [srcset], [action], [poster],"
    " [data], [xlink\\:href], style)"
)


_NAVIGATE, _LOAD, _SRCSET = 1, 2, 3


def _url_attributes() -> dict[str, dict[str, int]]:
    """Per element, how the browser uses each attribute that holds a URL
    (looked up by tag, then name: no pair is made per attribute)."""
    roles: dict[str, dict[str, int]] = {}
    svg_links = {("image", "xlink:href"), ("use", "xlink:href")}
    for pairs, role in (
        (NAVIGATION_ATTRIBUTES, _NAVIGATE),
        (ASSET_ATTRIBUTES | svg_links, _LOAD),
        ({(tag, "srcset") for tag in SRCSET_TAGS}, _SRCSET),
    ):
        for tag, name in pairs:
            roles.setdefault(tag, {})[name] = role
    return roles


_URL_ATTRIBUTES = _url_attributes()


def collect_html(
    page: PageLinks,
    text: str,
    mark: str | None = None,
    pieces: Sequence[PageLinks] = (),
    marks: list | None = None,
) -> None:
    """Ids and references of one HTML document or fragment, as a browser
    parses it (lexbor, an HTML5 parser in C: comments, scripts and template
    contents hold no links; attribute values come unescaped).

    Where a piece was cut out of the text (PieceReader), elements with the
    attribute `mark` stand, added to `marks`: the `<wbr>` whose mark is k
    takes the ids and references of `pieces[k]`, in its place.
    """
    if "<" not in text:
        return  # no element (a feed entry's plain summary): nothing to parse
    ids = page.ids
    references = page.references

    def add_css(css: str):
        references.extend(Reference(url, True) for url in css_urls(css))

    selector = _LINKING if mark is None else f"{_LINKING[:-1]}, [{mark}])"
    for node in LexborHTMLParser(text).css(selector):
        tag = node.tag
        attributes = node.attributes
        if mark is not None and mark in attributes:
            marks.append(node)
            if tag == "wbr":  # (its value is the number PieceReader wrote)
                piece = pieces[int(attributes[mark])]
                ids.update(piece.ids)
                references.extend(piece.references)
            continue
        if tag == "style":
            add_css(node.text(deep=True))
        if attributes.get("id") is not None:
            ids.add(attributes["id"])
        if tag == "a" and attributes.get("name") is not None:
            ids.add(attributes["name"])
        if attributes.get("style") is not None:
            add_css(attributes["style"])
        if tag == "link" and attributes.get("href") is not None:
            rels = set((attributes.get("rel") or "").lower().split())
            navigation = bool(rels) and rels <= NAVIGATION_RELS
            references.append(Reference(attributes["href"], not navigation, navigation))
        roles = _URL_ATTRIBUTES.get(tag)
        if roles is None:
            continue
        for name, value in attributes.items():
            role = roles.get(name)
            if role is None or value is None:
                continue
            if role == _SRCSET:
                references.extend(Reference(url, True) for url in split_srcset(value))
            else:
                references.append(Reference(value, role == _LOAD))


def _kind(rel: str) -> str | None:
    suffix = posixpath.splitext(rel)[1].lower()
    return {".html": "html", ".htm": "html", ".xml": "xml", ".css": "css"}.get(suffix)


def is_checked(rel: str) -> bool:
    """Whether a file of the site has links to check (HTML, XML, CSS)."""
    return _kind(rel) is not None


def _read(where: tuple[Path, str]) -> PageLinks:
    """The ids and references of one file (`root`, `rel`) of the site."""
    root, rel = where
    return read_page(rel, (root / rel).read_text(encoding="utf-8", errors="replace"))


def read_page(rel: str, text: str) -> PageLinks:
    """The ids and references of one file of the site, from its text."""
    kind = _kind(rel)
    page = PageLinks()
    if kind == "html":
        collect_html(page, text)
        if rel in ANY_DEPTH_PAGES:
            _served_at_any_depth(page, rel)
    elif kind == "xml":
        _read_xml(page, rel, text)
    else:
        page.references.extend(Reference(url, True) for url in css_urls(text))
    return page


# What a piece may hold (PieceReader): text, and tags whose attribute values
# hold no < or > (so every tag in it is one: none hides in a value); it
# starts with a start tag (text could end a tag or comment of the page).
# Possessive throughout: a text run and a tag never start alike, so a piece
# that fails fails at once.
_ATTRIBUTE = (
    r"""[^\t\n\f\r "'/<=>]++(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"""
    r"""(?:"[^"<>]*+"|'[^'<>]*+'|[^\t\n\f\r "'<=>`]++))?+"""
)
_TAG = re.compile(
    rf"<(/?)([A-Za-z][^\t\n\f\r /<>]*+)(?:[\t\n\f\r ]++{_ATTRIBUTE})*+"
    r"[\t\n\f\r ]*+(/?)>"
)
_PLAIN = re.compile(rf"(?=[\t\n\f\r ]*+<[A-Za-z])(?:[^<]++|{_TAG.pattern})*+")
# Elements a piece may not hold: comments and raw text (their tags are not
# tags), template and select contents (not part of the page's tree as
# read), and what the parser takes differently after what came before the
# piece (merged into the page's own root, head or body; kept in the head;
# kept only inside a table); a <form> is handled apart (PieceReader.read).
_REFUSED = re.compile(
    r"<[!?]|<(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript"
    r"|plaintext|template|select|html|head|body|frame|frameset|base|basefont"
    r"|bgsound|link|meta|table|tr|td|th|tbody|thead|tfoot|caption|col|colgroup)"
    r"[\t\n\f\r />]",
    re.IGNORECASE,
)
_FORM_TAG = re.compile(r"<form[\t\n\f\r />]", re.IGNORECASE)
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
_FOREIGN = frozenset({"svg", "math"})
# In SVG or MathML, start tags that end them (the parser goes back to HTML),
# and the elements whose content is HTML again: a piece holding either is
# not cut (_balanced).
_BREAKOUT = frozenset(
    {
        "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div",
        "dl", "dt", "em", "embed", "font", "h1", "h2", "h3", "h4", "h5", "h6",
        "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol",
        "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub",
        "sup", "table", "tt", "u", "ul", "var",
    }
)  # fmt: skip
_INTEGRATION = frozenset(
    {
        "foreignobject",
        "desc",
        "title",
        "mi",
        "mo",
        "mn",
        "ms",
        "mtext",
        "annotation-xml",
    }
)
# A frameset replaces the body unless something came before it in the body,
# and the cut marks would count as that something: such a page is read whole.
_FRAMESET = re.compile("<frameset", re.IGNORECASE)


class PieceReader:
    """Reads the links of pages made partly of pieces that many pages share
    (the header, footer and sidebars of fragments.py): each piece is read
    once, and each page's own text with the pieces cut out.

    What it finds is what reading the whole page finds once resolved: the
    same ids, and the same targets in the same order (the references may
    differ by repeats of earlier ones: the parser copies open formatting
    elements, links among them, into the blocks a piece opens).

    A piece is cut only if it reads the same wherever the parser stands
    between the HTML elements of a page body:
    - it is whole tags and text, starting with a tag, none hidden in an
      attribute value (_PLAIN);
    - it closes what it opens and nothing else, and holds no SVG or MathML
      element that takes the parser back to HTML (_balanced);
    - it holds no comment, raw text, template or select, nor a tag the
      parser takes by what came before (_REFUSED), nor a form when a form
      comes before it in the page (the parser would ignore it).
    Any other piece is left in the page's text. At each cut piece's place
    stand a `<wbr>` and a `<td>`, carrying an attribute no text can know
    whose value names the piece. The `<wbr>` must be found as written and
    outside SVG and MathML, and the `<td>` not at all: a mark in a comment,
    raw text, a template or a tag is not found as an element (or a tag of
    the page takes it as an attribute); in a table the `<td>` is kept. A
    page with a frameset (which the marks would stop) is read whole, and so
    is a page whose pieces are not in it as they are.
    """

    LIMIT = 256  # pieces kept; a build has a few dozen (one per place)

    def __init__(self):
        self.mark = f"data-piece-{secrets.token_hex(8)}"
        self._pieces: dict[str, _Piece | None] = {}

    def read(self, rel: str, text: str, pieces: Sequence[str]) -> PageLinks:
        """The ids and references of the file `rel`, whose text holds each
        of `pieces` as it is."""
        if _kind(rel) != "html" or rel in ANY_DEPTH_PAGES or _FRAMESET.search(text):
            return read_page(rel, text)
        cuts = [
            (start, stop, links)
            for start, stop, piece in self._cuts(text, pieces) or ()
            if (links := self._links_of(piece)) is not None
            and not (links.form and _FORM_TAG.search(text, 0, start))
        ]
        if not cuts:
            return read_page(rel, text)
        rest = [text[: cuts[0][0]]]
        for number, (_, stop, _) in enumerate(cuts):
            rest.append(f'<wbr {self.mark}="{number}"><td {self.mark}="{number}">')
            following = cuts[number + 1][0] if number + 1 < len(cuts) else len(text)
            rest.append(text[stop:following])
        page = PageLinks()
        marks: list = []
        collect_html(page, "".join(rest), self.mark, [c[2] for c in cuts], marks)
        if not self._marked(marks, len(cuts)):
            return read_page(rel, text)
        return page

    def _cuts(
        self, text: str, pieces: Sequence[str]
    ) -> list[tuple[int, int, str]] | None:
        """Where each piece with a tag stands in `text`, in order; a piece
        inside another (a fragment of a fragment) goes with it. None: a
        piece is missing, or two overlap."""
        spans = []
        after = 0  # pieces are mostly shown in the order they are made
        for piece in pieces:
            if "<" in piece:
                start = text.find(piece, after)
                if start < 0 and (start := text.find(piece)) < 0:
                    return None
                after = start + len(piece)
                spans.append((start, after, piece))
        spans.sort()
        cuts: list[tuple[int, int, str]] = []
        for start, stop, piece in spans:
            if cuts and stop <= cuts[-1][1]:
                continue  # within the last one
            if cuts and start < cuts[-1][1]:
                return None
            cuts.append((start, stop, piece))
        return cuts

    def _marked(self, marks: list, count: int) -> bool:
        """Whether each of `count` cuts has its `<wbr>`, as written and
        outside SVG and MathML, and nothing else carries the mark: not its
        `<td>` (dropped, unless in a table), nor a tag of the page that took
        the mark as an attribute."""
        return (
            len(marks) == count
            and all(
                node.tag == "wbr"
                and node.attributes == {self.mark: node.attributes.get(self.mark)}
                for node in marks
            )
            and _outside_foreign_content(marks)
        )

    def _links_of(self, piece: str) -> _Piece | None:
        """A piece's links; None when it cannot be cut."""
        if piece not in self._pieces:
            if len(self._pieces) >= self.LIMIT:
                self._pieces.clear()
            links = None
            if (
                _PLAIN.fullmatch(piece)
                and not _REFUSED.search(piece)
                and _balanced(piece)
            ):
                links = _Piece(form=bool(_FORM_TAG.search(piece)))
                collect_html(links, piece)
            self._pieces[piece] = links
        return self._pieces[piece]


def _outside_foreign_content(nodes: list) -> bool:
    """Whether no node has an SVG or MathML ancestor (each ancestor is
    looked at once, however many nodes share it)."""
    clear: set[int] = set()  # nodes known to have none
    for node in nodes:
        path = []
        while node is not None and node.mem_id not in clear:
            if node.tag in _FOREIGN:
                return False
            path.append(node.mem_id)
            node = node.parent
        clear.update(path)
    return True


@dataclass
class _Piece(PageLinks):
    """A piece's links, and whether it holds a form."""

    form: bool = False


def _balanced(piece: str) -> bool:
    """Whether a piece (_PLAIN) closes each element it opens, and nothing it
    did not open (a stray end tag could close an element of the page). In
    HTML "/>" closes nothing; in SVG and MathML it does, end tags must close
    the innermost element, and a tag that would take the parser back to
    HTML (_BREAKOUT, _INTEGRATION) is not let through."""
    open_elements: dict[str, int] = {}
    foreign: list[str] = []  # the SVG and MathML elements open, innermost last
    for match in _TAG.finditer(piece):
        end, name, closed = match[1], match[2], match[3]
        if not name.isascii():
            return False  # the parser lowers ASCII letters alone (K, İ)
        name = name.lower()
        if foreign:
            if end:
                if name != foreign[-1]:
                    return False
                foreign.pop()
            elif name in _BREAKOUT or name in _INTEGRATION:
                return False
            elif not closed:
                foreign.append(name)
        elif end:
            if not open_elements.get(name):
                return False
            open_elements[name] -= 1
        elif name in _FOREIGN:
            if not closed:
                foreign.append(name)
        elif name not in _VOID:
            open_elements[name] = open_elements.get(name, 0) + 1
    return not foreign and not any(open_elements.values())


def _served_at_any_depth(page: PageLinks, rel: str) -> None:
    """Keep the absolute links of a page served at any depth (they may name
    this site); any other reference is a problem."""
    kept = []
    for reference in page.references:
        url = reference.url.strip()
        if urlsplit(url).scheme.lower() in IGNORED_SCHEMES:
            continue  # data:, mailto:...: nothing to load from an address
        if reference.asset:
            reason = "loaded by a page served at any depth (inline it instead)"
        elif url.startswith("#") or urlsplit(url).scheme:
            kept.append(reference._replace(absolute_ok=True))
            continue
        else:
            reason = (
                "relative link on a page served at any depth (use the absolute address)"
            )
        page.problems.append(BrokenLink(rel, reference.url, reason))
    page.references = kept


def _read_xml(page: PageLinks, rel: str, text: str) -> None:
    """Links of an Atom feed (and links inside its HTML content) or a sitemap."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        page.problems.append(BrokenLink(rel, "-", f"invalid XML ({exc})"))
        return

    def walk(element: ET.Element, base: str | None):
        if XML_BASE in element.attrib:
            base = _join_base(base, element.attrib[XML_BASE])
        if element.tag == f"{ATOM}link" and "href" in element.attrib:
            page.references.append(
                Reference(
                    element.attrib["href"], asset=False, absolute_ok=True, base=base
                )
            )
        elif element.tag in (f"{ATOM}icon", f"{ATOM}logo", f"{SITEMAP}loc"):
            page.references.append(
                Reference(
                    (element.text or "").strip(),
                    asset=element.tag != f"{SITEMAP}loc",
                    absolute_ok=True,
                    base=base,
                )
            )
        elif element.tag in (f"{ATOM}content", f"{ATOM}summary") and (
            element.get("type") == "html"
        ):
            content = PageLinks()
            collect_html(content, element.text or "")
            page.references.extend(
                Reference(r.url, r.asset, True, base) for r in content.references
            )
            return
        for child in element:
            walk(child, base)

    walk(root, None)


def _join_base(base: str | None, value: str) -> str:
    """Combine nested xml:base values (absolute URLs or relative paths)."""
    if base is None or urlsplit(value).scheme:
        return value
    if urlsplit(base).scheme:
        return urljoin(base, value)
    return posixpath.join(posixpath.dirname(base), value)


def folders_of(files) -> set[str]:
    """Every folder (site-relative, "" for the root) that holds `files`."""
    folders = {""}
    for rel in files:
        parent = posixpath.dirname(rel)
        while parent and parent not in folders:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    return folders


def _page(kept: PageLinks | Pickled) -> PageLinks:
    return kept.value() if isinstance(kept, Pickled) else kept


class Target(NamedTuple):
    """Where a reference leads, worked out from its page's folder alone:
    broken whatever the site holds (`reason`, and the `path` it names when
    it names one), nothing to look up (no `path`), this very page (`path`
    ""), or a file of the site (`path`) that must exist, with the id it
    must have (`fragment`, or None)."""

    url: str  # as written (for the message)
    reason: str | None = None
    path: str | None = None
    fragment: str | None = None


# A slash written %2F is a slash to some servers and part of the file's name
# to others, and to a browser reading from disk (which finds no such file).
_ENCODED_SLASH = re.compile("%2f", re.IGNORECASE)
ENCODED_SLASH = "encoded slash (%2F) in the path: from disk it names no file"


class Resolver:
    """Resolves the references of pages against their folders, as a browser
    does (no file is looked at): the same links stand on thousands of
    pages of one folder, so each is worked out once (up to MEMO_LIMIT,
    then all are forgotten: most of a body's links stand on one page only)."""

    MEMO_LIMIT = 20_000  # about 8 MB (a worker met 49,000 at 5,000 briefs)

    def __init__(self, site_url: str | None = None):
        self.site_url = _normalise_site_url(site_url)
        self._memo: dict[tuple[str, Reference], Target] = {}

    def resolve(self, rel: str, page: PageLinks) -> PageLinks:
        """`page` (of the file `rel`) with its references resolved: each
        distinct target once, in the order first found."""
        folder = posixpath.dirname(rel)
        memo = self._memo
        targets = {}
        for reference in page.references:
            key = (folder, reference)
            target = memo.get(key)
            if target is None:
                if len(memo) >= self.MEMO_LIMIT:
                    memo.clear()
                target = memo[key] = tuple(self.target(folder, reference))
            targets[target] = None
        page.targets = list(targets)
        page.references = []
        return page

    def target(self, folder: str, ref: Reference) -> Target:
        """Where `ref`, found in a file of `folder`, leads."""
        url = ref.url.strip()
        if not url:
            return Target(ref.url, "empty URL" if ref.asset else None)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in IGNORED_SCHEMES:
            return Target(ref.url)
        base = ref.base
        if base is not None and not scheme and not url.startswith("/"):
            # Relative to xml:base: absolute base → treat as an absolute URL.
            joined = _join_base(base, url)
            if urlsplit(joined).scheme:
                absolute = self.target(folder, Reference(joined, ref.asset, True))
                return absolute._replace(url=ref.url)
            return self._local(folder, joined, ref)
        if scheme or parts.netloc:
            local = self._under_site(url)
            if local is None:
                return Target(ref.url, _external(parts, ref))
            if not ref.absolute_ok:
                return Target(
                    ref.url, "absolute URL to this site (use a relative link)"
                )
            if _ENCODED_SLASH.search(local):
                return Target(ref.url, ENCODED_SLASH)
            return _in_site(_normalise(unquote(local)), parts.fragment, ref)
        if url.startswith("/"):
            return Target(
                ref.url, "root-absolute link (breaks from disk and under a sub-path)"
            )
        return self._local(folder, url, ref)

    def _local(self, folder: str, url: str, ref: Reference) -> Target:
        parts = urlsplit(url)
        if not parts.path:  # "#frag" or "?q": this page
            return Target(ref.url, path="", fragment=parts.fragment)
        if _ENCODED_SLASH.search(parts.path):
            return Target(ref.url, ENCODED_SLASH)
        path = posixpath.join(folder, unquote(parts.path))
        return _in_site(_normalise(path), parts.fragment, ref)

    def _under_site(self, url: str) -> str | None:
        """The site-relative path of an absolute URL into this site, as
        written (percent-encoded), or None.

        The site root itself (`SITEURL` or `SITEURL/`) comes back as "/", a
        folder.
        """
        if not self.site_url:
            return None
        parts = urlsplit(url)
        site = urlsplit(self.site_url)
        if parts.scheme.lower() not in ("http", "https", ""):
            return None
        if parts.netloc.lower() != site.netloc.lower():
            return None
        site_path = site.path.rstrip("/") + "/"
        if parts.path in (site_path, site_path[:-1]):
            return "/"
        if not parts.path.startswith(site_path):
            return None
        return parts.path[len(site_path) :]


def _in_site(path: str, fragment: str, ref: Reference) -> Target:
    """A target inside the site, or why it cannot be one (with the path it
    names, for the report: linkreport)."""
    if path == ".." or path.startswith("../"):
        return Target(ref.url, "points outside the site", path)
    if path.endswith("/"):
        return Target(ref.url, "links to a folder, not a file", path)
    return Target(
        ref.url, path=path, fragment=fragment if fragment and not ref.asset else None
    )


class SiteChecker:
    """Looks the targets of every page up among the site's files."""

    def __init__(
        self,
        files: set[str],
        pages: dict,
        site_url: str | None = None,
        load=None,
    ):
        """`pages`: the files to check, with their links (PageLinks, or kept
        Pickled: each is read when its turn comes); `load(rel)` gives the
        links of another file when a fragment of it is linked to."""
        self.resolver = Resolver(site_url)
        self.files = set(files)
        self.folders = folders_of(self.files)
        self.pages: dict[str, PageLinks | Pickled] = pages
        self._load = load
        self._ids: dict[str, set[str] | None] = {}  # of fragment link targets
        self._current: tuple[str, PageLinks] | None = None
        # Results by target (path, fragment): whether it is broken, and
        # whether it is a fragment of a file (of another page, usually).
        self._results: dict[tuple[str, str | None], tuple[str | None, bool]] = {}
        self._cross: set[str] = set()

    def has_cross_fragments(self, rel: str) -> bool:
        """Whether `rel` links to a fragment of another file."""
        return rel in self._cross

    @classmethod
    def scan(cls, root: Path, site_url: str | None = None) -> SiteChecker:
        """Read every file of a built site from disk."""
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(f"{root}: no such folder (nothing to check)")
        files: set[str] = set()
        for folder, _, filenames in os.walk(root):
            rel = Path(folder).relative_to(root).as_posix()
            prefix = "" if rel == "." else rel + "/"
            files.update(prefix + name for name in filenames)
        names = sorted(rel for rel in files if _kind(rel))
        paths = [(root, rel) for rel in names]
        if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            pages = list(map(_read, paths))
        else:
            with ProcessPoolExecutor(min(os.cpu_count() or 1, 8)) as pool:
                pages = list(pool.map(_read, paths, chunksize=64))
        return cls(files, dict(zip(names, pages, strict=True)), site_url)

    def run(self) -> list[BrokenLink]:
        broken: list[BrokenLink] = []
        for rel, kept in self.pages.items():
            page = _page(kept)
            if page.targets is None:
                self.resolver.resolve(rel, page)
            self._current = (rel, page)
            broken.extend(page.problems)
            for url, reason, path, fragment in page.targets:
                if reason is None and path is not None:
                    reason = self.check(rel, path, fragment)
                if reason:
                    broken.append(BrokenLink(rel, url, reason, path, fragment))
        logger.info("checked %d files, %d broken links", len(self.pages), len(broken))
        return broken

    def check(self, page: str, path: str, fragment: str | None) -> str | None:
        """Why a link from `page` to the file `path` ("": `page` itself) and
        its `fragment` is broken, or None."""
        if not path:
            return self._check_fragment(page, fragment)
        key = (path, fragment)
        known = self._results.get(key)
        if known is None:
            known = self._results[key] = self._check_file(path, fragment)
        reason, cross = known
        if cross:
            self._cross.add(page)
        return reason

    def _check_file(self, path: str, fragment: str | None) -> tuple[str | None, bool]:
        """Why a link to the file `path` (and its `fragment`) is broken, or
        None; and whether the link is to a fragment of a file."""
        if path in self.folders:
            return "links to a folder, not a file", False
        if path not in self.files:
            return f"file not found ({path})", False
        if fragment is None:
            return None, False
        return self._check_fragment(path, fragment), True

    def _ids_of(self, target: str) -> set[str] | None:
        """The ids of a file (None: not a page, or not known)."""
        if self._current is not None and self._current[0] == target:
            return self._current[1].ids
        if target not in self._ids:
            if target in self.pages:
                page = _page(self.pages[target])
            else:
                page = self._load(target) if self._load is not None else None
            self._ids[target] = page.ids if page is not None else None
        return self._ids[target]

    def _check_fragment(self, target: str, fragment: str) -> str | None:
        fragment = unquote(fragment)
        ids = self._ids_of(target)
        if not fragment or fragment == "top" or ids is None:
            return None
        if target.endswith(".xml") or fragment in ids:
            return None
        return f'no id "{fragment}" in {target}'


def _normalise(path: str) -> str:
    """Collapse `.` and `..`; keep a trailing slash (a folder link)."""
    normal = posixpath.normpath(path) if path else "."
    if normal in (".", "/"):
        return "/"  # the site root: a folder
    return normal + "/" if path.endswith("/") else normal


def _external(parts, ref: Reference) -> str | None:
    if not ref.asset:
        return None
    host = parts.netloc or f"{parts.scheme}:"
    return f"asset from another host ({host})"


def _normalise_site_url(site_url: str | None) -> str | None:
    if not site_url or not urlsplit(site_url).scheme:
        return None
    return site_url.rstrip("/")


def check_site(root: Path, site_url: str | None = None) -> list[BrokenLink]:
    """Every broken link, asset reference and feed link under `root`.

    `site_url` is the production SITEURL: absolute URLs under it are checked
    as local files. Without it (development builds) they count as external.
    """
    return SiteChecker.scan(root, site_url).run()
