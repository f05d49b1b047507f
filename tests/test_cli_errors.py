"""Every failure a user can reach is one line, never a traceback: files the
build cannot read or write, folders that are missing or in the way, and
plain Pelican on the same cases (plus an interrupted write, which must not
leave a broken feed behind)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import run_invoke as invoke
from test_cli import pelican

from briefs.interrupts import INTERRUPT_AT


def assert_one_line(result, line: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [line]


UNREADABLE = (
    "content/briefs/2024/locked.md: cannot read the file (Permission denied); "
    "check its permissions"
)


def test_check_and_build_name_an_unreadable_brief(site):
    site.brief("good")
    site.brief("locked").chmod(0o000)
    checked = invoke("check", "--content", str(site.content), unprivileged=True)
    assert checked.returncode == 1
    assert UNREADABLE in checked.stderr.splitlines()
    assert "Traceback" not in checked.stderr
    built = pelican(site, unprivileged=True)
    assert built.returncode == 1
    assert UNREADABLE in built.stderr.splitlines()
    assert "Traceback" not in built.stderr
    assert not site.output.exists()


def test_an_unreadable_registry_is_named(site):
    site.brief("good")
    (site.content / "regions.yml").chmod(0o000)
    result = invoke("check", "--content", str(site.content), unprivileged=True)
    assert result.returncode == 1
    assert (
        "content/regions.yml: cannot read the file (Permission denied); check its "
        "permissions"
    ) in result.stderr.splitlines()


def test_plain_pelican_into_a_read_only_folder_is_one_line(site):
    site.brief("good")
    site.output.mkdir()
    site.output.chmod(0o555)
    result = pelican(site, unprivileged=True)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"cannot write into {site.output}: Permission denied"
    )
    assert "Traceback" not in result.stderr


def test_new_when_the_year_folder_is_a_file(site):
    (site.content / "briefs" / "2026").write_text("not a folder", "utf-8")
    result = invoke(
        "new", "A Brief", "--author", "Guest", "--region", "Europe",
        "--date", "2026-01-05", "--content", str(site.content),
    )  # fmt: skip
    assert_one_line(
        result,
        "content/briefs/2026 is a file, not a folder; move it away or rename it, "
        "then try again (nothing was written).",
    )


def test_new_and_new_region_in_a_read_only_content_folder(site):
    for folder in (site.content, site.content / "briefs"):
        folder.chmod(0o555)
    new = invoke(
        "new", "A Brief", "--author", "Guest", "--region", "Europe",
        "--date", "2026-01-05", "--content", str(site.content),
        unprivileged=True,
    )  # fmt: skip
    assert_one_line(
        new,
        "Cannot write content/briefs/2026/a-brief.md (Permission denied); nothing "
        "was written.",
    )
    region = invoke(
        "new-region", "Atlantis", "--content", str(site.content), unprivileged=True
    )
    assert_one_line(
        region,
        "Cannot write content/regions.yml (Permission denied); nothing was written.",
    )


def test_a_missing_content_folder_is_one_line(tmp_path):
    missing = str(tmp_path / "missing")
    line = f"the content folder '{missing}' does not exist"
    assert_one_line(invoke("check", "--content", missing), line)
    assert_one_line(
        invoke("build", "--content", missing, "--output", str(tmp_path / "out")), line
    )
    assert_one_line(
        invoke("bundle", "--content", missing, "--dist", str(tmp_path / "dist")), line
    )
    assert_one_line(
        invoke("new", "T", "--author", "A", "--region", "R", "--content", missing),
        line,
    )
    assert not (tmp_path / "out").exists()


def test_linkcheck_of_a_missing_folder_fails(tmp_path):
    result = invoke("linkcheck", "--output", str(tmp_path / "missing"))
    assert_one_line(result, f"the site folder '{tmp_path / 'missing'}' does not exist")


def test_plain_pelican_interrupted_while_writing_leaves_no_broken_feed(site):
    """Ctrl-C right after the first file (the main feed) is written, before
    it replaces the old one: the old, valid feed stays."""
    brief = site.brief("good")
    assert pelican(site).returncode == 0
    feed = site.output / "feeds" / "all.atom.xml"
    before = feed.read_bytes()
    brief.write_text(brief.read_text("utf-8").replace("Water Policy", "Changed"))

    result = pelican(site, env={INTERRUPT_AT: "file-written:SIGINT"})
    said = result.stdout + result.stderr  # Pelican logs to stdout
    assert "Keyboard interrupt received" in said
    assert "Traceback" not in said
    assert feed.read_bytes() == before
    ET.fromstring(before)
    assert [p.name for p in site.output.rglob(".*.partial")] == []


def test_keys_and_file_names_cannot_forge_lines_or_terminal_escapes(site):
    """Quoted keys can spell any character (\\n, \\e) and so can file names:
    every message escapes what a terminal would not show as itself."""
    site.brief("good")
    site.raw(
        "a\nb\x1b[31m",
        "---\ntitle: Test brief\nauthor: Haruka Mori\nregion: Northeast Asia\n"
        'date: 2025-01-01\n"x\\nOK: 20 briefs checked, 0 errors\\e[2K": 1\n'
        '"_y\\n\\e": 1\n---\nBody.\n',
    )
    name = "content/briefs/2024/a\\x0ab\\x1b[31m.md"
    error = (
        f"{name}: _y\\x0a\\x1b: this key would change where or how Pelican writes "
        "the page and is not allowed (the address comes from the file name or "
        "'slug')"
    )
    warning = f"{name}: x\\x0aOK: 20 briefs checked, 0 errors\\x1b[2K: warning: "
    checked = invoke("check", "--content", str(site.content))
    built = invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    plain = pelican(site)
    for result in (checked, built, plain):
        said = result.stdout + result.stderr
        assert result.returncode == 1, said
        assert error in said.splitlines(), said
        assert "\x1b" not in said
        assert not any(line.startswith("OK") for line in said.splitlines())
        assert "Traceback" not in said
    assert any(line.startswith(warning) for line in checked.stderr.splitlines())
    assert not site.output.exists()
