"""The contract's commands, run as an editor runs them: exit codes, one-line
messages on stderr, no tracebacks, output untouched on failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import (
    AUTHORS,
    INVOKE,
    NO_PDFS,
    REGIONS,
    ROOT,
    snapshot,
    without_permission_overrides,
)
from invoke import Context, Exit
from test_validation import BAD_BRIEFS, fm

from briefs.interrupts import INTERRUPT_AT
from briefs.pipeline import PARALLEL_FROM
from policy_briefs import addresses
from policy_briefs.build import build

PELICAN = [sys.executable, "-m", "pelican"]


def test_invoke_build_then_failed_build_keeps_output(site):
    site.brief("good")
    first = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert first.returncode == 0, first.stderr
    assert "Built 1 briefs" in first.stdout
    # Not a terminal: no progress display, no control codes.
    assert "briefs read" not in first.stderr and "\x1b" not in first.stderr
    before = snapshot(site.output)

    site.raw("bad", fm(region="region: Nort East Asia"))
    second = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert second.returncode == 1
    assert (
        "content/briefs/2024/bad.md: region: 'Nort East Asia' is not a known region "
        "(did you mean 'Northeast Asia'?)"
    ) in second.stderr
    assert "Traceback" not in second.stderr + second.stdout
    assert snapshot(site.output) == before


def test_invoke_check_lists_every_problem_and_writes_nothing(site):
    site.raw("one", fm(title="title: 42"))
    site.raw("two", fm(date="date: 03/04/2024"))
    site.raw("three", fm(region="region: Atlantis"))
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("content/briefs/2024/one.md: title:") for line in lines)
    assert any(line.startswith("content/briefs/2024/two.md: date:") for line in lines)
    assert any(
        line.startswith("content/briefs/2024/three.md: region:") for line in lines
    )
    assert "3 errors" in result.stderr
    assert not site.output.exists()


def test_invoke_check_passes_on_good_content(site):
    site.brief("good")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 0, result.stderr
    assert "OK: 1 briefs checked" in result.stderr


def pelican(site, env: dict | None = None, unprivileged: bool = False, output=None):
    """Plain Pelican with the project's settings, as the contract names it
    (in a session of its own, as from a terminal), into `output` (by
    default the site's)."""
    command = [*PELICAN, str(site.content), "-s", "pelicanconf.py"]
    command += ["-o", str(output or site.output)]
    return subprocess.run(
        without_permission_overrides(command) if unprivileged else command,
        cwd=ROOT,
        env={**os.environ, **NO_PDFS, **(env or {})},
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plain_pelican_fails_on_an_invalid_brief(site):
    site.raw("bad", fm(title="title: North Korea: What Next"))
    result = pelican(site)
    assert result.returncode != 0
    assert "content/briefs/2024/bad.md: line 2, column 19: YAML syntax error" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (site.output / "briefs").exists()


def test_plain_pelican_builds_valid_content(site):
    site.brief("good")
    site.brief("second", date="2024-03-21")
    site.brief("unfinished", status="draft")
    result = pelican(site)
    assert result.returncode == 0, result.stderr
    assert (site.output / "briefs" / "good.html").is_file()
    # Pelican's closing summary counts the briefs as its articles.
    assert "Done: Processed 2 articles, 0 drafts," in " ".join(result.stdout.split())


def test_plain_pelican_marks_a_folder_it_alone_wrote(site):
    """So `invoke build` then replaces it without --force; a folder that held
    files of its own stays unmarked (a build would delete them)."""
    from briefs.outputdir import MARKER

    site.brief("good")
    assert pelican(site).returncode == 0
    assert (site.output / MARKER).is_file()
    again = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert again.returncode == 0, again.stderr
    assert (site.output / MARKER).is_file()
    assert pelican(site).returncode == 0  # in place, over a build's folder
    assert (site.output / MARKER).is_file()

    theirs = site.root / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine\n")
    result = pelican(site, output=theirs)
    assert result.returncode == 0, result.stderr
    assert (theirs / "briefs" / "good.html").is_file()
    assert not (theirs / MARKER).exists()
    assert (theirs / "notes.txt").read_text() == "mine\n"


def interrupted_collection(root, count: int, *versions: str):
    """`count` briefs and the site built before (`old`) and, of `versions`,
    after (`new`) one of them was deleted; the content is left without it."""
    from policy_briefs.corpus import write_collection

    content = root / "content"
    write_collection(content, count)
    build(content, root / "old", PDF_EDITIONS="off")
    # The newest-numbered brief: no other brief links to it.
    next(content.rglob(f"brief-{count - 1:05d}.md")).unlink()
    if "new" in versions:
        build(content, root / "new", PDF_EDITIONS="off")
    return content, {version: root / version for version in versions}


@pytest.fixture(scope="module")
def small_collection(tmp_path_factory):
    """Once the new site is complete the worker processes have ended: how
    many briefs it has changes nothing for the later stages."""
    root = tmp_path_factory.mktemp("interrupted-small")
    return interrupted_collection(root, 3, "old", "new")


@pytest.fixture(scope="module")
def collection(tmp_path_factory, small_collection):
    """Briefs enough to be rendered by worker processes, built over the
    small collection's old site: stopped while they render, the build
    keeps that site (any site a build wrote is as good as another here)."""
    from policy_briefs.corpus import write_collection

    content = tmp_path_factory.mktemp("interrupted") / "content"
    write_collection(content, PARALLEL_FROM + 10)
    _, small_sites = small_collection
    return content, {"old": small_sites["old"]}


@pytest.mark.parametrize(
    ("stage", "expected", "briefs"),
    [
        ("parallel", "old", "collection"),
        ("staged", "old", "small_collection"),
        ("swapping", "new", "small_collection"),
    ],
    ids=["parallel-old", "staged-old", "swapping-new"],
)
def test_ctrl_c_leaves_the_old_or_the_new_site(
    request, tmp_path, stage, expected, briefs
):
    """Ctrl-C as a terminal sends it (SIGINT to the build's process group,
    worker processes included) when the build reaches `stage`: while workers
    render, with the new site complete, between the swap's two renames (held
    until the swap is done). Never a hang, a mix or a leftover."""
    if stage == "parallel" and (os.cpu_count() or 1) < 2:
        pytest.skip("one core: Markdown is rendered without worker processes")
    content, sites = request.getfixturevalue(briefs)
    output = tmp_path / "site" / "output"
    shutil.copytree(sites["old"], output)
    result = subprocess.run(
        [*INVOKE, "build", "--content", str(content), "--output", str(output)],
        cwd=ROOT,
        env={**os.environ, **NO_PDFS, INTERRUPT_AT: f"{stage}:SIGINT"},
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Build interrupted; nothing half-built was left behind."
    )
    assert "Traceback" not in result.stderr
    assert snapshot(output) == snapshot(sites[expected])
    assert [p.name for p in output.parent.iterdir()] == ["output"]


def test_invoke_build_exits_1_for_every_bad_case_and_keeps_output(site):
    """Every case of test_validation.BAD_BRIEFS through the command line, at
    once: exit 1, each one-line message, no traceback, output untouched."""
    site.brief("good")
    assert (
        site.invoke(
            "build", "--content", str(site.content), "--output", str(site.output)
        ).returncode
        == 0
    )
    before = snapshot(site.output)
    for number, (_, text, _) in enumerate(BAD_BRIEFS):
        site.raw(f"bad-{number:02d}", text)
    result = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for number, (case, _, expected) in enumerate(BAD_BRIEFS):
        name = f"bad-{number:02d}.md"
        assert any(
            name in line and expected.replace("x.md", name) in line
            for line in result.stderr.splitlines()
        ), case
    assert snapshot(site.output) == before


def test_invoke_check_warns_about_editorial_gaps(site):
    site.brief("no-summary")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 0, result.stderr
    assert "content/briefs/2024/no-summary.md: summary: warning: " in result.stderr
    assert "authors.yml: Søren Kjærgaard: bio: warning: no bio" in result.stderr


def test_invoke_check_fails_on_a_broken_link(site):
    site.brief("linking", body="See [the missing brief](missing.html).")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 1
    assert (
        "content/briefs/2024/linking.md: missing.html: file not found "
        "(briefs/missing.html); on briefs/linking.html and 3 feeds\n"
    ) in result.stderr
    assert "1 link problem." in result.stderr  # one mistake, on four files
    assert not site.output.exists()


HOSTILE_BODY = """First paragraph.

<img src="a.png" alt="" onerror="alert(1)">

[click](javascript:alert(1))

<svg><script>alert(1)</script></svg>
"""


def test_check_and_build_list_fields_bodies_and_bios_problems_in_one_report(site):
    """A field's error no longer hides what only rendering finds: a body's
    refused HTML and a bio's, each listed once."""
    site.brief("dated", date="03/04/2024")
    site.brief("scripted", body="Text.\n\n<script>alert(1)</script>\n")
    site.registry("authors.yml", [dict(AUTHORS[0], bio="A <iframe></iframe>.")])
    expected = [
        "content/authors.yml: Yuki Tatsumi: bio: the HTML element <iframe> is "
        "not allowed; remove it",
        "content/briefs/2024/dated.md: date: expected a date like 2024-03-20",
        "content/briefs/2024/scripted.md: line 9: the HTML element <script> is "
        "not allowed; remove it",
    ]
    for command in (["check"], ["build", "--output", str(site.output)]):
        result = site.invoke(*command, "--content", str(site.content))
        assert result.returncode == 1, result.stderr
        lines = result.stderr.splitlines()
        for start in expected:
            assert sum(line.startswith(start) for line in lines) == 1, (command, lines)
    assert lines[-1].startswith("Build failed: 3 problem(s)")
    assert not site.output.exists()


def test_check_reports_from_the_collection_its_scratch_build_read(
    site, monkeypatch, capsys, logging_restored
):
    """Every brief is read once: the report's fields problems and editorial
    warnings come from the scratch build's own collection."""
    import tasks

    site.brief("dated", date="03/04/2024")
    site.brief("scripted", body="Text.\n\n<script>alert(1)</script>\n")
    site.brief("unsummarised", summary=None)
    for name, value in NO_PDFS.items():
        monkeypatch.setenv(name, value)

    def read_again(*args, **kwargs):
        raise AssertionError("check read the content folder a second time")

    monkeypatch.setattr(tasks, "validate_content", read_again)
    with pytest.raises(Exit):
        tasks.check(Context(), content=str(site.content))
    lines = capsys.readouterr().err.splitlines()
    for start in (
        "content/briefs/2024/dated.md: date: expected a date like 2024-03-20",
        "content/briefs/2024/scripted.md: line 9: the HTML element <script>",
        "content/briefs/2024/unsummarised.md: summary: warning: no summary",
    ):
        assert sum(line.startswith(start) for line in lines) == 1, (start, lines)
    assert lines[-1].startswith("FAILED: 2 briefs checked, 2 errors"), lines[-1]


def test_invoke_check_prints_each_warning_once(site):
    site.brief("good")
    (site.content / "notes.md").write_text("# Notes\n", "utf-8")
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "notes.md" in line]
    assert warned == [
        "content/notes.md: warning: Markdown outside briefs/ is not a brief and "
        "is never published; move it into briefs/ or out of content/"
    ]
    printed = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(printed) == len(set(printed)) > 1
    assert result.stderr.splitlines()[-1].endswith(f"{len(printed)} warnings.")


def test_invoke_check_counts_a_bodys_refused_html_as_errors_in_line_order(site):
    """What only rendering finds (the allowlist) is an error of the brief,
    not a link problem, and a file's problems read top to bottom."""
    site.brief("hostile", body=HOSTILE_BODY)
    result = site.invoke("check", "--content", str(site.content))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = [
        line
        for line in result.stderr.splitlines()
        if line.startswith("content/briefs/2024/hostile.md: line ")
    ]
    numbers = [int(line.split(": line ")[1].split(":")[0]) for line in found]
    assert len(found) == 4 and numbers == sorted(numbers), found
    assert "onerror=" in found[0] and "javascript:" in found[1]
    closing = result.stderr.splitlines()[-1]
    assert closing.startswith("FAILED: 1 briefs checked, 4 errors, "), closing
    assert "link problems" not in closing
    built = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert built.returncode == 1
    assert [
        line
        for line in built.stderr.splitlines()
        if line.startswith("content/briefs/2024/hostile.md: line ")
    ] == found


def test_invoke_build_prints_warnings_once_and_succeeds(site):
    site.raw("x", fm("sumary: A dek.\n"))
    result = site.invoke(
        "build", "--content", str(site.content), "--output", str(site.output)
    )
    assert result.returncode == 0, result.stderr
    [line] = [ln for ln in result.stderr.splitlines() if "sumary" in ln]
    assert line.startswith(
        "content/briefs/2024/x.md: sumary: warning: unknown field, ignored "
        "(did you mean 'summary'?)"
    )


def test_leftovers_of_a_killed_build_are_removed(site):
    """A build killed outright (no chance to clean up) leaves its staging
    folder; the next build removes it, but never one of a running build."""
    site.brief("x")
    dead = site.root / ".output.building-999999999-abcd1234"
    (dead / "briefs").mkdir(parents=True)
    alive = site.root / ".output.building-1-abcd1234"  # pid 1 always runs
    alive.mkdir()
    site.build()
    assert not dead.exists()
    assert alive.exists()


def test_check_against_a_published_site_lists_what_would_disappear(site):
    site.brief("water-policy", tags=["Drought"])
    site.build()
    published = site.output
    (site.content / "briefs" / "2024" / "water-policy.md").unlink()
    site.brief("water-policies")
    site.registry("regions.yml", [r for r in REGIONS if r["name"] != "Europe"])
    result = site.invoke(
        "check", "--content", str(site.content), "--against", str(published)
    )
    assert result.returncode == 1
    gone = f": would disappear (it is in {published}); "
    lost = [line for line in result.stderr.splitlines() if gone in line]
    assert lost == [
        "briefs/water-policy.html" + gone + "add `aliases: [briefs/water-policy.html]` "
        "to the brief that replaced it (perhaps content/briefs/2024/water-policies.md)",
        "feeds/topics/drought.atom.xml" + gone + "a feed: its subscribers get no "
        "more updates (a redirect page cannot stand in for a feed)",
        "regions/europe.html" + gone + "add `aliases: [regions/europe.html]` to the "
        "region that replaced it in regions.yml",
        "topics/drought.html" + gone + "add `aliases: [topics/drought.html]` to the "
        "brief that should take its readers",
    ]
    assert result.stderr.splitlines()[-1].endswith(", 4 addresses would disappear.")


def test_check_against_the_same_site_passes(site):
    """Files only production builds write (the sitemap, Search Console's
    file) are not pages a development build could lose."""
    site.brief("water-policy")
    site.build()
    for name in ("sitemap.xml", "google1234567890abcdef.html"):
        (site.output / name).write_text("published", "utf-8")
    result = site.invoke(
        "check", "--content", str(site.content), "--against", str(site.output)
    )
    assert result.returncode == 0, result.stderr
    assert "would disappear" not in result.stderr


def test_check_against_a_missing_folder_is_one_line(site, tmp_path):
    site.brief("water-policy")
    result = site.invoke(
        "check", "--content", str(site.content), "--against", str(tmp_path / "gone")
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"the --against folder '{tmp_path / 'gone'}' does not exist"
    ]


def test_search_consoles_file_is_production_only_and_kept_by_its_setting():
    name = "google1234567890abcdef.html"
    published = {"index.html", "sitemap.xml", name, "googlebot.html"}
    assert addresses.production_only(published) == {"sitemap.xml", name}
    assert addresses.report(published, {"index.html", "googlebot.html"}) == [
        (
            name,
            f"Search Console's verification file: build with "
            f"GOOGLE_SITE_VERIFICATION={name} to keep it",
        ),
        ("sitemap.xml", addresses.advice("sitemap.xml", set(), {})),
    ]


def test_further_pages_of_a_listing_that_remains_are_not_lost():
    published = {
        "index.html", "index-2.html", "regions/europe.html", "regions/europe-2.html",
        "topics/g.html", "briefs/g-2.html", "sitemap.xml", "feeds/all.atom.xml",
    }  # fmt: skip
    new = {"index.html", "regions/europe.html", "briefs/g.html", "feeds/all.atom.xml"}
    assert addresses.lost(published, new, ignore=addresses.PRODUCTION_ONLY) == [
        "briefs/g-2.html",
        "topics/g.html",
    ]
    assert addresses.lost(published, new - {"index.html"}) == [
        "briefs/g-2.html",
        "index-2.html",
        "index.html",
        "sitemap.xml",
        "topics/g.html",
    ]
