"""Partials rendered once for every page they look the same on.

The header, the footer and the sidebars are half of a page's template time,
and they are the same on thousands of pages. A template writes

    {{ fragment("partials/header.html", regions=regions, section=section) }}

and the partial is rendered from its arguments alone. Its context holds the
settings, the arguments and where the page is as far as `href()` can tell
(`_place`: a folder's index page by its folder, any other page by its depth
alone), and nothing else of the page. So its HTML depends on exactly what it
is kept under: a page gets the same bytes whether the fragment was rendered
for it or for another page, in this build or in an incremental one.

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

from jinja2 import Environment, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

# Entries a renderer keeps: beyond this many, the least recently used goes
# (and the objects it holds with it). A worker's batch of pages adds a few,
# kept under its own site-wide objects, which no later batch shows.
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
        self.keep = KEEP
        self.kept: dict[tuple, tuple[str, bool, tuple]] = {}
        # The HTML of each fragment given to the page being rendered, as
        # given: the link reading reads each once (linkcheck.PieceReader).
        self.shown: list[str] = []
        # Marks carry a token no content can know: text that looks like a
        # mark is left alone.
        self.token = secrets.token_hex(8)
        self.marks = re.compile(f"\0{self.token}([^\0]*)\0([^\0]*)\0")
        env.globals["fragment"] = pass_context(partial(Fragments.fragment, self))
        env.globals["current"] = pass_context(partial(Fragments.current, self))
        # What every template sees (render_from): the environment's globals,
        # complete by now, and the settings.
        self.common = {**env.globals, **constants}

    def fragment(self, context: Context, name: str, **arguments) -> Markup:
        output_file = str(context.get("output_file") or "")
        site_url = context.get("SITEURL", "")
        if not self.keep:
            values = {**context.get_all(), **arguments}
            html = self.env.get_template(name).render(values)
            self.shown.append(html)
            return Markup(html)
        place = _place(output_file)
        key = (name, site_url, place, *map(_argument_key, arguments.items()))
        entry = self.kept.pop(key, None)  # kept again below, as the newest
        if entry is None:
            values = {
                **self.common,
                **arguments,
                "SITEURL": site_url,
                "output_file": place,
                _TOKEN: self.token,
            }
            html = render_from(self.env.get_template(name), values)
            if len(self.kept) >= KEPT:
                del self.kept[next(iter(self.kept))]  # the least recently used
            entry = (html, "\0" in html, tuple(arguments.values()))
        self.kept[key] = entry
        html, marked, _ = entry
        if marked:
            html = self.marks.sub(
                lambda mark: CURRENT if mark[1] == output_file else mark[2], html
            )
        self.shown.append(html)
        return Markup(html)

    def current(self, context: Context, url: str, otherwise: str = "") -> Markup:
        """` aria-current="page"` on the page saved as `url`, else
        `otherwise` (escaped unless it is Markup)."""
        otherwise = escape(otherwise)
        if context.get(_TOKEN) == self.token:
            return Markup(f"\0{self.token}{url}\0{otherwise}\0")
        return CURRENT if context.get("output_file") == url else otherwise


def render_from(template: Template, values: dict) -> str:
    """`template` rendered as `Template.render` does, in a context made of
    `values` itself, which hold the environment's globals too (`common`):
    render copies its values twice, flattening the globals (a ChainMap) the
    second time."""
    try:
        return template.environment.concat(
            template.root_render_func(template.new_context(values, shared=True))
        )
    except Exception:
        template.environment.handle_exception()


def _place(output_file: str) -> str:
    """Where a page is, as far as `href()` can tell (urls.page_href): a
    folder's index page by its folder (it links the folder's files by name),
    any other page by its depth alone (as `*/page.html` one folder down)."""
    folder, _, file = output_file.rpartition("/")
    if not folder:
        return "page.html"
    if file.startswith("index"):
        return f"{folder}/index.html"
    return "*/" * (folder.count("/") + 1) + "page.html"


def _argument_key(item: tuple[str, object]) -> tuple:
    name, value = item
    if isinstance(value, _SCALARS):
        return (name, value.__class__, value)
    return (name, "id", id(value))
