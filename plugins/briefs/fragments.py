"""Partials rendered once for every page they look the same on.

The header, the footer and the sidebars are half of a page's template time,
and they are the same on thousands of pages. A template writes

    {{ fragment("partials/header.html", regions=regions, section=section) }}

and the partial is rendered from its arguments alone. Its context holds the
settings, the arguments and where the page is (its folder, and whether it is
the folder's index page: all that `href()` needs), and nothing else of the
page. So its HTML depends on exactly what it is kept under: a page gets the
same bytes whether the fragment was rendered for it or for another page, in
this build or in an incremental one.

- Strings, numbers and None are compared by value. Any other argument is
  compared by identity: the site-wide lists are one object for all the pages
  of a worker's batch. An entry holds its arguments, so no identity it is
  kept under is reused while it is kept.
- A link to the page itself is written `current(url)`. It leaves a mark in
  the kept HTML, which becomes ` aria-current="page"` on that page, and
  nothing (or `otherwise`) on every other page.
"""

from __future__ import annotations

import re
import secrets
from functools import partial

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

# Entries a renderer keeps. A worker's batch of pages adds a few, kept under
# its own site-wide objects, which no later batch shows: all are dropped
# together when there are this many (and the objects they hold with them).
KEPT = 32
# False: every fragment is rendered for its page, with the page's whole
# context, as an include would be (the reference the tests compare with).
KEEP = True
CURRENT = Markup(' aria-current="page"')
_TOKEN = "fragment_token"  # in the context of a fragment being kept
_SCALARS = (str, int, float, bool, type(None))


class Fragments:
    """The `fragment()` and `current()` template globals of one renderer."""

    def __init__(self, env: Environment, constants: dict):
        self.env = env
        self.constants = constants
        self.keep = KEEP
        self.kept: dict[tuple, tuple[str, bool, tuple]] = {}
        # Marks carry a token no content can know: text that looks like a
        # mark is left alone.
        self.token = secrets.token_hex(8)
        self.marks = re.compile(f"\0{self.token}([^\0]*)\0([^\0]*)\0")
        env.globals["fragment"] = pass_context(partial(Fragments.fragment, self))
        env.globals["current"] = pass_context(partial(Fragments.current, self))

    def fragment(self, context: Context, name: str, **arguments) -> Markup:
        output_file = str(context.get("output_file") or "")
        site_url = context.get("SITEURL", "")
        if not self.keep:
            values = {**context.get_all(), **arguments}
            return Markup(self.env.get_template(name).render(values))
        folder, _, file = output_file.rpartition("/")
        index = file.startswith("index")
        key = (name, site_url, folder, index, *map(_argument_key, arguments.items()))
        entry = self.kept.get(key)
        if entry is None:
            place = "index.html" if index else "page.html"
            values = {
                **self.constants,
                **arguments,
                "SITEURL": site_url,
                "output_file": f"{folder}/{place}" if folder else place,
                _TOKEN: self.token,
            }
            html = self.env.get_template(name).render(values)
            if len(self.kept) >= KEPT:
                self.kept.clear()
            entry = self.kept[key] = (html, "\0" in html, tuple(arguments.values()))
        html, marked, _ = entry
        if marked:
            html = self.marks.sub(
                lambda mark: CURRENT if mark[1] == output_file else mark[2], html
            )
        return Markup(html)

    def current(self, context: Context, url: str, otherwise: str = "") -> Markup:
        """` aria-current="page"` on the page saved as `url`, else
        `otherwise` (escaped unless it is Markup)."""
        otherwise = escape(otherwise)
        if context.get(_TOKEN) == self.token:
            return Markup(f"\0{self.token}{url}\0{otherwise}\0")
        return CURRENT if context.get("output_file") == url else otherwise


def _argument_key(item: tuple[str, object]) -> tuple:
    name, value = item
    if isinstance(value, _SCALARS):
        return (name, value.__class__, value)
    return (name, "id", id(value))
