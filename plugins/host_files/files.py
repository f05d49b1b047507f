"""sitemap.xml, robots.txt, .nojekyll, CNAME and a Search Console
verification file for a published site.

A sitemap must list absolute URLs (sitemaps.org protocol), so sitemap.xml and
robots.txt (which names the sitemap) are written only when the build has a
public address (briefs.urls.public_url), i.e. in production builds
(publishconf.py). Development
builds, and the offline bundle made from them, get neither: a relative
sitemap is invalid and nobody crawls a folder on disk.

The sitemap lists every HTML file actually written (so pagination pages and
listing pages are in it, drafts never are) but the redirect pages of
aliases (they ask not to be indexed and name their page as canonical), brief
pages with their last modification date. URLs name files
(`.../index.html`), never folders, like every other link of the site.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from briefs.problems import did_you_mean
from briefs.sitefiles import CNAME, NOJEKYLL, NOT_FOUND, ROBOTS, SITEMAP
from briefs.urls import public_url

logger = logging.getLogger(__name__)

SETTINGS_KEY = "HOST_FILES"
PLUGIN_NAME = __name__.rpartition(".")[0]

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
# The file Google Search Console asks a site to serve to prove it owns it
# ("HTML file" verification): google, its token, .html.
GOOGLE_VERIFICATION = re.compile(r"google[0-9a-zA-Z]{6,64}\.html")


class HostFilesSettingsError(ValueError):
    """The HOST_FILES setting is wrong; the message says how to fix it."""


@dataclass(frozen=True)
class Options:
    sitemap: bool = True
    robots: bool = True
    nojekyll: bool = True
    cname: str = ""
    google_verification: str = ""
    exclude: tuple[str, ...] = field(default=(NOT_FOUND,))


def load_options(settings: dict) -> Options:
    """Options from settings["HOST_FILES"]; unknown keys and bad values raise."""
    raw = settings.get(SETTINGS_KEY) or {}
    if not isinstance(raw, dict):
        raise HostFilesSettingsError(f"{SETTINGS_KEY} must be a dict")
    known = Options.__dataclass_fields__
    for key in raw:
        if key not in known:
            raise HostFilesSettingsError(
                f"{SETTINGS_KEY} has an unknown key {key!r}"
                f"{did_you_mean(str(key), known)}; "
                f"known keys: {', '.join(known)}"
            )
    for key in ("sitemap", "robots", "nojekyll"):
        if not isinstance(raw.get(key, True), bool):
            raise HostFilesSettingsError(f"{SETTINGS_KEY}[{key!r}] must be True/False")
    cname = raw.get("cname") or ""
    if not isinstance(cname, str) or (cname and not HOSTNAME.match(cname.lower())):
        raise HostFilesSettingsError(
            f"{SETTINGS_KEY}['cname'] must be a bare domain such as "
            f"briefs.example.org (no scheme, no path), not {cname!r}"
        )
    google = raw.get("google_verification") or ""
    if not isinstance(google, str) or (
        google and not GOOGLE_VERIFICATION.fullmatch(google)
    ):
        raise HostFilesSettingsError(
            f"{SETTINGS_KEY}['google_verification'] must be the name of the file "
            "Search Console offers, such as google1234567890abcdef.html, "
            f"not {google!r}"
        )
    exclude = raw.get("exclude", Options.exclude)
    if isinstance(exclude, str) or not all(isinstance(p, str) for p in exclude):
        raise HostFilesSettingsError(
            f"{SETTINGS_KEY}['exclude'] must be a list of glob patterns"
        )
    return Options(
        sitemap=raw.get("sitemap", True),
        robots=raw.get("robots", True),
        nojekyll=raw.get("nojekyll", True),
        cname=cname.lower(),
        google_verification=google,
        exclude=tuple(exclude),
    )


def enabled(settings: dict) -> bool:
    """Whether this build lists the plugin.

    Pelican's signals are process-wide: once one build (say production) has
    registered the plugin, its receivers also fire for later builds in the
    same process (say development), which must not get these files.
    """
    return PLUGIN_NAME in settings.get("PLUGINS", ())


def write_files(
    output: Path,
    settings: dict,
    dates: dict[str, str],
    redirects: frozenset[str] = frozenset(),
) -> None:
    """Write the host files into `output`; `dates` maps pages to the date
    (YYYY-MM-DD) they last changed, for the sitemap's <lastmod>; the pages
    of `redirects` are left out of it."""
    if not enabled(settings):
        return
    options = load_options(settings)
    site_url = public_url(settings)
    if options.nojekyll:
        (output / NOJEKYLL).write_text("", encoding="utf-8")
    if options.cname:
        (output / CNAME).write_text(options.cname + "\n", encoding="utf-8")
        if site_url and urlsplit(site_url).hostname != options.cname:
            logger.warning(
                "CNAME is %s but SITEURL is %s: canonical, feed and sitemap "
                "URLs will go through a redirect",
                options.cname,
                site_url,
            )
    if options.google_verification:
        name = options.google_verification
        if name in redirects:
            raise HostFilesSettingsError(
                f"{SETTINGS_KEY}['google_verification'] is {name}, which is also "
                "an alias of a page (its redirect page); remove that alias"
            )
        # What Search Console reads back from the file: its own name.
        (output / name).write_text(f"google-site-verification: {name}", "utf-8")
    if site_url is None:
        logger.info("no public address (SITEURL): no sitemap.xml or robots.txt")
        return
    if options.sitemap:
        left_out = {*redirects, options.google_verification}
        pages = [p for p in site_pages(output, options.exclude) if p not in left_out]
        (output / SITEMAP).write_text(
            sitemap_xml(site_url, pages, dates),
            encoding="utf-8",
        )
    if options.robots:
        (output / ROBOTS).write_text(
            robots_txt(site_url if options.sitemap else None), encoding="utf-8"
        )


def site_pages(output: Path, exclude: tuple[str, ...]) -> list[str]:
    """Every HTML file under output (posix, relative), home page first."""
    pages = [
        path.relative_to(output).as_posix()
        for path in output.rglob("*.html")
        if path.is_file()
    ]
    pages = [p for p in pages if not any(fnmatch.fnmatch(p, x) for x in exclude)]
    return sorted(pages, key=lambda p: (p != "index.html", p))


def sitemap_xml(site_url: str, pages: list[str], dates: dict[str, str]) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in pages:
        loc = escape(f"{site_url}/{quote(page)}")
        lastmod = f"<lastmod>{dates[page]}</lastmod>" if page in dates else ""
        lines.append(f"  <url><loc>{loc}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site_url: str | None) -> str:
    text = "User-agent: *\nDisallow:\n"
    if site_url:
        text += f"\nSitemap: {site_url}/{SITEMAP}\n"
    return text
