"""Search in Firefox (the issue asks for Chromium and Firefox): Debian's
firefox-esr, driven over WebDriver BiDi by puppeteer-core from Node
(tests/tools/search-firefox.mjs), on search.html of the built sample site
opened from disk and served under a sub-path. One browser start for every
search; test_search_browser.py covers the rest in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_search_browser import front_matter_title, served

from policy_briefs.project import ROOT

pytestmark = pytest.mark.browser

FIREFOX = Path("/usr/bin/firefox-esr")
DRIVER = ROOT / "tests" / "tools" / "search-firefox.mjs"
# A word only in one sample brief, past its first paragraphs: its excerpt
# must come from deep in the body, not from the start.
DEEP_WORD, DEEP_BRIEF = "royalties", "lithium-triangle-governance"


@pytest.fixture(scope="module")
def firefox_searches(sample_development, unavailable) -> list[dict]:
    """What search.html showed in Firefox, from disk and from a server."""
    if not FIREFOX.exists():
        unavailable(f"{FIREFOX} is missing (apt-get install firefox-esr)")
    if (
        shutil.which("node") is None
        or not (ROOT / "node_modules/puppeteer-core").is_dir()
    ):
        unavailable("the Firefox tests need node and puppeteer-core (npm ci)")
    with served(sample_development) as http_base:
        bases = [sample_development.as_uri() + "/", http_base]
        run = subprocess.run(
            ["node", str(DRIVER), str(FIREFOX), *bases],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout)
    assert found["version"].startswith("firefox/")
    return found["sites"]


@pytest.fixture(params=["file", "http"])
def shown(request, firefox_searches) -> dict:
    site = firefox_searches[["file", "http"].index(request.param)]
    assert site["base"].startswith(request.param)
    assert site["errors"] == []
    return site


def count(status: str) -> int:
    return int(re.match(r"(\d+) results? for", status).group(1))


def test_a_query_finds_the_expected_brief_first(shown):
    first = shown["cobalt"]["results"][0]
    assert first["title"] == front_matter_title("copperbelt-cobalt-offtake")
    assert first["href"] == "briefs/copperbelt-cobalt-offtake.html"
    assert first["kicker"].lower() == "sub-saharan africa"
    assert first["marks"][0].lower() == "cobalt"


def test_a_filter_narrows_results_with_correct_counts(shown):
    before = count(shown["japan"]["status"])
    region = shown["region"]["count"]
    assert 0 < region < before
    filtered = shown["filtered"]
    assert re.match(rf"^{region} results? for “japan” \(filtered\)", filtered["status"])
    assert len(filtered["results"]) == region
    assert all(r["kicker"].lower() == "northeast asia" for r in filtered["results"])
    assert filtered["url"].endswith("search.html?q=japan&region=northeast-asia")


def test_a_word_deep_in_a_body_gets_its_own_excerpt(shown):
    body = next((ROOT / "content" / "briefs").rglob(f"{DEEP_BRIEF}.md"))
    paragraphs = body.read_text("utf-8").split("---", 2)[2].split("\n\n")
    first = next(n for n, text in enumerate(paragraphs) if DEEP_WORD in text)
    assert first > 5  # deep indeed
    (result,) = shown["royalties"]["results"]
    assert result["href"] == f"briefs/{DEEP_BRIEF}.html"
    assert result["marks"] == [DEEP_WORD]
    assert result["excerpt"].startswith("… ")
