"""The production page-not-found page (404.html): GitHub Pages serves its
bytes, with status 404, for every missing address at any depth. Loaded in
Chromium from two depths of a served sub-path, it must look styled, link
into the site by its public address, and load nothing but itself."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

from briefs.linkcheck import read_page
from policy_briefs.project import PUBLISH_SETTINGS

SUB_PATH = "/repo/"


class _PagesHandler(SimpleHTTPRequestHandler):
    """GitHub Pages in small: the site under SUB_PATH; any missing file is
    answered with 404.html's bytes and status 404."""

    def do_GET(self):
        local = self.translate_path(self.path.split("?")[0])
        if self.path.startswith(SUB_PATH) and Path(local).is_file():
            return super().do_GET()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path):
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(module_site, monkeypatch_module):
    """A production build whose public address is this server's sub-path."""
    site = module_site
    site.brief("water-policy", title="Water Policy")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_PagesHandler, directory=str(site.output))
    )
    public = f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    monkeypatch_module.setenv("SITEURL", public.rstrip("/"))
    site.build(settings_file=PUBLISH_SETTINGS, PDF_EDITIONS="off")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, public
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CNAME", raising=False)
        yield patch


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# The space between two elements (CSS selectors), in px.
SPACE_BELOW = """([above, below]) =>
    document.querySelector(below).getBoundingClientRect().top
    - document.querySelector(above).getBoundingClientRect().bottom"""


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["no-such-page.html", "briefs/2019/a/b/gone"])
def test_the_404_page_works_at_any_depth(browser, served, missing):
    _, public = served
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        response = page.goto(public + missing)
        assert response.status == 404
        assert page.title() == "Page not found | Policy Briefs"
        # Styled by the inline stylesheet: the theme's fonts and layout.
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert font.startswith("Charter")
        hidden = page.evaluate(
            "getComputedStyle(document.querySelector('.skip-link')).position"
        )
        assert hidden == "absolute"
        links = page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        forms = page.eval_on_selector_all("form", "els => els.map(e => e.action)")
        main_links = page.eval_on_selector_all(
            "main a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        below_search = page.evaluate(SPACE_BELOW, ["main .search-form", "main h2"])
        # Submitting the page's own search box lands on the search page.
        page.fill("#pb\\:not-found-q", "water")
        page.press("#pb\\:not-found-q", "Enter")
        page.wait_for_url("**/search.html?q=water")
        searched = page.url
        on_search = page.evaluate(SPACE_BELOW, ["main .search-form", ".search-status"])
    finally:
        page.close()
    # The heading below the search box stands as far from it as the search
    # page's status line from its form (it touched the box).
    assert below_search == on_search > 10
    # Nothing but the page itself (and, after the search, the search page
    # and what it loads) was requested before the search.
    assert requests[0] == public + missing
    assert requests.index(searched) == 1
    assert main_links == [
        f"{public}{path}"
        for path in (
            "index.html",
            "regions/index.html",
            "authors/index.html",
            "topics/index.html",
            "archives.html",
            "search.html",
        )
    ]
    assert forms == [f"{public}search.html", f"{public}search.html"]
    # Every link but the skip link ("#pb:main") names the site's address.
    assert [url for url in links if not url.startswith(public)] == ["#pb:main"]
    local = {url.split("#")[0] for url in links if url.startswith(public)}
    assert {url: status_of(url) for url in local} == dict.fromkeys(local, 200)


def test_404_is_production_only_and_not_in_the_sitemap(served, site):
    production, public = served
    sitemap = (production.output / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{public}index.html</loc>" in sitemap
    assert "404.html" not in sitemap
    # The development build (what the offline bundle zips) has none.
    site.brief("water-policy")
    site.build()
    assert (site.output / "index.html").is_file()
    assert not (site.output / "404.html").exists()


def test_404_has_no_canonical_link_and_inline_styles_only(served):
    site, _ = served
    page = site.html("404.html")
    assert page.find("link", rel="canonical") is None
    assert page.find("link", rel="stylesheet") is None
    (style,) = page.find_all("style")
    theme = Path(__file__).resolve().parents[1] / "theme" / "static" / "css"
    assert (theme / "components.css").read_text("utf-8").strip() in style.text
    assert not page.find_all(["script", "img"])
    icon = page.find("link", rel="icon")["href"]
    theme_icon = theme.parent / "img" / "icon.svg"
    assert (
        unquote(icon) == "data:image/svg+xml," + theme_icon.read_text("utf-8").strip()
    )


def test_the_link_check_wants_absolute_links_and_no_assets_on_the_404_page():
    html = (
        '<a href="#top">top</a><a href="https://example.org/site/index.html">x</a>'
        '<a href="index.html">home</a><img src="https://example.org/site/a.png">'
        '<link rel="icon" href="data:image/svg+xml,%3Csvg/%3E">'
    )
    found = read_page("404.html", html)
    assert [(p.target, p.reason) for p in found.problems] == [
        (
            "index.html",
            "relative link on a page served at any depth (use the absolute address)",
        ),
        (
            "https://example.org/site/a.png",
            "loaded by a page served at any depth (inline it instead)",
        ),
    ]
    assert [r.url for r in found.references] == [
        "#top",
        "https://example.org/site/index.html",
    ]
    assert all(r.absolute_ok for r in found.references)
    # Any other page keeps its relative link.
    assert [p.target for p in read_page("about.html", html).problems] == []
