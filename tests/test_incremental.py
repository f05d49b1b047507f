"""Incremental builds equal clean builds, byte for byte, after every kind of
change; unrelated files are left alone; a damaged cache only costs time.

Each case starts from one warm build (output and cache), changes one thing,
builds again with the cache, and compares the result with a clean, serial,
cache-free build of the changed content.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import zlib
from collections import Counter
from datetime import UTC, datetime
from multiprocessing import shared_memory
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pytest
from markupsafe import Markup
from pelican.utils import SafeDatetime

from briefs import assets, filedigests, opendata, pages, pipeline, search
from briefs.cache import digest_of, fingerprint
from briefs.filedigests import SETTLED_SECONDS, Remembered
from briefs.model import Link
from briefs.pages import Digests
from briefs.problems import BriefsError
from briefs.reading import ReadSettings, read_source
from policy_briefs.build import build, load_settings
from policy_briefs.project import ROOT

REGIONS = ["Europe", "Northeast Asia", "Middle East & North Africa"]
TOPICS = ["Trade", "Energy", "Security", "Debt"]
CLEAN = {"BRIEFS": {"cache": False, "workers": 1}}
SMALL_PAGES = {"DEFAULT_PAGINATION": 2, "PDF_EDITIONS": "off"}
SERIES_PARTS = (2, 4, 8)  # briefs of the series "Long View", in date order


def write_site(root: Path) -> Path:
    """12 briefs over three regions and four topics: several pages each."""
    content = root / "content"
    (content / "briefs" / "2024").mkdir(parents=True)
    (content / "regions.yml").write_text(
        "".join(f"- name: {r}\n  description: About *{r}*.\n" for r in REGIONS),
        "utf-8",
    )
    (content / "authors.yml").write_text(
        "- name: Yuki Tatsumi\n  role: Fellow\n  bio: Writes **well**.\n"
        "- name: Søren Kjærgaard\n  role: Senior Fellow\n",
        "utf-8",
    )
    (content / "images").mkdir()
    (content / "images" / "map.svg").write_text(MAP.format(colour="#1f4e6b"), "utf-8")
    for n in range(12):
        authors = ["Yuki Tatsumi"] if n % 3 else ["Yuki Tatsumi", "Søren Kjærgaard"]
        brief(
            content,
            f"brief-{n:02d}",
            title=f"Brief number {n}",
            date=f"2024-{1 + n % 12:02d}-{1 + n:02d}",
            author=authors,
            region=REGIONS[n % 3],
            tags=[TOPICS[n % 4], TOPICS[(n + 1) % 4]],
            body=f"## Part one\n\nText {n} with a note.[^1]\n\n[^1]: Note {n}.",
            **({"series": "Long View"} if n in SERIES_PARTS else {}),
            **({"image": "images/map.svg", "image_alt": "A map"} if n == 3 else {}),
        )
    return content


MAP = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3" fill="{colour}"/>\n'


def recoloured_in_place(root: Path) -> None:
    """The image's bytes change in place, its size and modification time do
    not (as `cp -p` or `touch -r` leave a file): only its ctime tells."""
    image = root / "content" / "images" / "map.svg"
    before = image.stat()
    time.sleep(0.05)  # the kernel stamps ctimes from a clock that moves by ticks
    image.write_text(MAP.format(colour="#ff0000"), "utf-8")
    after = image.stat()
    assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)
    assert after.st_ctime_ns != before.st_ctime_ns
    os.utime(image, ns=(before.st_atime_ns, before.st_mtime_ns))


def brief(content: Path, name: str, body: str, **fields) -> Path:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            value = "[" + ", ".join(value) + "]"
        lines.append(f"{key}: {value}")
    path = content / "briefs" / "2024" / f"{name}.md"
    path.write_text("\n".join([*lines, "---", body, ""]), "utf-8")
    return path


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_same_site(built: Path, clean: Path) -> None:
    mine, theirs = files_of(built), files_of(clean)
    assert sorted(mine) == sorted(theirs)
    different = [name for name in mine if mine[name] != theirs[name]]
    assert not different, f"stale files: {different[:5]}"


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """The content and a copy of the theme every case starts from."""
    root = tmp_path_factory.mktemp("sources")
    write_site(root)
    shutil.copytree(ROOT / "theme", root / "theme")
    return root


def settings(root: Path, **more) -> dict:
    return {
        "CACHE_PATH": str(root / "cache"),
        "THEME": str(root / "theme"),
        **SMALL_PAGES,
        **more,
    }


def restore(source: Path, target: Path) -> None:
    """Copy the folder of a warm build; the output's files are hard links,
    the same files (the cache knows them by inode, size and time; a build
    never changes a file in place, it writes new ones and renames them)."""
    target.mkdir()
    for path in source.iterdir():
        link = path.name == "output"
        copy = os.link if link else shutil.copy2
        shutil.copytree(path, target / path.name, copy_function=copy)


@pytest.fixture(scope="module")
def warm(sources, tmp_path_factory):
    """One warm build (output and cache) of the sources, in the folder every
    case works in, and a copy of that folder kept aside."""
    root = tmp_path_factory.mktemp("case")
    for name in ("content", "theme"):
        shutil.copytree(sources / name, root / name)
    build(root / "content", root / "output", **settings(root))
    kept = tmp_path_factory.mktemp("warm") / "case"
    restore(root, kept)
    return root, kept


@pytest.fixture
def case(warm, caplog):
    """The warm build, put back in place (the cache's entries name its
    folder), and how to finish the case: rebuild incrementally, build clean,
    compare; returns how many files the incremental build carried over."""
    root, kept = warm
    shutil.rmtree(root)
    restore(kept, root)

    def rebuild_and_compare(damaged: bool = False, **overrides) -> int:
        """`damaged`: the case damaged the cache (else it must say nothing)."""
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="briefs.pipeline"):
            build(
                root / "content",
                root / "output",
                **settings(root, **overrides),
            )
        (summary,) = [
            r for r in caplog.records if r.getMessage().startswith("briefs: ")
        ]
        if not damaged:
            said = [r.getMessage() for r in caplog.records if r.name == "briefs.cache"]
            assert said == [], said
        clean = root / "clean"
        build(
            root / "content",
            clean,
            **settings(root, **overrides, **CLEAN),
        )
        assert_same_site(root / "output", clean)
        return summary.args[2]

    return root, rebuild_and_compare


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def source(root: Path, n: int) -> Path:
    return root / "content" / "briefs" / "2024" / f"brief-{n:02d}.md"


CHANGES = {
    "body": lambda r: edit(source(r, 5), "Text 5 with", "Changed text with"),
    "title": lambda r: edit(source(r, 5), "Brief number 5", "A new title"),
    "date": lambda r: edit(source(r, 5), "date: 2024-06-06", "date: 2025-01-01"),
    # The pages of parts 1 and 3 name part 2 (previous, next).
    "series neighbour": lambda r: edit(
        source(r, 4), "Brief number 4", "A new title for part two"
    ),
    "series joined": lambda r: edit(
        source(r, 5), "title:", "series: Long View\ntitle:"
    ),
    "series part drafted": lambda r: edit(
        source(r, 4), "title:", "status: draft\ntitle:"
    ),
    "add": lambda r: brief(
        r / "content",
        "brief-new",
        title="A new brief",
        date="2024-12-31",
        author="Yuki Tatsumi",
        region="Europe",
        tags=["Trade"],
        body="New.",
    ),
    "delete": lambda r: source(r, 7).unlink(),
    "alias": lambda r: edit(
        source(r, 5), "title:", "aliases: [briefs/old.html]\ntitle:"
    ),
    "rename": lambda r: source(r, 7).rename(source(r, 7).with_name("renamed.md")),
    "draft": lambda r: edit(source(r, 5), "title:", "status: draft\ntitle:"),
    "featured": lambda r: edit(source(r, 2), "title:", "featured: true\ntitle:"),
    "regions.yml": lambda r: edit(
        r / "content" / "regions.yml", "About *Europe*.", "The *whole* continent."
    ),
    "authors.yml": lambda r: edit(
        r / "content" / "authors.yml", "role: Fellow", "role: Senior Adviser"
    ),
    "template": lambda r: edit(
        r / "theme" / "templates" / "article.html", "Key takeaways", "In short"
    ),
    "partial": lambda r: edit(
        r / "theme" / "templates" / "partials" / "footer.html",
        "site-footer__about",
        "site-footer__about about",
    ),
    "macro": lambda r: edit(
        r / "theme" / "templates" / "macros.html", "By <span", "Written by <span"
    ),
    "css": lambda r: edit(
        r / "theme" / "static" / "css" / "base.css",
        "}",
        "}\n/* changed */",
    ),
}


# Changes that every page shows (templates, the navigation's region list is
# not among them): nothing can be carried over.
EVERYWHERE = {"template", "partial", "macro"}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_build_equals_clean_build(case, change):
    root, rebuild_and_compare = case
    CHANGES[change](root)
    carried = rebuild_and_compare()
    if change not in EVERYWHERE:
        assert carried > 0, "the incremental build rebuilt everything"


def test_an_image_edited_in_place_keeping_size_and_time_is_copied_again(case):
    root, rebuild_and_compare = case
    CHANGES["body"](root)  # a build that plans: it records the restored
    rebuild_and_compare()  # files' identities as they are now
    recoloured_in_place(root)
    rebuild_and_compare()


def modes_of(folder: Path, kind=Path.is_file) -> set[int]:
    paths = [folder, *folder.rglob("*")] if kind is Path.is_dir else folder.rglob("*")
    return {stat.S_IMODE(p.stat().st_mode) for p in paths if kind(p)}


def test_every_file_has_the_mode_a_clean_build_gives_it(case):
    """A file's permission bits are the build's (0o666 less the umask), not
    the last build's, nor a source's, nor what a hand gave one: a web server
    reading as another user must find every page readable or none."""
    root, rebuild_and_compare = case
    (root / "content" / "images" / "map.svg").chmod(0o600)  # (a source)
    previous = os.umask(0o077)
    try:
        CHANGES["body"](root)
        rebuild_and_compare()
        assert modes_of(root / "output") == {0o600}
        assert modes_of(root / "output", Path.is_dir) == {0o700}
    finally:
        os.umask(previous)
    os.umask(0o022)
    try:
        # (A brief more: Pelican's loggers drop a message said before, and
        # this build, rendering everything, would repeat the last summary.)
        CHANGES["add"](root)
        assert rebuild_and_compare() == 0
        assert modes_of(root / "output") == {0o644}
        assert modes_of(root / "output", Path.is_dir) == {0o755}
        page = root / "output" / "index.html"
        page.chmod(0o600)
        inode = page.stat().st_ino
        carried = rebuild_and_compare()
        assert carried > 0
        assert modes_of(root / "output") == {0o644}
        assert page.stat().st_ino != inode
        os.umask(0o077)  # and nothing else: the site is not up to date
        build(root / "content", root / "output", **settings(root))
        assert modes_of(root / "output") == {0o600}
    finally:
        os.umask(previous)


def test_a_published_image_is_looked_into_again_only_once_it_changed(case, monkeypatch):
    """What is wrong with a published image's bytes (assets.content_refusals)
    is kept by the file's identity: an unchanged image is not read again,
    one changed in place keeping its size and time is, and a refusal kept
    stops the next build as it stopped the first."""
    root, rebuild_and_compare = case
    monkeypatch.setattr(filedigests, "SETTLED_SECONDS", -60.0)  # all settled
    looked = []
    look = assets.content_refusals
    monkeypatch.setattr(
        assets,
        "content_refusals",
        lambda path, data: looked.append(path.name) or look(path, data),
    )
    CHANGES["body"](root)  # (a build with nothing changed looks at nothing)
    rebuild_and_compare()
    assert looked == ["map.svg"] * 2  # the build, then the clean one (no cache)
    looked.clear()
    CHANGES["title"](root)
    rebuild_and_compare()
    assert looked == ["map.svg"]  # the clean build's
    looked.clear()
    recoloured_in_place(root)
    rebuild_and_compare()
    assert looked == ["map.svg"] * 2
    looked.clear()
    image = root / "content" / "images" / "map.svg"
    image.write_text(MAP.replace("/>", "><script>alert(1)</script></svg>"), "utf-8")
    failures = []
    for _ in range(2):
        with pytest.raises(BriefsError) as failed:
            build(root / "content", root / "output", **settings(root))
        failures.append(str(failed.value))
    assert looked == ["map.svg"]
    assert failures[0] == failures[1]
    assert "map.svg" in failures[0] and "script" in failures[0]


def test_one_file_under_two_names_is_looked_into_as_each(site, monkeypatch):
    """Hard links share an identity, not a suffix: a PNG also named .svg is
    refused as an SVG in every build, not only until the PNG's verdict is
    kept."""
    monkeypatch.setattr(filedigests, "SETTLED_SECONDS", -60.0)  # all settled
    png = site.image("images/b.png")
    os.link(png, site.content / "images" / "a.svg")
    site.brief("x", image="images/a.svg", image_alt="A map")
    site.brief(
        "y", image="images/b.png", image_alt="A chart", title="Y", date="2024-02-02"
    )
    for _ in range(2):
        with pytest.raises(BriefsError, match=r"a\.svg.*not a well-formed SVG"):
            site.build()


def changed_during(monkeypatch, step: str, change, undo=None) -> None:
    """Make `change` while the next build runs BriefsGenerator.`step`, just
    before it (and `undo` just after): an editor saving mid-build, without
    timing anything."""
    real = getattr(pipeline.BriefsGenerator, step)

    def during(self, *args, **kwargs):
        change()
        try:
            return real(self, *args, **kwargs)
        finally:
            if undo is not None:
                undo()

    monkeypatch.setattr(pipeline.BriefsGenerator, step, during)


def up_to_date_said(caplog) -> bool:
    return any(r.getMessage().endswith("is up to date") for r in caplog.records)


def test_a_brief_changed_and_undone_while_it_was_read_is_built_again(
    case, monkeypatch, caplog
):
    """The inputs are digested when the build starts; a brief the cache has
    no read of is read again later. Changed in between (and put back before
    the end), the site shows what was read: the build does not record the
    digest it started from, or the output would stay stale once the file
    goes back to it."""
    root, rebuild_and_compare = case
    path = source(root, 5)
    edit(path, "Brief number 5", "Title X")
    saved = path.read_text("utf-8")
    with monkeypatch.context() as patched:
        changed_during(
            patched,
            "read_many",
            lambda: edit(path, "Title X", "Title Y"),
            lambda: path.write_text(saved, "utf-8"),
        )
        build(root / "content", root / "output", **settings(root))
    assert b"Title Y" in (root / "output" / "briefs" / "brief-05.html").read_bytes()
    caplog.set_level(logging.INFO, logger="policy_briefs.build")
    rebuild_and_compare()
    assert not up_to_date_said(caplog)
    build(root / "content", root / "output", **settings(root))
    assert up_to_date_said(caplog)  # (what a build left as it found is)


def test_a_template_changed_while_the_site_was_built_is_built_again(
    case, monkeypatch, caplog
):
    """An input read after the inputs were digested (a template, loaded as
    pages render) and still changed at the end: no inputs digest is
    recorded, so putting the file back builds again."""
    root, rebuild_and_compare = case
    template = root / "theme" / "templates" / "article.html"
    saved = template.read_text("utf-8")
    CHANGES["body"](root)  # (a build to make)
    with monkeypatch.context() as patched:
        changed_during(
            patched,
            "render_and_write",
            lambda: edit(template, "brief__title", "brief__title in-short"),
        )
        build(root / "content", root / "output", **settings(root))
    assert b"in-short" in (root / "output" / "briefs" / "brief-05.html").read_bytes()
    template.write_text(saved, "utf-8")
    caplog.set_level(logging.INFO, logger="policy_briefs.build")
    rebuild_and_compare()
    assert not up_to_date_said(caplog)


def test_an_image_changed_after_it_was_checked_is_not_published(case, monkeypatch):
    """The bytes copied are the bytes checked (svgpolicy) and digested: an
    SVG given a script between its check and its copy fails the build,
    naming it, and the last site stays as it was."""
    root, _ = case
    image = root / "content" / "images" / "map.svg"
    image.write_text(MAP.format(colour="#ff0000"), "utf-8")
    before = files_of(root / "output")
    real = pipeline._copy

    def copy(job, *args):
        image.write_text(MAP.replace("/>", "><script>alert(1)</script></svg>"))
        return real(job, *args)

    monkeypatch.setattr(pipeline, "_copy", copy)
    with pytest.raises(BriefsError) as failed:
        build(root / "content", root / "output", **settings(root))
    assert failed.value.lines == [
        "content/images/map.svg: changed while the site was being built; build again"
    ]
    assert files_of(root / "output") == before


def test_the_cache_deleted_while_the_site_is_built_costs_nothing_else(
    case, monkeypatch
):
    """The cache is safe to delete, even while a build runs: the templates
    it can no longer keep compiled are compiled again, and the build goes
    on."""
    root, rebuild_and_compare = case
    CHANGES["template"](root)  # every page again, its template not compiled yet
    cache = root / "cache"
    changed_during(  # (the clean build has none to delete)
        monkeypatch, "render_and_write", lambda: shutil.rmtree(cache, True)
    )
    rebuild_and_compare()


def test_a_changed_setting(case):
    _, rebuild_and_compare = case
    rebuild_and_compare(SITENAME="Another Name")


def test_a_changed_site_language(case):
    """A brief in Japanese is marked so where the site is in English, not
    where the site is in Japanese too (its search record, its pages)."""
    root, rebuild_and_compare = case
    brief(
        root / "content",
        "nihongo",
        title="地方創生の次の十年",
        date="2024-12-30",
        author="Yuki Tatsumi",
        region="Europe",
        body="人口減少を前提にした地域政策への転換が求められている。",
    )
    rebuild_and_compare()
    rebuild_and_compare(DEFAULT_LANG="ja")


def test_the_previews_warm_renderer_follows_an_edited_partial(case):
    """The preview keeps its renderer between builds (WarmState), and Jinja
    there does not look at template files again: an edited template makes a
    new renderer."""
    root, _ = case
    warm = {pipeline.WARM_STATE_KEY: pipeline.WarmState()}
    CHANGES["body"](root)
    build(root / "content", root / "output", **settings(root, **warm))
    assert warm[pipeline.WARM_STATE_KEY].renderers  # (it rendered the brief)
    CHANGES["partial"](root)
    build(root / "content", root / "output", **settings(root, **warm))
    build(root / "content", root / "clean", **settings(root, **CLEAN))
    assert_same_site(root / "output", root / "clean")


def test_turning_pdfs_on_renders_only_what_links_them(case):
    """Whether a page links a PDF is in its own context: the PDFs come, the
    brief pages and feeds that link them are rendered again, the listings
    are carried over."""
    root, rebuild_and_compare = case
    listing = (root / "output" / "regions" / "index.html").stat()
    carried = rebuild_and_compare(PDF_EDITIONS="auto")
    assert carried > 0
    assert len(list((root / "output" / "briefs").glob("*.pdf"))) == 12
    after = (root / "output" / "regions" / "index.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (listing.st_ino, listing.st_mtime_ns)


def test_the_404_page_follows_the_stylesheets(case):
    """Production's 404.html inlines the theme's CSS: an edit to it renders
    the page again."""
    root, rebuild_and_compare = case
    public = "https://example.org/briefs"
    production = {"SITEURL": public, "FEED_DOMAIN": public}
    rebuild_and_compare(**production)
    edit(root / "theme" / "static" / "css" / "components.css", "}", "}\n/* new */")
    rebuild_and_compare(**production)
    assert "/* new */" in (root / "output" / "404.html").read_text("utf-8")


def planned_after(root: Path, change, planned: list) -> list:
    """What was put in `planned` while building with the cache after
    `change`; the site then equals a clean build."""
    change()
    planned.clear()
    build(root / "content", root / "output", **settings(root))
    made = list(planned)
    build(root / "content", root / "clean", **settings(root, **CLEAN))
    assert_same_site(root / "output", root / "clean")
    shutil.rmtree(root / "clean")
    return made


def test_a_body_edit_plans_none_of_the_pages_made_from_views(case, monkeypatch):
    """A body is in no view: after an edit to one, the listings, archives,
    series and citations are carried over as one family, none of their
    pages planned. One of them altered behind the build's back, or a title
    edited, and the family is planned again; each time the site equals a
    clean build."""
    root, _ = case
    planned = []
    plan_views = pages.view_jobs
    monkeypatch.setattr(
        pages, "view_jobs", lambda *args: planned.append(1) or plan_views(*args)
    )

    def rebuild(change) -> int:
        return len(planned_after(root, change, planned))

    assert rebuild(lambda: CHANGES["body"](root)) == 0
    listing = root / "output" / "regions" / "index.html"

    def alter_listing_and_body():
        listing.unlink()
        listing.write_text("altered", "utf-8")
        edit(source(root, 5), "Changed text with", "Text 5 with")

    assert rebuild(alter_listing_and_body) == 1
    assert rebuild(lambda: CHANGES["title"](root)) == 1


def test_a_body_edit_plans_the_page_of_its_brief_alone(case, monkeypatch):
    """After an edit to a body, the other briefs' pages are carried over
    without being planned; one of them altered behind the build's back is
    planned and made again; a title edit (in the views every brief page
    shows) plans them all. Each time the site equals a clean build."""
    root, _ = case
    planned = []
    plan_pages = pipeline.brief_jobs

    def brief_jobs(site, views, *args):
        planned.extend(view.slug for view in views)
        return plan_pages(site, views, *args)

    monkeypatch.setattr(pipeline, "brief_jobs", brief_jobs)

    def rebuild(change) -> list[str]:
        return sorted(planned_after(root, change, planned))

    assert rebuild(lambda: CHANGES["body"](root)) == ["brief-05"]
    page = root / "output" / "briefs" / "brief-02.html"

    def alter_page_and_body():
        page.unlink()
        page.write_text("altered", "utf-8")
        edit(source(root, 5), "Changed text with", "Text 5 with")

    assert rebuild(alter_page_and_body) == ["brief-02", "brief-05"]
    assert len(rebuild(lambda: CHANGES["title"](root))) == 12


def test_the_theme_is_compiled_once_into_the_cache(case, monkeypatch):
    """The theme's compiled templates are kept in the build cache: the next
    build compiles none of them, and an edited template alone again. Other
    Jinja options compile into a folder of their own (the other removed):
    the site then equals a clean build, which compiles everything."""
    root, rebuild_and_compare = case
    templates = root / "cache" / pipeline.TEMPLATE_CACHE_FOLDER
    (kept,) = templates.iterdir()
    assert any(kept.iterdir())
    compiled = []
    compile_template = jinja2.Environment.compile

    def counted(env, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_template(env, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    CHANGES["body"](root)
    build(root / "content", root / "output", **settings(root))
    assert compiled == []
    CHANGES["partial"](root)
    build(root / "content", root / "output", **settings(root))
    assert compiled == ["partials/footer.html"]
    options = load_settings(root / "content", root / "output")["JINJA_ENVIRONMENT"]
    rebuild_and_compare(JINJA_ENVIRONMENT={**options, "keep_trailing_newline": True})
    (other,) = templates.iterdir()
    assert other != kept


def test_the_compiled_templates_folder_removes_only_its_own_kind(tmp_path):
    """Another key's folder of compiled templates is removed; anything else
    where the cache is (CACHE_PATH may be any folder) is left alone."""
    root = tmp_path / pipeline.TEMPLATE_CACHE_FOLDER
    old = root / ("0" * 32)
    mine = root / "notes"
    for folder in (old, mine):
        folder.mkdir(parents=True)
        (folder / "kept.txt").write_text("x", "utf-8")
    folder = pipeline.template_cache_folder(tmp_path, "code", {})
    assert sorted(path.name for path in root.iterdir()) == sorted(
        [Path(folder).name, "notes"]
    )
    assert (mine / "kept.txt").exists()


def test_the_linker_links_unchanged_files_and_names_one_that_went(tmp_path):
    """Carried-over files are linked into the new folder by another process
    (pipeline.Linker), sent in batches as the build finds them: the same
    inodes, folders made as needed; a file gone since it was checked fails
    the build with its name."""
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "briefs").mkdir(parents=True)
    (old / "index.html").write_text("home", "utf-8")
    names = [f"briefs/{n:05d}-{'x' * 40}.html" for n in range(3000)]  # > a pipe
    for rel in names:
        (old / rel).write_text(rel, "utf-8")
    linker = pipeline.Linker(old, new)
    linker.link(["index.html"])
    linker.link(names)
    linker.finish()
    for rel in ("index.html", *names):
        assert (new / rel).stat().st_ino == (old / rel).stat().st_ino
    linker = pipeline.Linker(old, tmp_path / "newer")
    linker.link(["index.html", "briefs/gone.html"])
    with pytest.raises(BriefsError) as failed:
        linker.finish()
    assert failed.value.lines == [
        f"{old / 'briefs' / 'gone.html'}: changed while the site was being built;"
        " build again"
    ]


def test_a_file_written_over_a_linked_one_gets_an_inode_of_its_own(tmp_path):
    """In a staging folder a new file is written where it goes (its folder
    made first); a name already there (a hard link to the last build's
    file) is replaced, never written into, in staging and in place."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    (old / "page.html").write_bytes(b"last build")
    for staging in (True, False):
        pipeline._write(new, "folder/fresh.html", "f", b"fresh", staging)
        assert (new / "folder" / "fresh.html").read_bytes() == b"fresh"
        (new / "page.html").unlink(missing_ok=True)
        os.link(old / "page.html", new / "page.html")
        entry = pipeline._write(new, "page.html", "f", b"this build", staging)
        assert (new / "page.html").read_bytes() == b"this build"
        assert (old / "page.html").read_bytes() == b"last build"
        assert entry.stat == pipeline._stat(new / "page.html")
        (new / "folder" / "fresh.html").unlink()
    assert [p.name for p in new.rglob("*.tmp")] == []


def test_a_damaged_cache_is_replaced_with_a_notice(case, caplog):
    root, rebuild_and_compare = case
    edit(source(root, 5), "Text 5 with", "Changed text with")
    (cache_file,) = (root / "cache").glob("*.sqlite3")
    data = cache_file.read_bytes()
    cache_file.write_bytes(data[: len(data) // 3])
    for leftover in (root / "cache").glob("*-wal"):
        leftover.unlink()
    with caplog.at_level(logging.WARNING):
        rebuild_and_compare(damaged=True)
    notices = [
        r.getMessage() for r in caplog.records if "build cache" in r.getMessage()
    ]
    assert len(notices) == 1
    assert "could not be used" in notices[0] and "building from scratch" in notices[0]


def test_a_cache_that_cannot_be_made_is_left_out_with_a_notice(case, caplog):
    """A cache folder that cannot be a folder (a file stands in its way):
    the build goes on without a cache, says so, and writes the same site."""
    root, _ = case
    (root / "blocked").write_text("a file, not a folder")
    with caplog.at_level(logging.WARNING):
        build(
            root / "content",
            root / "blocked-output",
            **settings(root, CACHE_PATH=str(root / "blocked" / "cache")),
        )
    notices = [
        r.getMessage() for r in caplog.records if "build cache" in r.getMessage()
    ]
    assert notices and all("Not a directory" in notice for notice in notices)
    build(root / "content", root / "clean", **settings(root, **CLEAN))
    assert_same_site(root / "blocked-output", root / "clean")


def test_a_cache_entry_with_flipped_bytes_is_not_trusted(case, caplog):
    import sqlite3

    root, rebuild_and_compare = case
    (cache_file,) = (root / "cache").glob("*.sqlite3")
    db = sqlite3.connect(cache_file)
    key, blob = db.execute("SELECT key, value FROM bodies LIMIT 1").fetchone()
    damaged = blob[:-5] + bytes(b ^ 0xFF for b in blob[-5:])
    db.execute("UPDATE bodies SET value = ? WHERE key = ?", (damaged, key))
    db.commit()
    db.close()
    edit(source(root, 5), "Text 5 with", "Changed text with")
    with caplog.at_level(logging.WARNING):
        rebuild_and_compare(damaged=True)


def test_only_what_changed_is_rewritten(case):
    root, _ = case
    output = root / "output"
    # Files of a group (search index, open data) whose bytes stay the same
    # are kept too: the other briefs' search documents, the data schema.
    edited_doc = [
        p.relative_to(output).as_posix()
        for p in (output / "search" / "docs").glob("*.js")
        if '"briefs/brief-05.html"' in p.read_text("utf-8")
    ]
    other_docs = sorted(
        p.relative_to(output).as_posix()
        for p in (output / "search" / "docs").glob("*.js")
        if p.relative_to(output).as_posix() not in edited_doc
    )
    assert len(edited_doc) == 1 and other_docs
    untouched = [
        "briefs/brief-11.html",
        "regions/index.html",
        "topics/index.html",
        "data/schema.json",
        "data/regions.json",
        *other_docs,
    ]
    build(root / "content", output, **settings(root))
    before = {name: (output / name).stat() for name in untouched}
    edited = (output / "briefs" / "brief-05.html").stat()
    edit(source(root, 5), "Text 5 with", "Changed text with")
    build(root / "content", output, **settings(root))
    for name in untouched:
        after = (output / name).stat()
        assert (after.st_ino, after.st_mtime_ns) == (
            before[name].st_ino,
            before[name].st_mtime_ns,
        ), name
    assert (output / "briefs" / "brief-05.html").stat().st_ino != edited.st_ino
    assert "Changed text" in (output / "briefs" / "brief-05.html").read_text("utf-8")
    edited_record = search.read_script((output / edited_doc[0]).read_bytes())[2]
    text = zlib.decompress(base64.b64decode(edited_record["text"])).decode()
    assert "Changed text" in text


def test_a_search_file_altered_since_the_last_build_is_made_again(case):
    """An edit makes only the search files it changes and keeps the others
    from the last build's output: only while they are as that build left
    them. One altered behind the build's back makes every file anew."""
    root, rebuild_and_compare = case
    docs = sorted((root / "output" / "search" / "docs").glob("*.js"))
    untouched = next(p for p in docs if "brief-05.html" not in p.read_text("utf-8"))
    untouched.unlink()
    untouched.write_text("altered", "utf-8")
    edit(source(root, 5), "Text 5 with", "Changed text with")
    rebuild_and_compare()


@pytest.mark.skipif(os.cpu_count() < 2, reason="on one core the build makes it")
def test_an_edit_updates_the_search_index_in_a_process_of_its_own(case, monkeypatch):
    """After an edit, the SearchWorker updates the index from the cache while
    the build plans: the build process does not make it."""
    root, _ = case
    monkeypatch.setattr(pipeline, "SEARCH_WORKER_FROM", 0)  # (a small index)
    edit(source(root, 5), "Text 5 with", "Changed text with")
    with monkeypatch.context() as patch:
        patch.setattr(search, "build_index", None)  # (not in this process)
        build(root / "content", root / "output", **settings(root))
    build(root / "content", root / "clean", **settings(root, **CLEAN))
    assert_same_site(root / "output", root / "clean")


@pytest.mark.skipif(os.cpu_count() < 2, reason="on one core the build makes it")
def test_the_open_data_is_made_beside_the_build_when_the_index_stays(case, monkeypatch):
    """When the search index stays as it was (PDFs turned on: each entry
    names its PDF, no search record changes), the SearchWorker makes the
    open data files from the cache while the build plans: the build
    process does not make them. A file altered behind the build's back is
    made again, the others kept (the same inode, as the last build left
    them). After an edit to a body, the SearchWorker updates the index and
    the build makes the files itself."""
    root, _ = case
    monkeypatch.setattr(pipeline, "SEARCH_WORKER_FROM", 0)  # (a small index)
    output = root / "output"
    altered = output / "data" / "briefs.bib"
    altered.unlink()
    altered.write_text("altered", "utf-8")
    kept = output / "data" / "regions.json"
    before = kept.stat()
    with monkeypatch.context() as patch:
        patch.setattr(opendata, "catalogue_files", None)  # (not in this process)
        build(root / "content", output, **settings(root, PDF_EDITIONS="auto"))
    after = kept.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # (a word more: the open data changes with the index, by its word count)
    edit(source(root, 5), "Text 5 with", "Text 5, a word longer, with")
    with monkeypatch.context() as patch:
        patch.setattr(pipeline.SearchWorker, "catalogue", None)  # (not there)
        build(root / "content", output, **settings(root, PDF_EDITIONS="auto"))
    clean = settings(root, PDF_EDITIONS="auto", **CLEAN)
    build(root / "content", root / "clean", **clean)
    assert_same_site(output, root / "clean")


@pytest.mark.parametrize(
    ("table", "state", "count"),
    [("states", "search-index", 1), ("data", None, 11)],
)
def test_what_fails_in_the_search_worker_is_made_by_the_build(
    case, caplog, monkeypatch, table, state, count
):
    """The SearchWorker never repairs the cache: an entry it cannot read
    (the search index's state) fails its work, and the build makes the
    index itself (one notice of the damaged entries, the build's). The
    build, making the open data after an edit, repairs what it reads."""
    root, rebuild_and_compare = case
    monkeypatch.setattr(pipeline, "SEARCH_WORKER_FROM", 0)
    wanted = state and pipeline.state_key(pipeline.code_version(), state)
    (cache_file,) = (root / "cache").glob("*.sqlite3")
    with sqlite3.connect(cache_file) as db:
        for key, blob in db.execute(f"SELECT key, value FROM {table}").fetchall():
            if wanted in (None, key):
                damaged = blob[:-5] + bytes(b ^ 0xFF for b in blob[-5:])
                update = f"UPDATE {table} SET value = ? WHERE key = ?"
                db.execute(update, (damaged, key))
    # (a word more: the open data changes with the index, by its word count)
    edit(source(root, 5), "Text 5 with", "Text 5, a word longer, with")
    with caplog.at_level(logging.WARNING):
        rebuild_and_compare(damaged=True)
    notices = [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()]
    assert notices == [
        f"build cache {cache_file}: {count} damaged {table} entries ignored"
        " (made again)"
    ]


def test_what_the_cache_lost_is_made_again_from_the_sources(case):
    """Rendered bodies and search terms the cache no longer has are made
    again from each brief's file (the build does not hold every file's
    bytes for that)."""
    root, rebuild_and_compare = case
    (database,) = (root / "cache").glob("*.sqlite3")
    with sqlite3.connect(database) as db:
        assert db.execute("DELETE FROM bodies").rowcount > 0
        assert db.execute("DELETE FROM terms").rowcount > 0
    edit(source(root, 5), "Text 5 with", "Changed text with")
    CHANGES["template"](root)  # every page again: every body is needed
    rebuild_and_compare()


def brief_reads(monkeypatch) -> Counter:
    """How many times each brief's file is read, from now on."""
    reads = Counter()
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.suffix == ".md":
            reads[path.name] += 1
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return reads


def test_an_edit_build_reads_each_unchanged_brief_once(case, monkeypatch):
    """A new build process reads every input for its up-to-date check and
    keeps their digests: a brief whose read the cache has is not read again;
    the edited one is, for its read. (The inputs are digested again at the
    end, from the digests remembered by identity: all settled here, the
    files of the case being fresh copies; a file changed less than
    SETTLED_SECONDS before the build is read then once more.)"""
    root, _ = case
    monkeypatch.setattr(filedigests, "SETTLED_SECONDS", -60.0)  # all settled
    CHANGES["body"](root)
    reads = brief_reads(monkeypatch)
    build(root / "content", root / "output", **settings(root))
    assert len(reads) == 12
    assert {name: n for name, n in reads.items() if n != 1} == {"brief-05.md": 2}
    build(root / "content", root / "clean", **settings(root, **CLEAN))
    assert_same_site(root / "output", root / "clean")


def test_the_preview_reads_again_only_a_brief_that_changed(case, monkeypatch):
    """The preview remembers each brief's digest by its file's identity. An
    edit that keeps the size and puts the modification time back is still
    seen: the kernel's change time (ctime) is part of the identity."""
    root, _ = case
    monkeypatch.setattr(filedigests, "SETTLED_SECONDS", -60.0)  # all settled
    preview = {"inputs_changed": True, **settings(root)}
    warm = {pipeline.WARM_STATE_KEY: pipeline.WarmState()}
    build(root / "content", root / "output", **preview, **warm)
    path = source(root, 5)
    before = path.stat()
    edit(path, "Text 5 with", "Text 5 WITH")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    reads = brief_reads(monkeypatch)
    build(root / "content", root / "output", **preview, **warm)
    assert dict(reads) == {"brief-05.md": 1}
    build(root / "content", root / "clean", **settings(root, **CLEAN))
    assert_same_site(root / "output", root / "clean")


def test_a_new_build_process_reads_again_only_a_brief_that_changed(case, monkeypatch):
    """A build remembers the input files' digests by their identities in the
    cache: the next build process reads again only the edited brief (for the
    up-to-date check, then for its read), even when the edit keeps its size
    and modification time."""
    root, _ = case
    monkeypatch.setattr(filedigests, "SETTLED_SECONDS", -60.0)  # all settled
    build(root / "content", root / "output", **settings(root))
    path = source(root, 5)
    before = path.stat()
    edit(path, "Text 5 with", "Text 5 WITH")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads = brief_reads(monkeypatch)
    build(root / "content", root / "output", **settings(root))
    assert dict(reads) == {"brief-05.md": 2}
    build(root / "content", root / "clean", **settings(root, **CLEAN))
    assert_same_site(root / "output", root / "clean")


def test_a_read_brings_the_fingerprint_pages_would_make_of_its_brief():
    """pages.Digests takes each brief's fingerprint from its read (made in
    the worker, kept in the cache) rather than pickle the brief again: it is
    the one Digests makes of the brief the build keeps, for every brief of
    the sample site."""
    settings = load_settings(ROOT / "content", ROOT / "output")
    config = ReadSettings.from_settings(settings)
    sources = sorted((ROOT / "content" / "briefs").rglob("*.md"))
    assert sources
    for path in sources:
        kept = read_source(path, path.name, path.read_bytes(), config).without_body()
        assert kept.brief_digest == Digests().of(kept.brief)


def test_plain_values_are_told_apart_by_their_fingerprints():
    """A tuple of plain values is fingerprinted by its repr (cache.py): as
    with pickling, values that differ in type, text or time zone differ,
    and equal values made apart are equal."""
    moment = (2024, 3, 1, 9, 30)
    different = [
        ("a",),
        (Markup("a"),),
        ("None",),
        (None,),
        (1,),
        (True,),
        (1.0,),
        ("a", "b"),
        ("a', 'b",),
        (datetime(*moment, tzinfo=UTC),),
        (SafeDatetime(*moment, tzinfo=UTC),),
        (SafeDatetime(*moment, tzinfo=ZoneInfo("Europe/London")),),
        (SafeDatetime(*moment, tzinfo=ZoneInfo("Europe/Lisbon")),),
        ("a", Link("a", "a", "a.html", "a.html", None)),  # (pickled)
    ]
    assert len({fingerprint(value) for value in different}) == len(different)
    assert fingerprint(("ab", SafeDatetime(*moment, tzinfo=UTC))) == fingerprint(
        ("".join(["a", "b"]), SafeDatetime(*moment, tzinfo=UTC))
    )


def test_a_remembered_digest_stands_until_the_file_changes(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"one")
    settled = time.time() + SETTLED_SECONDS + 1  # a build that starts later
    files = Remembered()
    assert files.digest(path, settled) == (digest_of(b"one"), b"one")
    assert files.digest(path, settled) == (digest_of(b"one"), None)
    files.keep_only({str(tmp_path / "other.md")})
    assert files.digest(path, settled) == (digest_of(b"one"), b"one")


def test_a_file_changed_just_before_a_build_is_not_remembered(tmp_path):
    """Changed within SETTLED_SECONDS of the build, a file could change again
    within the same tick of the clock and keep its identity: it is read
    again by the next build."""
    path = tmp_path / "a.md"
    path.write_bytes(b"one")
    files = Remembered()
    files.digest(path, time.time())
    assert files.digest(path, time.time()) == (digest_of(b"one"), b"one")


def test_a_source_changed_since_it_was_read_is_not_read_again(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: A\n---\nText")
    digest = digest_of(path.read_bytes())
    key = pipeline.read_key(path, "a.md", digest, "signature")
    path.write_bytes(b"---\ntitle: B\n---\nText")
    with pytest.raises(BriefsError, match=r"^a\.md: changed while the site was being"):
        pipeline._read_again(path, "a.md", key, "signature", None)


def test_parallel_build_equals_serial_build(tmp_path, monkeypatch):
    """Reading, the registries' texts, the related briefs, the open data
    texts, rendering and PDFs in the workers give what a serial build gives
    (the thresholds are read when the build runs: set to one item, every
    stage goes to the workers)."""
    write_site(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline, "RENDER_PARALLEL_FROM", 1)
    in_workers = []
    real_submit = pipeline.Workers.submit

    def submit(self, function, items, serial, *args, **options):
        results = real_submit(self, function, items, serial, *args, **options)
        if not isinstance(results, map):  # (the serial path maps `serial`)
            in_workers.append(getattr(function, "func", function).__name__)
        return results

    monkeypatch.setattr(pipeline.Workers, "submit", submit)
    tables = []

    class SharedValues(pipeline.SharedValues):
        def __init__(self, values):
            super().__init__(values)
            tables.append(self.ref)

    monkeypatch.setattr(pipeline, "SharedValues", SharedValues)
    build(
        tmp_path / "content",
        tmp_path / "parallel",
        CACHE_PATH=str(tmp_path / "cache"),
        BRIEFS={"cache": False, "workers": 2},
    )
    assert {
        "_read_job",
        "render_markdown",  # the registries' bios and descriptions
        "related_lists",
        "render_in_worker",
        "_render_and_write",
    } <= set(in_workers)
    # The views went to the workers in one table, unlinked once done.
    assert len(tables) == 1
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(tables[0].name)
    build(tmp_path / "content", tmp_path / "serial", **CLEAN)
    assert_same_site(tmp_path / "parallel", tmp_path / "serial")


# A build from the command line, with every stage in the workers; prints
# how each pool of workers it made started.
FORKED_BUILD = """
import sys
from briefs import pipeline
from policy_briefs.build import build

pipeline.PARALLEL_FROM = pipeline.RENDER_PARALLEL_FROM = 1
started = []
real_pool = pipeline.Workers.pool

def pool(self):
    if self._pool is None:
        started.append(self.start_method)
    return real_pool(self)

pipeline.Workers.pool = pool
build(sys.argv[1], sys.argv[2], CACHE_PATH=sys.argv[3], PDF_EDITIONS="off",
      BRIEFS={"workers": 2})
print(*started)
"""


def test_workers_forked_by_a_build_from_the_command_line_make_the_same_site(tmp_path):
    """A build process that runs one thread forks its workers (they start
    with the plugin imported; pipeline._early_start_method): the site a
    serial build makes."""
    write_site(tmp_path)
    forked = subprocess.run(
        [sys.executable, "-c", FORKED_BUILD]
        + [str(tmp_path / name) for name in ("content", "parallel", "cache")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert forked.returncode == 0, forked.stderr
    assert "Warning" not in forked.stderr  # (e.g. from a resource tracker of its own)
    assert forked.stdout.splitlines()[-1] == "fork"  # (after Pelican's summary)
    build(tmp_path / "content", tmp_path / "serial", **CLEAN, PDF_EDITIONS="off")
    assert_same_site(tmp_path / "parallel", tmp_path / "serial")


def test_without_shared_memory_the_views_go_with_each_batch(tmp_path, monkeypatch):
    """Where no block of shared memory can be made (no /dev/shm, or a full
    one), the workers are sent the views with every batch: the same site."""
    write_site(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline, "RENDER_PARALLEL_FROM", 1)

    def no_memory(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shared_memory, "SharedMemory", no_memory)
    parallel = {"CACHE_PATH": str(tmp_path / "cache"), "PDF_EDITIONS": "off"}
    build(tmp_path / "content", tmp_path / "parallel", **parallel,
          BRIEFS={"cache": False, "workers": 2})  # fmt: skip
    build(tmp_path / "content", tmp_path / "serial", **CLEAN, PDF_EDITIONS="off")
    assert_same_site(tmp_path / "parallel", tmp_path / "serial")


def _early_workers(monkeypatch) -> list:
    """Every Workers.early of the builds to come (None or the workers), with
    the worker processes used from one brief on."""
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline, "RENDER_PARALLEL_FROM", 1)
    started = []
    real_early = pipeline.Workers.early.__func__

    def early(cls, settings, output):
        started.append(real_early(cls, settings, output))
        return started[-1]

    monkeypatch.setattr(pipeline.Workers, "early", classmethod(early))
    return started


def test_a_build_from_nothing_starts_its_workers_early(tmp_path, monkeypatch, caplog):
    """A build with no manifest of its output in the cache starts its workers
    before it digests its inputs, and its generator reads and renders with
    them: the same site as a serial build. The next build of that output
    (an edit's, a check that it is up to date) starts none."""
    write_site(tmp_path)
    started = _early_workers(monkeypatch)
    caplog.set_level(logging.DEBUG, logger="briefs.pipeline")
    cached = {"CACHE_PATH": str(tmp_path / "cache"), "PDF_EDITIONS": "off",
              "BRIEFS": {"workers": 2}}  # fmt: skip
    build(tmp_path / "content", tmp_path / "site", **cached)
    assert started[0] is not None and started[0].count == 2
    assert "the workers started early are used" in caplog.messages
    assert started[0]._pool is None  # closed with the build
    build(tmp_path / "content", tmp_path / "serial", **CLEAN, PDF_EDITIONS="off")
    assert_same_site(tmp_path / "site", tmp_path / "serial")
    brief = next((tmp_path / "content" / "briefs").rglob("*.md"))
    brief.write_text(brief.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    build(tmp_path / "content", tmp_path / "site", **cached)
    assert started[1] is None


def test_a_damaged_cache_starts_no_workers_early(tmp_path, monkeypatch, caplog):
    """A cache that cannot be read is the build's to repair (with its one
    notice): no workers are started before it, and the site is the same."""
    write_site(tmp_path)
    started = _early_workers(monkeypatch)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "briefs-cache.sqlite3").write_bytes(b"not a database" * 99)
    with caplog.at_level(logging.WARNING):
        build(tmp_path / "content", tmp_path / "site", PDF_EDITIONS="off",
              CACHE_PATH=str(tmp_path / "cache"), BRIEFS={"workers": 2})  # fmt: skip
    assert started == [None]
    assert sum("could not be used" in m for m in caplog.messages) == 1
    build(tmp_path / "content", tmp_path / "serial", **CLEAN, PDF_EDITIONS="off")
    assert_same_site(tmp_path / "site", tmp_path / "serial")


def test_workers_started_with_other_settings_are_not_used(
    tmp_path, monkeypatch, caplog
):
    """Workers started early whose settings are not the ones the generator
    would start its own with (Pelican fills some in as it runs) are closed,
    and the build starts its own: the same site."""
    write_site(tmp_path)
    started = _early_workers(monkeypatch)
    real_prepare = pipeline.MarkdownReader

    def not_filled_in(settings):
        """As if Pelican's run filled in MARKDOWN otherwise than before."""
        settings["MARKDOWN"] = {**settings["MARKDOWN"], "tab_length": 2}
        return real_prepare(settings)

    monkeypatch.setattr(pipeline, "MarkdownReader", not_filled_in)
    caplog.set_level(logging.DEBUG, logger="briefs.pipeline")
    build(tmp_path / "content", tmp_path / "site", PDF_EDITIONS="off",
          BRIEFS={"cache": False, "workers": 2})  # fmt: skip
    assert started[0] is not None and started[0]._pool is None
    assert "the workers started early differ: closed" in caplog.messages
    build(tmp_path / "content", tmp_path / "serial", **CLEAN, PDF_EDITIONS="off")
    assert_same_site(tmp_path / "site", tmp_path / "serial")


def test_brief_pages_started_before_the_plan_equal_a_clean_build(tmp_path, monkeypatch):
    """From RENDER_PARALLEL_FROM brief pages on, they are carried over or
    started in the workers before the listings and feeds are planned; a
    build from nothing and an edit then give what a clean build gives. In
    the edit, the pages of the other briefs are carried over unplanned."""
    content = write_site(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline, "RENDER_PARALLEL_FROM", 1)
    started = []
    real_start = pipeline.BriefsGenerator.start_pages

    def start_pages(self, jobs, *args):
        ids, early, results = real_start(self, jobs, *args)
        started.append((len(ids), [job.save_as for job in early]))
        return ids, early, results

    monkeypatch.setattr(pipeline.BriefsGenerator, "start_pages", start_pages)
    early = {"CACHE_PATH": str(tmp_path / "cache"), "BRIEFS": {"workers": 2}}
    build(content, tmp_path / "site", **early, **SMALL_PAGES)
    build(content, tmp_path / "clean", **CLEAN, **SMALL_PAGES)
    assert_same_site(tmp_path / "site", tmp_path / "clean")
    edited = content / "briefs" / "2024" / "brief-03.md"
    edited.write_text(edited.read_text("utf-8").replace("Text 3", "Text three"))
    build(content, tmp_path / "site", **early, **SMALL_PAGES)
    build(content, tmp_path / "clean-2", **CLEAN, **SMALL_PAGES)
    assert_same_site(tmp_path / "site", tmp_path / "clean-2")
    # (The clean builds, in one process, start none early.)
    assert [count for count, _ in started] == [12, 0, 1, 0]
    assert len(started[0][1]) == 12
    assert started[2][1] == ["briefs/brief-03.html"]


def test_a_build_that_fails_keeps_its_reads_for_the_next(tmp_path, monkeypatch):
    """The reads are stored in the cache once the workers have pages to
    render, or when the build stops before: after a brief with a bad date
    fails the build, the next build reads only that brief again."""
    content = write_site(tmp_path)
    bad = content / "briefs" / "2024" / "brief-05.md"
    good_text = bad.read_text("utf-8")
    bad.write_text(good_text.replace("date: 2024-06-06", "date: 2024-13-06"))
    cached = {"CACHE_PATH": str(tmp_path / "cache"), "BRIEFS": {"workers": 1}}
    with pytest.raises(BriefsError, match=r"brief-05\.md"):
        build(content, tmp_path / "site", **cached, **SMALL_PAGES)
    read = []
    real_read = pipeline.read_source

    def read_source(path, *args, **kwargs):
        read.append(Path(path).name)
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_source", read_source)
    bad.write_text(good_text)
    build(content, tmp_path / "site", **cached, **SMALL_PAGES)
    assert read == ["brief-05.md"]
