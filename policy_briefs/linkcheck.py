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
- `mailto:`, `tel:`, `data:` and `javascript:` URLs are ignored; query strings
  are stripped and `%xx` escapes decoded before looking a file up.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

logger = logging.getLogger(__name__)

PARALLEL_FROM = 500  # files; below this, starting processes costs more

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
    """One broken reference: the file it is in, the URL as written, and why."""

    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


@dataclass(frozen=True)
class Reference:
    """A URL found in a file, with how it is used."""

    url: str
    asset: bool  # loaded by the browser while rendering (else navigated to)
    absolute_ok: bool = False  # may name this site by its absolute URL
    base: str | None = None  # file the URL is relative to (default: the page)


@dataclass
class _Page:
    ids: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    problems: list[BrokenLink] = field(default_factory=list)


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


class _HTMLCollector(HTMLParser):
    """Collects ids and references of one HTML page in a single pass."""

    def __init__(self, page: _Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._collect(tag, attrs)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self._collect(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._add_css(data)

    def _add(self, url: str, asset: bool, absolute_ok: bool = False):
        self.page.references.append(Reference(url, asset, absolute_ok))

    def _add_css(self, text: str):
        for url in css_urls(text):
            self._add(url, asset=True)

    def _collect(self, tag, attrs):
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if "style" in values:
            self._add_css(values["style"])
        if tag == "link" and "href" in values:
            rels = set(values.get("rel", "").lower().split())
            navigation = bool(rels) and rels <= NAVIGATION_RELS
            self._add(values["href"], asset=not navigation, absolute_ok=navigation)
        for name, value in values.items():
            if (tag, name) in NAVIGATION_ATTRIBUTES:
                self._add(value, asset=False)
            elif (tag, name) in ASSET_ATTRIBUTES or (
                tag in ("image", "use") and name == "xlink:href"
            ):
                self._add(value, asset=True)
            elif name == "srcset" and tag in SRCSET_TAGS:
                for url in split_srcset(value):
                    self._add(url, asset=True)


def _kind(rel: str) -> str | None:
    suffix = posixpath.splitext(rel)[1].lower()
    return {".html": "html", ".htm": "html", ".xml": "xml", ".css": "css"}.get(suffix)


def _read(where: tuple[Path, str]) -> _Page:
    """The ids and references of one file (`root`, `rel`) of the site."""
    root, rel = where
    path = root / rel
    kind = _kind(rel)
    if kind == "html":
        return _read_html(path)
    if kind == "xml":
        return _read_xml(path, rel)
    text = path.read_text(encoding="utf-8", errors="replace")
    return _Page(references=[Reference(url, True) for url in css_urls(text)])


def _read_html(path: Path) -> _Page:
    page = _Page()
    parser = _HTMLCollector(page)
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return page


def _read_xml(path: Path, rel: str) -> _Page:
    """Links of an Atom feed (and links inside its HTML content) or a sitemap."""
    page = _Page()
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        page.problems.append(BrokenLink(rel, "-", f"invalid XML ({exc})"))
        return page

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
            content = _Page()
            _HTMLCollector(content).feed(element.text or "")
            page.references.extend(
                Reference(r.url, r.asset, True, base) for r in content.references
            )
            return
        for child in element:
            walk(child, base)

    walk(root, None)
    return page


def _join_base(base: str | None, value: str) -> str:
    """Combine nested xml:base values (absolute URLs or relative paths)."""
    if base is None or urlsplit(value).scheme:
        return value
    if urlsplit(base).scheme:
        return urljoin(base, value)
    return posixpath.join(posixpath.dirname(base), value)


class SiteChecker:
    """Resolves the references of every page against one scan of the tree."""

    def __init__(self, root: Path, site_url: str | None = None):
        self.root = Path(root)
        self.site_url = _normalise_site_url(site_url)
        self.files: set[str] = set()
        self.folders: set[str] = {""}
        for folder, dirnames, filenames in os.walk(self.root):
            rel = Path(folder).relative_to(self.root).as_posix()
            prefix = "" if rel == "." else rel + "/"
            self.folders.update(prefix + name for name in dirnames)
            self.files.update(prefix + name for name in filenames)
        self.pages: dict[str, _Page] = {}

    def run(self) -> list[BrokenLink]:
        names = sorted(rel for rel in self.files if _kind(rel))
        paths = [(self.root, rel) for rel in names]
        if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            pages = map(_read, paths)
        else:
            # Parsing is nearly all the time; fan it out over the cores.
            pool = ProcessPoolExecutor(min(os.cpu_count() or 1, 8))
            with pool:
                pages = list(pool.map(_read, paths, chunksize=64))
        self.pages = dict(zip(names, pages, strict=True))
        broken: list[BrokenLink] = []
        for rel, page in self.pages.items():
            broken.extend(page.problems)
            for reference in page.references:
                reason = self.check(rel, reference)
                if reason:
                    broken.append(BrokenLink(rel, reference.url, reason))
        logger.info("checked %d files, %d broken links", len(self.pages), len(broken))
        return broken

    def check(self, page: str, ref: Reference) -> str | None:
        """Why `ref` (found in `page`) is broken, or None when it resolves."""
        url = ref.url.strip()
        if not url:
            return "empty URL" if ref.asset else None
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in IGNORED_SCHEMES:
            return None
        base = ref.base
        if base is not None and not scheme and not url.startswith("/"):
            # Relative to xml:base: absolute base → treat as an absolute URL.
            joined = _join_base(base, url)
            if urlsplit(joined).scheme:
                return self.check(page, Reference(joined, ref.asset, True))
            return self._check_local(page, joined, ref)
        if scheme or parts.netloc:
            local = self._under_site(url)
            if local is None:
                return _external(parts, ref)
            if not ref.absolute_ok:
                return "absolute URL to this site (use a relative link)"
            return self._check_path(page, _normalise(local), parts.fragment, ref)
        if url.startswith("/"):
            return "root-absolute link (breaks from disk and under a sub-path)"
        return self._check_local(page, url, ref)

    def _check_local(self, page: str, url: str, ref: Reference) -> str | None:
        parts = urlsplit(url)
        if not parts.path:  # "#frag" or "?q": this page
            return self._check_fragment(page, parts.fragment)
        path = posixpath.join(posixpath.dirname(page), unquote(parts.path))
        return self._check_path(page, _normalise(path), parts.fragment, ref)

    def _check_path(self, page: str, target: str, fragment: str, ref: Reference):
        if target == ".." or target.startswith("../"):
            return "points outside the site"
        if target.endswith("/") or target in self.folders:
            return "links to a folder, not a file"
        if target not in self.files:
            return f"file not found ({target})"
        if fragment and not ref.asset:
            return self._check_fragment(target, fragment)
        return None

    def _check_fragment(self, target: str, fragment: str) -> str | None:
        fragment = unquote(fragment)
        page = self.pages.get(target)
        if not fragment or fragment == "top" or page is None:
            return None
        if target.endswith(".xml") or fragment in page.ids:
            return None
        return f'no id "{fragment}" in {target}'

    def _under_site(self, url: str) -> str | None:
        """The site-relative path of an absolute URL into this site, or None.

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
        return unquote(parts.path[len(site_path) :])


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
    return SiteChecker(root, site_url).run()
