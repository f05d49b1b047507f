"""The production page-not-found page (404.html) GitHub Pages serves for any
missing address, at any depth of the site.

Relative links would resolve against whatever address was asked for, so this
one page links by the public address (its context sets SITEURL to it; see
the linkcheck rule for pages served at any depth), and its styles are the
theme's stylesheets inlined in a <style> element and its icon is a data:
URL, so it loads nothing. Both are read here, into the job's context: an
edit to them renders the page again (pages.py fingerprints contexts).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from . import sitefiles

SAVE_AS = sitefiles.NOT_FOUND
TEMPLATE = "notfound"
# The screen stylesheets, in base.html's order (print.css is left out: no one
# prints a page-not-found page).
STYLESHEETS = ("tokens.css", "base.css", "layout.css", "components.css")
ICON = ("img", "icon.svg")


def inline_styles(theme: Path) -> Markup:
    """The theme's screen stylesheets as one text for a <style> element."""
    texts = [
        (theme / "static" / "css" / name).read_text(encoding="utf-8")
        for name in STYLESHEETS
    ]
    return Markup("\n".join(texts))


def inline_icon(theme: Path) -> str:
    """The theme's icon (the one base.html links) as a data: URL."""
    svg = theme.joinpath("static", *ICON).read_text(encoding="utf-8").strip()
    return "data:image/svg+xml," + quote(svg, safe="/:=,.")


def context(settings: dict, public: str) -> dict:
    """What the page shows besides the navigation: every link by `public`,
    the site's absolute address."""
    theme = Path(settings["THEME"])
    return {
        "SITEURL": public,
        "inline_css": inline_styles(theme),
        "inline_icon": inline_icon(theme),
    }
