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

A macro of macros.html that lays out a value, a brief's card, is kept the
same way: a template writes

    {{ kept_macro("brief_card", item, level=3) }}

and the macro is called from macros.html imported with a fragment's context
(the settings and the place), once for each place. A brief's card stands on
its region's, authors' and topics' listings and in related lists: a worker
finds about two cards in five kept (KEPT_MACROS).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
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
# Macro calls a renderer keeps: a worker's cards at 5,000 briefs, most of
# whose reuses come within this many (about 6 MB).
KEPT_MACROS = 4096
MACROS = "macros.html"
CURRENT = Markup(' aria-current="page"')
_TOKEN = "fragment_token"  # in the context of a fragment being kept
_SCALARS = (str, int, float, bool, type(None))


class Fragments:
    """The `fragment()`, `kept_macro()` and `current()` template globals of
    one renderer."""

    def __init__(self, env: Environment, constants: dict):
        self.env = env
        self.keep = KEEP
        self.kept: dict[tuple, tuple[str, bool, tuple]] = {}
        self.kept_macros: dict[tuple, tuple[str, bool, tuple]] = {}
        self._modules: dict[tuple[str, str], object] = {}  # macros.html, by place
        # The HTML of each fragment given to the page being rendered, as
        # given: the link reading reads each once (linkcheck.PieceReader).
        self.shown: list[str] = []
        # Marks carry a token no content can know: text that looks like a
        # mark is left alone.
        self.token = secrets.token_hex(8)
        self.marks = re.compile(f"\0{self.token}([^\0]*)\0([^\0]*)\0")
        env.globals["fragment"] = pass_context(partial(Fragments.fragment, self))
        env.globals["kept_macro"] = pass_context(partial(Fragments.kept_macro, self))
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
        else:
            place = _place(output_file)
            key = (name, site_url, place, *map(_argument_key, arguments.items()))
            html = self._kept(
                self.kept,
                KEPT,
                key,
                arguments.values(),
                output_file,
                lambda: render_from(
                    self.env.get_template(name),
                    self._values(site_url, place, arguments),
                ),
            )
        self.shown.append(html)
        return Markup(html)

    def kept_macro(self, context: Context, name: str, *arguments, **options) -> Markup:
        """The macro `name` of macros.html called with `arguments` and
        `options`, kept as a fragment is (its HTML is not a piece for the
        link reading: each card apart would cost it more than it saves)."""
        output_file = str(context.get("output_file") or "")
        site_url = context.get("SITEURL", "")
        if not self.keep:
            module = self.env.get_template(MACROS).make_module(context.get_all())
            return getattr(module, name)(*arguments, **options)
        place = _place(output_file)
        key = (
            name,
            site_url,
            place,
            *map(_argument_key, enumerate(arguments)),
            *map(_argument_key, options.items()),
        )

        def call() -> str:
            module = self._modules.get((site_url, place))
            if module is None:
                values = self._values(site_url, place)
                module = self.env.get_template(MACROS).make_module(values)
                self._modules[site_url, place] = module
            return str(getattr(module, name)(*arguments, **options))

        held = (*arguments, *options.values())
        return Markup(
            self._kept(self.kept_macros, KEPT_MACROS, key, held, output_file, call)
        )

    def _values(self, site_url: str, place: str, arguments: dict | None = None) -> dict:
        """A kept fragment's context: the settings, its `arguments` and the
        place (which no argument overrides)."""
        return {
            **self.common,
            **(arguments or {}),
            "SITEURL": site_url,
            "output_file": place,
            _TOKEN: self.token,
        }

    def _kept(
        self,
        kept: dict,
        limit: int,
        key: tuple,
        held: Iterable[object],
        output_file: str,
        make: Callable[[], str],
    ) -> str:
        """The HTML kept under `key` in `kept` (made by `make()` the first
        time, holding the objects `held` alive), for the page `output_file`."""
        entry = kept.pop(key, None)  # kept again below, as the newest
        if entry is None:
            html = make()
            if len(kept) >= limit:
                del kept[next(iter(kept))]  # the least recently used
            entry = (html, "\0" in html, tuple(held))
        kept[key] = entry
        html, marked, _ = entry
        if marked:
            html = self.marks.sub(
                lambda mark: CURRENT if mark[1] == output_file else mark[2], html
            )
        return html

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
