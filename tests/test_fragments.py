"""Fragments (briefs/fragments.py): partials rendered once for every page
they look the same on, with the bytes a whole render gives."""

from __future__ import annotations

import itertools

import pytest
from jinja2 import DictLoader, Environment
from test_incremental import assert_same_site

from briefs import fragments
from briefs.fragments import Fragments
from briefs.urls import href
from policy_briefs.build import build
from policy_briefs.project import CONTENT

PAGE = '{{ fragment("part.html", items=items, label=label) }}'


def counting_environment(
    templates: dict[str, str],
) -> tuple[Environment, Fragments, list[int]]:
    """An environment with `templates`, its Fragments, and the count of the
    times a template called `rendered()`."""
    env = Environment(loader=DictLoader(templates), autoescape=True)
    env.globals["href"] = href
    renders = itertools.count(1)
    counted = []
    env.globals["rendered"] = lambda: counted.append(next(renders)) or ""
    return env, Fragments(env, {"SITENAME": "Site"}), counted


def environment(part: str) -> tuple[Environment, Fragments, list[int]]:
    """`page.html` (PAGE) and `part.html`, counting the renders of the part."""
    part = "{{ rendered() }}" + part
    return counting_environment({"page.html": PAGE, "part.html": part})


def page(env: Environment, output_file: str, **values) -> str:
    site_url = "/".join([".."] * output_file.count("/")) or "."
    context = {"output_file": output_file, "SITEURL": site_url, "label": "", **values}
    return env.get_template("page.html").render(context)


def test_a_fragment_sees_its_arguments_and_the_settings_only():
    env, _, _ = environment("{{ SITENAME }}|{{ label }}|{{ secret }}|{{ output_file }}")
    shown = page(env, "briefs/a.html", items=[], label="L", secret="page only")
    assert shown == "Site|L||*/page.html"


def test_a_fragment_is_rendered_once_per_place_and_arguments():
    env, _, renders = environment('<a href="{{ href("regions/x.html") }}">x</a>')
    items = ["one"]
    first = page(env, "briefs/a.html", items=items)
    assert (
        page(env, "briefs/b.html", items=items)
        == first
        == '<a href="../regions/x.html">x</a>'
    )
    assert len(renders) == 1
    # Another folder at the same depth: the same place for href().
    assert (
        page(env, "regions/y.html", items=items) == '<a href="../regions/x.html">x</a>'
    )
    assert len(renders) == 1
    # A folder's index page, another object, another label, another depth:
    assert page(env, "regions/index.html", items=items) == '<a href="x.html">x</a>'
    page(env, "briefs/c.html", items=["one"])
    page(env, "briefs/d.html", items=items, label="other")
    assert (
        page(env, "a/b/c.html", items=items) == '<a href="../../regions/x.html">x</a>'
    )
    assert len(renders) == 5
    assert page(env, "index.html", items=items) == '<a href="regions/x.html">x</a>'
    assert page(env, "index-2.html", items=items) == '<a href="regions/x.html">x</a>'
    assert len(renders) == 6


def test_objects_are_kept_alive_while_their_fragment_is_kept(monkeypatch):
    """An identity is never reused while a fragment is kept under it: each
    new list (freed by the caller at once) gets its own fragment."""
    monkeypatch.setattr(fragments, "KEPT", 64)
    env, kept, renders = environment("{{ items|join(',') }}")
    shown = [page(env, "briefs/a.html", items=[str(n)]) for n in range(50)]
    assert shown == [str(n) for n in range(50)]
    assert len(renders) == 50
    assert len(kept.kept) == 50


def test_the_least_recently_used_fragment_goes_at_the_limit(monkeypatch):
    monkeypatch.setattr(fragments, "KEPT", 4)
    env, kept, renders = environment("{{ label }}")
    for label in "abcd":
        page(env, "x.html", items=(), label=label)
    page(env, "x.html", items=(), label="a")  # used again: the newest
    assert page(env, "x.html", items=(), label="e") == "e"  # "b" goes
    assert len(kept.kept) == 4
    assert len(renders) == 5
    for label in "acde":
        assert page(env, "x.html", items=(), label=label) == label
    assert len(renders) == 5
    assert page(env, "x.html", items=(), label="b") == "b"
    assert len(renders) == 6


def test_current_marks_the_link_to_the_page_itself():
    part = (
        '<a href="{{ href("a/x.html") }}"{{ current("a/x.html") }}>x</a>'
        '<a{{ current("a/y.html", otherwise=\' class="s"\'|safe) }}>y</a>'
        '<a{{ current("a/z.html", otherwise=label) }}>z</a>'
    )
    env, _, renders = environment(part)
    assert page(env, "a/x.html", items=(), label='"q"') == (
        '<a href="../a/x.html" aria-current="page">x</a>'
        '<a class="s">y</a><a&#34;q&#34;>z</a>'
    )
    assert page(env, "a/y.html", items=(), label="") == (
        '<a href="../a/x.html">x</a><a aria-current="page">y</a><a>z</a>'
    )
    assert len(renders) == 2


def test_text_that_looks_like_a_mark_is_left_as_it_is():
    env, kept, _ = environment("{{ label }}<a{{ current('a.html') }}>")
    fake = f"\0{'0' * 16}a.html\0x\0"
    assert page(env, "a.html", items=(), label=fake) == f'{fake}<a aria-current="page">'
    assert kept.token != "0" * 16


@pytest.mark.parametrize("kept", [True, False])
def test_whole_renders_follow_the_same_rules(monkeypatch, kept):
    """KEEP off: each fragment is rendered for its page, with the page's
    context (the reference for the site test below)."""
    monkeypatch.setattr(fragments, "KEEP", kept)
    env, _, renders = environment("<a{{ current('a/x.html') }}>{{ secret }}</a>")
    shown = page(env, "a/x.html", items=(), secret="s")
    assert shown == (
        '<a aria-current="page"></a>' if kept else '<a aria-current="page">s</a>'
    )
    page(env, "a/y.html", items=())
    assert len(renders) == (1 if kept else 2)


MACROS = (
    "{% macro card(item, level=2) %}{{ rendered() }}"
    '<h{{ level }}><a href="{{ href(item.url) }}">{{ item.title }}</a></h{{ level }}>'
    "{{ SITENAME }}{{ secret }}{% endmacro %}"
)
CARD_PAGE = '{{ kept_macro("card", item, level=level) }}'


def macro_environment() -> tuple[Environment, Fragments, list[int]]:
    """`macros.html` (MACROS) and `page.html` (CARD_PAGE), counting the
    calls of the macro."""
    return counting_environment({"macros.html": MACROS, "page.html": CARD_PAGE})


def test_a_kept_macro_is_called_once_per_place_and_arguments():
    env, _, calls = macro_environment()
    item = {"url": "briefs/x.html", "title": "X & Y"}
    card = '<h3><a href="../briefs/x.html">X &amp; Y</a></h3>Site'
    assert page(env, "regions/a.html", item=item, level=3, secret="s") == card
    assert page(env, "topics/b.html", item=item, level=3) == card
    assert len(calls) == 1
    assert page(env, "index.html", item=item, level=3) == card.replace("../", "")
    assert page(env, "briefs/c.html", item=dict(item), level=3) == card
    assert page(env, "briefs/c.html", item=item, level=2) == card.replace("h3", "h2")
    assert page(env, "briefs/c.html", item=item, level=3.0) == card.replace(
        "h3", "h3.0"
    )
    assert len(calls) == 5


def test_the_least_recently_used_macro_call_goes_at_the_limit(monkeypatch):
    monkeypatch.setattr(fragments, "KEPT_MACROS", 2)
    env, kept, calls = macro_environment()
    items = [{"url": f"briefs/{n}.html", "title": n} for n in "abc"]
    for item in (*items, items[0]):  # "c" takes the place of "a", then "b"'s
        page(env, "briefs/x.html", item=item, level=2)
    assert len(calls) == 4
    assert len(kept.kept_macros) == 2
    page(env, "briefs/x.html", item=items[2], level=2)
    assert len(calls) == 4


@pytest.mark.parametrize("kept", [True, False])
def test_a_kept_macro_called_whole_sees_the_page(monkeypatch, kept):
    """KEEP off: the macro is called with the page's context, as an import
    with context would (the reference for the site test below)."""
    monkeypatch.setattr(fragments, "KEEP", kept)
    env, _, _ = macro_environment()
    item = {"url": "x.html", "title": "X"}
    shown = page(env, "x.html", item=item, level=1, SITENAME="Site", secret="page only")
    assert shown.endswith("Site" if kept else "Sitepage only")


def test_pages_built_with_fragments_equal_pages_rendered_whole(tmp_path, monkeypatch):
    """The sample site, every file: the header, footer and sidebars kept and
    reused, and the briefs' cards, give the bytes of each page rendering
    them for itself."""
    settings = {"BRIEFS": {"cache": False, "workers": 1}, "PDF_EDITIONS": "off"}
    build(CONTENT, tmp_path / "kept", **settings)
    monkeypatch.setattr(fragments, "KEEP", False)
    build(CONTENT, tmp_path / "whole", **settings)
    assert_same_site(tmp_path / "kept", tmp_path / "whole")
