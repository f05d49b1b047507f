"""Publish only what published pages use; never hang, never lose a brief.

A file under content/ reaches the output only as a brief's image, a
published author's photo or a file a published text links to. Hidden files
and editor droppings are ignored with no error; every other unused file is
named in a warning. Special files and unreadable folders fail the build
naming them.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import zlib
from contextlib import contextmanager

import pytest
from conftest import ROOT, run_invoke, snapshot

from briefs.collection import validate_content
from policy_briefs.build import BuildError

PNG = b"\x89PNG\r\n\x1a\n"


def write(site, relative: str, data: bytes = PNG):
    path = site.content / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def published(site) -> set[str]:
    """Every file of the output copied from content/ (not the theme's files,
    pages or feeds)."""
    made = ("theme/", "data/", "search/", "briefs/", ".policy-briefs-build")
    return {
        name
        for name in snapshot(site.output)
        if not name.startswith(made) and not name.endswith((".html", ".xml", ".opml"))
    }


HIDDEN_AND_DROPPINGS = [
    ".env",
    ".DS_Store",
    ".git/config",
    "images/.DS_Store",
    "images/._map.png",
    "images/.secret.png",
    "briefs/2024/.#water-policy.md",
    "briefs/2024/._water-policy.md",
    "briefs/2024/water-policy.md~",
    "briefs/2024/#water-policy.md#",
    "briefs/.drafts/secret.md",
    "images/Thumbs.db",
]


def test_hidden_files_and_droppings_are_ignored_and_never_published(site):
    site.brief("water-policy", image="images/map.png", image_alt="A map")
    write(site, "images/map.png")
    for relative in HIDDEN_AND_DROPPINGS:
        write(site, relative, b"SECRET=1\n")
    result = site.build()
    assert published(site) == {"images/map.png"}
    assert result.warnings == []
    assert validate_content(site.content).problems == []


def test_only_files_published_pages_use_are_copied(site):
    write(site, "images/map.png")
    write(site, "images/chart.png")
    write(site, "images/people/yuki.jpg")
    write(site, "files/report.pdf", b"%PDF-1.4\n")
    write(site, "images/unused.png")
    write(site, "images/draft-only.png")
    write(site, "images/notes.md", b"---\nstatus: draft\n---\nNotes.\n")
    site.registry(
        "authors.yml",
        [
            {"name": "Yuki Tatsumi", "photo": "images/people/yuki.jpg"},
            {"name": "Søren Kjærgaard", "bio": "See ![x](../images/chart.png)."},
        ],
    )
    site.brief(
        "water-policy",
        body="Read [the report](../files/report.pdf).",
        image="images/map.png",
        image_alt="A map",
    )
    site.brief(
        "draft", status="draft", image="images/draft-only.png", image_alt="A draft"
    )
    result = site.build()
    # chart.png is linked from the bio of an author with no published brief.
    assert published(site) == {
        "images/map.png",
        "images/people/yuki.jpg",
        "files/report.pdf",
    }
    assert sorted(result.warnings) == [
        "content/images/chart.png: warning: not used by any published page (as a "
        "brief's image, an author's photo or a link in a text), so it is not "
        "published",
        "content/images/draft-only.png: warning: used only by draft briefs, so not "
        "published until one of them is",
        "content/images/notes.md: warning: Markdown outside briefs/ is not a brief "
        "and is never published; move it into briefs/ or out of content/",
        "content/images/unused.png: warning: not used by any published page (as a "
        "brief's image, an author's photo or a link in a text), so it is not "
        "published",
    ]


def test_preview_with_drafts_publishes_the_drafts_files(site):
    write(site, "images/draft-only.png")
    site.brief("draft", status="draft", image="images/draft-only.png", image_alt="A")
    site.build(BRIEFS={"show_drafts": True})
    assert (site.output / "images" / "draft-only.png").is_file()


def test_invoke_check_names_every_unused_file(site):
    site.brief("water-policy")
    write(site, "images/unused.png")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 0, result.stderr
    assert (
        "content/images/unused.png: warning: not used by any published page"
    ) in result.stderr


def test_a_used_file_never_replaces_a_file_the_site_writes(site):
    """(An .html file is never published at all: a page links to it is
    the message then, tests/test_htmlpolicy.py.)"""
    site.brief("good")
    site.build()
    before = snapshot(site.output)
    write(site, "data/briefs.csv", b"title\nNot the catalogue\n")
    site.brief("water-policy", body="The [data](../data/briefs.csv).")
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        "content/data/briefs.csv: is in data/, a folder the site writes itself; "
        "move the file"
    ]
    assert snapshot(site.output) == before
    for folder in ("search", "theme"):
        (site.content / "data").rename(site.content / folder)
        site.brief("water-policy", body=f"The [data](../{folder}/briefs.csv).")
        with pytest.raises(BuildError) as failure:
            site.build()
        assert failure.value.lines == [
            f"content/{folder}/briefs.csv: is in {folder}/, a folder the site "
            "writes itself; move the file"
        ]
        (site.content / folder).rename(site.content / "data")
    write(site, "topics/index.csv", b"x\n")
    site.brief("water-policy", body="The [data](../topics/index.csv).")
    site.build()  # a folder the site writes pages into, but not this file
    assert (site.output / "topics" / "index.csv").is_file()


@pytest.mark.parametrize("name", ["robots.txt", "Robots.TXT"])
def test_a_used_file_never_takes_the_name_of_a_production_file(site, name):
    """Even in a development build, which writes no robots.txt: production
    would replace it. (The other files production writes, sitemap.xml,
    CNAME, .nojekyll and 404.html, have suffixes no used file may have.)"""
    write(site, name, b"User-agent: *\nDisallow: /\n")
    site.brief("water-policy", body=f"The [policy](../{name}).")
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        f"content/{name}: would replace {name}, which the site itself writes; "
        "rename the file"
    ]
    assert not site.output.exists()


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging forever (a named pipe blocks any reader)."""

    def expire(*_):
        # Not an OSError (TimeoutError is one): no `except OSError` in the
        # build may swallow it and carry on as if the read had failed.
        pytest.fail(f"the build hung for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("where", ["briefs/2024/x.md", "images/pipe.png"])
def test_named_pipe_fails_the_build_naming_it(site, where):
    site.brief("good")
    site.build()
    before = snapshot(site.output)
    (site.content / where).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(site.content / where)
    with deadline(30), pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        f"content/{where}: not a regular file (a named pipe, socket or device); "
        "the build cannot read it; remove it"
    ]
    assert snapshot(site.output) == before


def test_unreadable_folder_fails_the_build_naming_it(site):
    """Run as an editor would (not root): root reads any folder, so a root
    test run drops the capability to ignore permissions."""
    for name in ("a", "b", "c", "d", "e"):
        site.brief(name)
    locked = site.content / "briefs" / "2025"
    locked.mkdir()
    (site.content / "briefs" / "2024" / "e.md").rename(locked / "e.md")
    locked.chmod(0)
    try:
        result = run_invoke(
            "build", "--content", str(site.content), "--output", str(site.output),
            unprivileged=True,
        )  # fmt: skip
    finally:
        locked.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "content/briefs/2025: cannot read this folder (Permission denied); its "
        "files would be left out; fix its permissions"
    ) in result.stderr.splitlines()
    assert not site.output.exists()


def test_the_theme_publishes_no_leftovers(site, tmp_path):
    """An editor's backup or the system's thumbnail cache beside a theme
    file is never copied: `invoke publish` does not ask for it to be
    committed (policy_briefs/deploy.py)."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    for name in ("css/base.css~", "#notes.txt#", "Thumbs.db", ".DS_Store"):
        (theme / "static" / name).write_text("left over", "utf-8")
    site.brief("good")
    site.build(THEME=str(theme))
    copied = {p.name for p in (site.output / "theme").rglob("*")}
    assert "base.css" in copied
    assert not copied & {"base.css~", "#notes.txt#", "Thumbs.db", ".DS_Store"}


def png_header(width: int, height: int) -> bytes:
    """A PNG of `width` × `height` pixels that only says so: its header and
    an empty picture (a reader looks at the header to know its size)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("size", "said"),
    [((12_000, 12_000), "12,000 × 12,000 pixels"), ((20_000, 20_000), "over 179")],
)
def test_an_image_of_too_many_pixels_is_refused(site, size, said):
    """A 420 KB PNG of 12,000 pixels square took the PDF engine 1.2 GB."""
    write(site, "images/huge.png", png_header(*size))
    site.brief("water-policy", image="images/huge.png", image_alt="A map")
    with pytest.raises(BuildError) as failure:
        site.build()
    (line,) = failure.value.lines
    assert line.startswith(f"content/images/huge.png: the image is {said}")
    assert line.endswith(
        "more than the 89 megapixels it may have; export it smaller (1,600 "
        "pixels wide is plenty for the site and its PDFs)"
    )
    write(site, "images/huge.png", png_header(8_000, 6_000))
    site.build()  # 48 megapixels: a large photo, but not one to refuse


def test_an_image_must_be_one(site):
    """A page disguised as a photo (a browser trusts the bytes over the
    name) stops the build; an image of another kind than its name is
    still an image."""
    site.registry(
        "authors.yml", [{"name": "Yuki Tatsumi", "photo": "images/people/yuki.jpg"}]
    )
    write(site, "images/people/yuki.jpg", b"<html><script>alert(1)</script>")
    write(site, "images/map.jpg")  # PNG bytes under a .jpg name
    site.brief("water-policy", image="images/map.jpg", image_alt="A map")
    with pytest.raises(BuildError) as failure:
        site.build()
    assert failure.value.lines == [
        "content/images/people/yuki.jpg: not an image: a .jpg file must be a PNG, "
        "JPEG, GIF, WebP or AVIF image, and this one starts with "
        "b'<html><scrip'; export it again"
    ]
    write(site, "images/people/yuki.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    site.build()
    assert published(site) == {"images/map.jpg", "images/people/yuki.jpg"}
