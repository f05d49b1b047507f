"""`invoke new`, `invoke new-author`, `invoke new-region` and the editorial
warnings, run as an editor runs them: through invoke (in-process via its
programmatic API, or as a subprocess for the interactive prompts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import run_invoke
from invoke import Context, Exit

import tasks
from briefs.collection import validate_content
from briefs.editorial import LONG_TITLE, editorial_warnings
from briefs.registry import load
from policy_briefs import build as site_build

REGIONS_TEXT = """\
# Regions used to file policy briefs.
# Keep this list in navigation order.

- name: Northeast Asia   # Japan, the Koreas, China
  description: >-
    Japan, the Koreas and China.

# Europe comes last on purpose.
- name: Europe
"""

AUTHORS_TEXT = """\
# Authors. A brief's author must match `name` exactly.
- name: Yuki Tatsumi
  role: Senior Fellow
  bio: Yuki writes.  # a comment after a value
"""


# The tasks configure logging for a terminal (conftest.py).
pytestmark = pytest.mark.usefixtures("logging_restored")


def new(content: Path, title=None, **options):
    return tasks.new(Context(), title, content=str(content), **options)


def briefs_in(content: Path) -> list[Path]:
    return sorted((content / "briefs").rglob("*.md"))


def build(content: Path, output: Path, drafts: bool):
    settings = site_build.load_settings(content, output)
    briefs = {**settings["BRIEFS"], "show_drafts": drafts}
    return site_build.build(content, output, BRIEFS=briefs, PDF_EDITIONS="off")


def test_a_topic_with_a_comma_stays_one_topic(site):
    new(site.content, "Water", author=["Yuki Tatsumi"], region=["Europe"],
        tags=["Water, Sanitation"], date="2024-05-01")  # fmt: skip
    [brief] = validate_content(site.content).briefs.values()
    assert brief.tags == ("Water, Sanitation",)


def test_new_brief_validates_and_builds(site, capsys):
    title = 'Water: "Policy" & the #1 Question \\ Yes'
    new(
        site.content,
        title,
        author=["Yuki Tatsumi", "Guest Writer"],
        region=["Northeast Asia", "Europe"],
        tags=["Water", "Rivers: Mekong"],
        date="2024-05-01",
        summary="Rivers: who decides?",
        draft=True,
    )
    path = site.content / "briefs" / "2024" / "water-policy-the-1-question-yes.md"
    out = capsys.readouterr().out
    assert "briefs/2024/water-policy-the-1-question-yes.md" in out
    assert "http://localhost:8000/briefs/water-policy-the-1-question-yes.html" in out
    assert "'Guest Writer' is not in authors.yml" in out

    collection = validate_content(site.content)
    assert collection.ok, [str(p) for p in collection.problems]
    brief = collection.briefs[path]
    assert brief.title == title
    assert brief.authors == ("Yuki Tatsumi", "Guest Writer")
    assert brief.regions == ("Northeast Asia", "Europe")
    assert brief.tags == ("Water", "Rivers: Mekong")
    assert brief.summary == "Rivers: who decides?"
    assert brief.is_draft
    assert len(brief.key_points) == 3
    body = path.read_text("utf-8")
    assert "\n## " in body and "[^1]" in body and "\n[^1]: " in body

    preview = build(site.content, site.root / "preview", drafts=True)
    page = preview.output / "briefs" / "water-policy-the-1-question-yes.html"
    html = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    assert title in html.title.get_text()
    production = build(site.content, site.output, drafts=False)
    assert not (production.output / "briefs" / page.name).exists()


def test_new_brief_is_published_by_default(site):
    new(
        site.content,
        "Ports and Power",
        author=["Søren Kjærgaard"],
        region=["Europe"],
    )
    [path] = briefs_in(site.content)
    assert "status: published" in path.read_text("utf-8")
    result = build(site.content, site.output, drafts=False)
    assert (result.output / "briefs" / "ports-and-power.html").is_file()


@pytest.mark.parametrize(
    "title", ["Yes", "123", "- a list?", "null", "A: B", "'quoted'", "Ünïcode ☃"]
)
def test_titles_survive_yaml(site, title):
    new(site.content, title, author=["Yuki Tatsumi"], region=["Europe"])
    [brief] = validate_content(site.content).briefs.values()
    assert brief.title == title


def test_refuses_to_overwrite_or_reuse_an_address(site):
    options = {"author": ["Yuki Tatsumi"], "region": ["Europe"], "date": "2024-01-02"}
    new(site.content, "Water Policy", **options)
    [path] = briefs_in(site.content)
    path.write_text(path.read_text("utf-8") + "\nEdited by hand.\n", "utf-8")
    edited = path.read_bytes()

    with pytest.raises(Exit) as same_file:
        new(site.content, "Water Policy", **options)
    assert same_file.value.code == 1
    assert "already exists" in same_file.value.message
    assert path.read_bytes() == edited

    with pytest.raises(Exit) as same_slug:  # another year, same page address
        new(site.content, "Water policy!", **{**options, "date": "2025-06-01"})
    assert "briefs/2024/water-policy.md already uses the address" in (
        same_slug.value.message
    )
    assert briefs_in(site.content) == [path]


def test_registry_names_are_checked_with_suggestions(site):
    with pytest.raises(Exit) as typo:
        new(site.content, "A", author=["Yuki Tatsumy"], region=["Nort East Asia"])
    message = typo.value.message
    assert "did you mean 'Northeast Asia'?" in message
    assert "did you mean 'Yuki Tatsumi'?" in message
    with pytest.raises(Exit) as bad_date:
        new(site.content, "B", author=["Yuki Tatsumi"], region=["Europe"], date="2024")
    assert "The date is not valid" in bad_date.value.message
    with pytest.raises(Exit) as missing:
        new(site.content, "C", author=["Yuki Tatsumi"])
    assert "needs a title, an author and a region" in missing.value.message
    assert briefs_in(site.content) == []


def test_guest_spelling_that_would_share_a_page_is_refused(site):
    options = {"region": ["Europe"], "date": "2024-01-02"}
    new(site.content, "First", author=["Zoe Martin"], **options)
    with pytest.raises(Exit) as clash:
        new(site.content, "Second", author=["Zoë Martin"], **options)
    assert "would share the page authors/zoe-martin.html" in clash.value.message
    assert [p.name for p in briefs_in(site.content)] == ["first.md"]


def test_interactive_new_asks_again_for_a_rejected_value(site):
    answers = "\n".join(
        [
            "Mekong Water Diplomacy",  # title
            "Yuki Tatsumi, Guest Writer",  # authors
            "Atlantis",  # regions: unknown, asked again below
            "Water, Rivers",  # topics
            "Who decides on the river?",  # summary
            "Northeast Asia",  # regions, again
        ]
    )
    result = run_invoke("new", "--content", str(site.content), stdin=answers + "\n")
    assert result.returncode == 0, result.stderr
    assert "'Atlantis' is not a known region" in result.stdout
    [path] = briefs_in(site.content)
    assert path.name == "mekong-water-diplomacy.md"
    brief = validate_content(site.content).briefs[path]
    assert brief.authors == ("Yuki Tatsumi", "Guest Writer")
    assert brief.regions == ("Northeast Asia",)
    assert brief.tags == ("Water", "Rivers")
    assert brief.summary == "Who decides on the river?"


def test_interactive_new_stops_cleanly_at_end_of_input(site):
    result = run_invoke("new", "--content", str(site.content), stdin="Only a title\n")
    assert result.returncode == 1
    assert "Stopped: no answer given." in result.stderr
    assert "Traceback" not in result.stderr
    assert briefs_in(site.content) == []


def test_title_as_positional_argument_on_the_command_line(site):
    result = run_invoke(
        "new",
        "Japan: What Next?",
        "--author",
        "Yuki Tatsumi",
        "--region",
        "Northeast Asia",
        "--content",
        str(site.content),
    )
    assert result.returncode == 0, result.stderr
    assert "/briefs/japan-what-next.html" in result.stdout
    [brief] = validate_content(site.content).briefs.values()
    assert brief.title == "Japan: What Next?"


# -- registry entries ---------------------------------------------------------


@pytest.fixture
def commented(site):
    """Registries written by hand, comments and all."""
    (site.content / "regions.yml").write_text(REGIONS_TEXT, "utf-8")
    (site.content / "authors.yml").write_text(AUTHORS_TEXT, "utf-8")
    return site


def test_new_author_appends_and_keeps_the_file(commented, capsys):
    content = commented.content
    tasks.new_author(
        Context(),
        "Zoë Martin",
        role="Fellow, Europe Program",
        affiliation='The "Nordic" Desk',
        bio="First paragraph.\n\nSecond, with *Markdown*: yes.",
        content=str(content),
    )
    text = (content / "authors.yml").read_text("utf-8")
    assert text.startswith(AUTHORS_TEXT)
    assert "Added 'Zoë Martin'" in capsys.readouterr().out
    registry, problems = load(content, "regions.yml", "authors.yml", str)
    assert problems == []
    [yuki, zoe] = registry.authors
    assert yuki.name == "Yuki Tatsumi"
    assert (zoe.name, zoe.slug, zoe.role) == (
        "Zoë Martin",
        "zoe-martin",
        "Fellow, Europe Program",
    )
    assert zoe.affiliation == 'The "Nordic" Desk'
    assert zoe.bio == "First paragraph.\n\nSecond, with *Markdown*: yes."


def test_new_region_appends_and_keeps_the_file(commented):
    content = commented.content
    tasks.new_region(
        Context(),
        "Middle East & North Africa",
        description="From Morocco to Iran.",
        content=str(content),
    )
    text = (content / "regions.yml").read_text("utf-8")
    assert text.startswith(REGIONS_TEXT)
    registry, problems = load(content, "regions.yml", "authors.yml", str)
    assert problems == []
    assert [r.name for r in registry.regions] == [
        "Northeast Asia",
        "Europe",
        "Middle East & North Africa",
    ]
    assert registry.regions[-1].slug == "middle-east-north-africa"
    # The new region can be used straight away.
    new(
        content,
        "Gulf Ports",
        author=["Yuki Tatsumi"],
        region=["Middle East & North Africa"],
    )
    assert validate_content(content).ok


def test_crlf_files_get_crlf_entries(commented):
    path = commented.content / "regions.yml"
    original = REGIONS_TEXT.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(original)
    tasks.new_region(Context(), "Global", content=str(commented.content))
    data = path.read_bytes()
    assert data.startswith(original)
    assert data[len(original) :] == b'\r\n- name: "Global"\r\n'


@pytest.mark.parametrize(
    "name, listed",
    [
        ("Yuki Tatsumi", "Yuki Tatsumi"),  # the same name
        ("yuki  tatsumi", "Yuki Tatsumi"),  # case and spacing
        ("Yúki Tatsumi", "Yuki Tatsumi"),  # accents
        ("Yuki Tatsumii", "Yuki Tatsumi"),  # a typo
    ],
)
def test_duplicate_author_is_refused(commented, name, listed):
    path = commented.content / "authors.yml"
    with pytest.raises(Exit) as refused:
        tasks.new_author(Context(), name, role="Fellow", content=str(commented.content))
    assert refused.value.code == 1
    assert f"'{listed}'" in refused.value.message
    assert path.read_text("utf-8") == AUTHORS_TEXT


@pytest.mark.parametrize(
    "name", ["Europe", "EUROPE", "Northeast Asai", "north-east asia", "Eurpoe"]
)
def test_duplicate_region_is_refused(commented, name):
    path = commented.content / "regions.yml"
    with pytest.raises(Exit) as refused:
        tasks.new_region(Context(), name, content=str(commented.content))
    assert "already listed" in refused.value.message
    assert path.read_text("utf-8") == REGIONS_TEXT


def test_a_close_but_different_region_is_accepted(commented):
    """'South Asia' is not a misspelling of 'Southeast Asia', nor 'Iraq' (one
    letter changed, none swapped) of 'Iran'."""
    for name in ("Southeast Asia", "South Asia", "Iran", "Iraq"):
        tasks.new_region(Context(), name, content=str(commented.content))
    registry, _ = load(commented.content, "regions.yml", "authors.yml", str)
    assert [r.name for r in registry.regions][-4:] == [
        "Southeast Asia",
        "South Asia",
        "Iran",
        "Iraq",
    ]


def test_broken_registry_is_left_alone(commented):
    path = commented.content / "authors.yml"
    broken = AUTHORS_TEXT + "- name: [unclosed\n"
    path.write_text(broken, "utf-8")
    with pytest.raises(Exit) as refused:
        tasks.new_author(
            Context(), "New Person", role="Fellow", content=str(commented.content)
        )
    assert "Fix content/authors.yml first" in refused.value.message
    assert path.read_text("utf-8") == broken
    assert [p.name for p in commented.content.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("task", "role"), [("new-region", ()), ("new-author", ("--role", "Fellow"))]
)
def test_asking_a_registry_task_for_help_adds_nothing(commented, task, role):
    """`invoke new-region --help` hands `--help` to the task as the name."""
    before = {p.name: p.read_bytes() for p in commented.content.glob("*.yml")}
    result = run_invoke(task, "--help", *role, "--content", str(commented.content))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "'--help' looks like an option, not a name (nothing was written); "
        f"for help: invoke --help {task}"
    )
    assert {p.name: p.read_bytes() for p in commented.content.glob("*.yml")} == before


def test_new_author_needs_a_role(commented):
    with pytest.raises(Exit) as refused:
        tasks.new_author(Context(), "New Person", content=str(commented.content))
    assert "--role" in refused.value.message


# -- editorial warnings (for `invoke check`) ---------------------------------


def test_editorial_warnings(site):
    site.brief("complete", summary="A summary.")
    new(
        site.content,
        "No Summary Yet",
        author=["Yuki Tatsumi"],
        region=["Europe"],
        date="2024-02-02",
    )
    site.brief("long", title="T" * (LONG_TITLE + 1), summary="S.")
    images = site.content / "images"
    images.mkdir()
    (images / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site.brief("uncredited", summary="S.", image="images/map.png", image_alt="A map")
    collection = validate_content(site.content)
    assert collection.ok, [str(p) for p in collection.problems]

    found = [str(p) for p in editorial_warnings(collection)]
    assert all(": warning: " in line for line in found)
    by_start = {line.split(": warning:")[0] for line in found}
    assert by_start == {
        "content/briefs/2024/no-summary-yet.md: summary",
        "content/briefs/2024/long.md: title",
        "content/briefs/2024/uncredited.md: image_credit",
        "content/authors.yml: Søren Kjærgaard: bio",
    }
