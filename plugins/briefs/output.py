"""What the plugin adds to Pelican's output once every page is written: the
files published pages use (assets.py) and a redirect page at each alias
(redirects.py). A thin adapter: the decisions are made in those modules."""

from __future__ import annotations

import shutil
from pathlib import Path

from .assets import copy_files
from .problems import ContentError, Problem
from .redirects import alias_redirects, redirect_page, relative_url
from .site import site_of

_FEED_SETTINGS = {"regions": "REGION_FEED_ATOM", "authors": "AUTHOR_FEED_ATOM"}


def public_base(settings: dict) -> str | None:
    """The site's absolute address in production builds, else None."""
    for key in ("SITEURL", "FEED_DOMAIN"):
        value = settings.get(key) or ""
        if value.startswith(("http://", "https://")):
            return value.rstrip("/")
    return None


def write_output_extras(pelican) -> None:
    site = site_of(pelican.settings)
    settings = pelican.settings
    output = Path(pelican.output_path)
    copy_files(site.collection.content_dir, site.files, output)
    base = public_base(settings)
    redirects = alias_redirects(
        site.collection,
        published=lambda address: (output / address).is_file(),
        feed_of=lambda kind, slug: settings[_FEED_SETTINGS[kind]].format(slug=slug),
        show_drafts=site.show_drafts,
    )
    for redirect in redirects:
        path = output / redirect.address
        old_feed = redirect.feed and output / redirect.feed[1]
        if path.exists() or (old_feed and old_feed.exists()):
            # Validation (addresses.py) makes this impossible; never overwrite.
            raise ContentError(
                [Problem(redirect.address, "this alias would replace a page")]
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            redirect_page(
                relative_url(redirect.address, redirect.target),
                f"{base}/{redirect.target}" if base else None,
                redirect.title,
                settings.get("DEFAULT_LANG", "en"),
            ),
            encoding="utf-8",
        )
        if old_feed:
            old_feed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(output / redirect.feed[0], old_feed)
