"""Quality gates for the built sample site.

- The Nu HTML Checker (vnu.jar from the npm package `vnu-jar`, pinned in
  package.json) checks every HTML page, stylesheet and SVG of a development,
  a production and a preview (drafts shown) build: no error, no warning;
  and search.html as its script draws it (saved from Chromium) before a
  query, with results and without. One Java process checks everything at
  once (the JVM is slow to start).
- axe-core (pinned in package.json), injected into pages opened from disk in
  Debian's Chromium, finds no WCAG 2.2 A/AA or best-practice violation on one
  page of each kind (the search page before a query, with results and
  without), in light and dark colour schemes, at desktop and mobile widths.

Each site is built once per module; one browser serves every test of a test
process.
Run alone: `.venv/bin/python -m pytest tests/test_quality.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from policy_briefs import build as site_build
from policy_briefs.project import ROOT

CONTENT = ROOT / "content"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHECKED = {".html", ".css", ".svg"}
# One short run: the quick compiler only and one garbage collector thread
# (half the processor time of the JVM's defaults); the quick compiler's
# deeper stacks need more than the 512k the checker asks for.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]

# One page of each kind. Briefs: a table (red-sea), a figure (ports-and-power),
# an image with footnotes (baltic), key takeaways (japan), and a draft; a
# series part with Contents, and with share links in production (copperbelt).
# Listings: the home page with its featured brief, a region and an author
# (with a photo) with their charts, archives by year, production's 404 page.
PAGES = [
    ("development", "index.html"),
    ("production", "404.html"),
    ("preview", "index.html"),
    ("development", "index-2.html"),
    ("development", "briefs/red-sea-shipping-disruption.html"),
    ("development", "briefs/ports-and-power.html"),
    ("development", "briefs/baltic-undersea-cables.html"),
    ("development", "briefs/japan-defense-spending-plan.html"),
    ("development", "regions/middle-east-north-africa.html"),
    ("development", "regions/index.html"),
    ("development", "authors/layla-haddad.html"),
    ("development", "authors/index.html"),
    ("development", "topics/shipping.html"),
    ("development", "topics/index.html"),
    ("development", "archives.html"),
    ("development", "series/critical-minerals.html"),
    ("development", "series/index.html"),
    ("production", "briefs/copperbelt-cobalt-offtake.html"),
    ("preview", "briefs/amazon-finance-after-belem.html"),
    # Search, drawn by its script: before a query, with results (and a
    # filter chosen), and with none.
    ("development", "search.html"),
    ("development", "search.html?q=japan&region=northeast-asia"),
    ("development", "search.html?q=xylophonic"),
]
# What a page's script has drawn once the search page's status is filled in.
SEARCH_DRAWN = """() => {
    const status = document.getElementById("pb:search-status");
    return !status || status.textContent.length > 0;
}"""
# Two frames on: resize observers have run and their changes are painted.
SETTLED = """() => new Promise(
    (done) => requestAnimationFrame(() => requestAnimationFrame(done))
)"""
SCHEMES = ["light", "dark"]
WIDTHS = {"desktop": 1280, "mobile": 390}  # mobile: an iPhone 12-15
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations.map((rule) => ({
        id: rule.id,
        impact: rule.impact,
        help: rule.help,
        nodes: rule.nodes.map((node) => ({
            target: node.target.map(String).join(" "),
            summary: node.failureSummary,
        })),
    }));
}"""

# Fed to the checker with the sites, to prove that it reports what it finds.
CANARY = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Canary</title></head>
<body><p>An unclosed <span>element</p></body></html>
"""


@pytest.fixture(scope="module")
def sites(sample_development, sample_production, tmp_path_factory):
    """The sample site: development, production and preview builds."""
    base = tmp_path_factory.mktemp("quality")
    development, production = sample_development, sample_production
    settings = site_build.load_settings(CONTENT, base / "preview")
    drafts = {**settings["BRIEFS"], "show_drafts": True}
    # As `invoke serve` builds it: drafts shown, no PDF editions.
    preview = site_build.build(
        CONTENT, base / "preview", BRIEFS=drafts, PDF_EDITIONS="off"
    ).output
    return {"development": development, "production": production, "preview": preview}


# The Nu HTML Checker -----------------------------------------------------


def nu_location(message: dict) -> tuple[Path, str]:
    path = Path(unquote(urlparse(message.get("url", "")).path))
    line = message.get("lastLine", message.get("firstLine", "?"))
    column = message.get("firstColumn", message.get("lastColumn", "?"))
    return path, f"{line}:{column}"


def nu_kind(message: dict) -> str | None:
    """'error' or 'warning' for a message that fails the gate, else None."""
    if message["type"] in ("error", "non-document-error"):
        return "error"
    if message.get("subType") == "warning":
        return "warning"
    return None  # plain information


# The search page as its script draws it (the files hold only its frame).
DRAWN_SEARCHES = {
    "before-a-query": "",
    "with-results": "?q=japan&region=northeast-asia",
    "without-results": "?q=xylophonic",
}


@pytest.fixture(scope="module")
def drawn_searches(sites, browser, tmp_path_factory) -> dict[str, Path]:
    """search.html of the development build, as drawn in Chromium, saved."""
    folder = tmp_path_factory.mktemp("drawn")
    page = browser.new_page()
    drawn = {}
    try:
        for name, query in DRAWN_SEARCHES.items():
            page.goto((sites["development"] / "search.html").as_uri() + query)
            page.wait_for_function(SEARCH_DRAWN)
            drawn[name] = folder / f"search-{name}.html"
            drawn[name].write_text(page.content(), "utf-8")
    finally:
        page.close()
    return drawn


@dataclass
class NuReport:
    files: list[Path]  # what was checked
    canary: Path
    problems: dict[Path, list[str]] = field(default_factory=lambda: defaultdict(list))


@pytest.fixture(scope="module")
def nu_report(sites, drawn_searches, unavailable, tmp_path_factory) -> NuReport:
    """Every error and warning, by file, from one run over all three builds
    and the drawn search pages."""
    java = shutil.which("java")
    if java is None:
        unavailable(
            "the Nu HTML Checker needs Java (apt-get install default-jre-headless)"
        )
    if not VNU_JAR.is_file():
        unavailable(f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci` (make does)")
    canary = tmp_path_factory.mktemp("canary") / "canary.html"
    canary.write_text(CANARY, "utf-8")
    pages = sorted(
        path
        for site in sites.values()
        for path in site.rglob("*")
        if path.suffix in CHECKED and path.is_file()
    )
    files = [canary, *pages, *drawn_searches.values()]
    command = [
        java,
        *JAVA_OPTIONS,
        "-jar",
        str(VNU_JAR),
        "--format",
        "json",
        "--stdout",
    ]
    result = subprocess.run(
        [*command, "--also-check-css", "--also-check-svg", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"vnu.jar gave no report (exit {result.returncode}):\n"
            + result.stdout[-2000:]
            + result.stderr[-2000:]
        )
    report = NuReport(files, canary)
    for message in messages:
        kind = nu_kind(message)
        if kind:
            path, where = nu_location(message)
            report.problems[path].append(f"{where}: {kind}: {message['message']}")
    return report


def test_nu_checker_reports_problems(nu_report):
    """The canary page's unclosed element is found (the gate is not blind), and
    every message names a file that was checked (none is lost)."""
    found = nu_report.problems[nu_report.canary]
    assert any("Unclosed element “span”" in line for line in found), found
    stray = set(nu_report.problems) - set(nu_report.files)
    assert not stray, {str(path): nu_report.problems[path] for path in stray}


@pytest.mark.parametrize("name", list(DRAWN_SEARCHES))
def test_the_drawn_search_page_is_valid(nu_report, drawn_searches, name):
    drawn = drawn_searches[name]
    text = drawn.read_text("utf-8")
    assert 'id="pb:search-results"' in text
    if "results" in name:
        assert ("<mark>" in text) == (name == "with-results")
    problems = nu_report.problems.get(drawn, [])
    assert problems == [], f"search.html {name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("which", ["development", "production", "preview"])
def test_every_page_stylesheet_and_svg_is_valid(nu_report, sites, which):
    site = sites[which]
    checked = [path for path in nu_report.files if site in path.parents]
    kinds = {path.suffix for path in checked}
    assert kinds == CHECKED, f"nothing checked of {CHECKED - kinds}"
    assert len([p for p in checked if p.suffix == ".html"]) > 50
    problems = [
        f"{path.relative_to(site)}:{line}"
        for path in checked
        for line in nu_report.problems.get(path, [])
    ]
    if problems:
        pytest.fail(
            f"the Nu HTML Checker found problems in the {which} build "
            f"({len(problems)}):\n" + "\n".join(problems),
            pytrace=False,
        )


# axe-core ------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe_script(unavailable) -> str:
    """The file to inject into each page (it cannot load it itself)."""
    if not AXE_JS.is_file():
        unavailable(f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci` (make does)")
    return str(AXE_JS)


def describe(violations: list[dict]) -> str:
    lines = []
    for rule in violations:
        lines.append(f"  {rule['id']} [{rule['impact']}]: {rule['help']}")
        for node in rule["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


@pytest.mark.browser
def test_axe_reports_violations(browser, axe_script):
    """A page with known faults fails: the gate is not blind."""
    page = browser.new_page()
    try:
        page.set_content(
            "<!DOCTYPE html><html><head><title>t</title></head><body><main>"
            '<img src="x.png"><p style="color:#bbb;background:#fff">pale</p>'
            "</main></body></html>"
        )
        page.add_script_tag(path=axe_script)
        ids = {rule["id"] for rule in page.evaluate(RUN_AXE, AXE_TAGS)}
    finally:
        page.close()
    assert {"image-alt", "color-contrast", "html-has-lang"} <= ids


@pytest.mark.browser
@pytest.mark.parametrize(("which", "relative"), PAGES, ids=[p for _, p in PAGES])
def test_pages_have_no_accessibility_violations(
    tab, axe_script, sites, which, relative
):
    """axe-core on the page in each colour scheme at each width (one load)."""
    file, _, query = relative.partition("?")
    path = sites[which] / file
    assert path.is_file(), f"{file} is not in the {which} build"
    tab.goto(path.as_uri() + (f"?{query}" if query else ""))
    tab.wait_for_function(SEARCH_DRAWN)
    tab.add_script_tag(path=axe_script)
    failures = []
    for scheme in SCHEMES:
        for label, width in WIDTHS.items():
            tab.emulate_media(color_scheme=scheme)
            tab.set_viewport_size({"width": width, "height": 900})
            # As drawn: what a page does on resizing (tables.js's observer)
            # runs before the next frame is painted.
            tab.evaluate(SETTLED)
            dark = tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark == (scheme == "dark")
            assert tab.evaluate("innerWidth") == width
            violations = tab.evaluate(RUN_AXE, AXE_TAGS)
            if violations:
                failures.append(
                    f"{scheme} scheme, {label} ({width}px wide): "
                    f"axe-core rules failing ({len(violations)}):\n"
                    + describe(violations)
                )
    if failures:
        pytest.fail(
            f"{which} build, {relative}:\n" + "\n".join(failures), pytrace=False
        )
