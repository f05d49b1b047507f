"""The site read from disk in a real browser: headless Chromium opens
`file://…/index.html` (of a build and of the extracted offline zip) and clicks
home → region → brief → author → region, with no server and no request
leaving the file system."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# A listing link, not the index of all regions or authors.
REGION_LINK = 'a[href*="regions/"]:not([href$="regions/index.html"])'
AUTHOR_LINK = 'a[href*="authors/"]:not([href$="authors/index.html"])'
BRIEF_LINK = 'main a[href*="briefs/"]'

# The `browser` fixture (Debian's Chromium, one per test process) is in
# conftest.py.


@pytest.fixture(scope="module")
def sites(sample_development, sample_bundle, tmp_path_factory):
    """The sample site as built into a folder, and as unzipped from a bundle."""
    base = tmp_path_factory.mktemp("offline")
    built = sample_development
    with zipfile.ZipFile(sample_bundle) as archive:
        archive.extractall(base / "unzipped")
    return {
        "output": built,
        "zip": base / "unzipped" / "policy-briefs-offline-2024-01-02",
    }


BODY_STYLE = """() => {
    const style = getComputedStyle(document.body);
    return [style.fontFamily, style.fontSize, style.color, style.backgroundColor,
            style.margin, style.lineHeight];
}"""


class Visit:
    """One tab that records every request and checks each page it reaches."""

    def __init__(self, browser, site: Path):
        self.site = site
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "requestfailed",
            lambda request: self.failed.append(f"{request.url}: {request.failure}"),
        )
        self.page.set_content("<body><h1>Unstyled</h1></body>")
        self.unstyled = self.page.evaluate(BODY_STYLE)

    def open(self, relative: str):
        self.page.goto((self.site / relative).as_uri())
        return self.check(relative)

    def follow(self, selector: str, folder: str):
        link = self.page.locator(selector).first
        assert link.count() == 1, f"no link {selector} on {self.page.url}"
        with self.page.expect_navigation():
            link.click()
        relative = Path(self.page.url.removeprefix(self.site.as_uri() + "/"))
        assert relative.parent.as_posix() == folder, self.page.url
        return self.check(relative.as_posix())

    def check(self, relative: str) -> str:
        page = self.page
        assert page.url == (self.site / relative).as_uri()
        assert page.title().strip(), f"{relative}: empty <title>"
        heading = page.locator("h1").first
        assert heading.is_visible(), f"{relative}: no visible <h1>"
        assert heading.inner_text().strip()
        assert self.failed == [], f"{relative}: files failed to load"
        styled = page.evaluate(BODY_STYLE)
        assert styled != self.unstyled, f"{relative}: theme CSS not applied"
        return heading.inner_text().strip()

    def close(self):
        self.context.close()


@pytest.mark.parametrize("which", ["output", "zip"])
def test_click_through_the_site_from_disk(browser, sites, which):
    visit = Visit(browser, sites[which])
    try:
        headings = [
            visit.open("index.html"),
            visit.follow(REGION_LINK, "regions"),
            visit.follow(BRIEF_LINK, "briefs"),
            visit.follow(AUTHOR_LINK, "authors"),
            visit.follow(REGION_LINK, "regions"),
        ]
        assert len(set(headings[:4])) == 4, headings
        not_local = [
            url for url in visit.requests if not url.startswith(("file:", "data:"))
        ]
        assert not_local == [], "requests left the file system"
    finally:
        visit.close()
