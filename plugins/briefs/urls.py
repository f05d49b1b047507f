"""Addresses: one answer to "is this absolute?" and "what is the public
address of this build?" for every module."""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context


def is_absolute(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def public_url(settings: dict) -> str | None:
    """The absolute public address of a production build (no trailing
    slash), else None: SITEURL when absolute, else FEED_DOMAIN (publishconf.py
    keeps RELATIVE_URLS and sets FEED_DOMAIN = SITEURL)."""
    for key in ("SITEURL", "FEED_DOMAIN"):
        value = settings.get(key) or ""
        if is_absolute(value):
            return value.rstrip("/")
    return None


def page_href(site_url: str, output_file: str, path: str) -> str:
    """The URL of a site file (`path` from the site root, e.g.
    "briefs/x.html") as written on the page saved as `output_file`:
    `site_url`/path, except that
    - on a root page (`site_url` "." or ""), the "./" is dropped;
    - a folder's index page (regions/index.html...) links the files of its
      own folder by name: "europe.html".
    Always relative (`site_url` is "." or ".." with RELATIVE_URLS), always to
    a file; an absolute `site_url` gives an absolute URL."""
    folder, _, name = output_file.rpartition("/")
    if is_absolute(site_url):
        return f"{site_url}/{path}"
    if not folder and site_url in ("", "."):
        return path
    if name.startswith("index") and path.startswith(folder + "/"):
        return path[len(folder) + 1 :]
    return f"{site_url or '/'.join(['..'] * len(folder.split('/')))}/{path}"


@pass_context
def href(context: Context, path: str) -> str:
    """`page_href` for templates (a global: every page calls it dozens of
    times, and a Python call costs a tenth of a Jinja macro's)."""
    return page_href(
        context.get("SITEURL", ""), str(context.get("output_file") or ""), path
    )


@pass_context
def head_href(context: Context, path: str) -> str:
    """The URL of a site file for a <head> link that must be absolute in
    production (canonical, feeds): under the build's public address
    (`public_url`, a template global), else as `href` writes it."""
    public = context.get("public_url")
    return f"{public}/{path}" if public else href(context, path)
