"""Search in a real browser: headless Chromium on search.html of the built
sample site and of a small purpose-made one (120 briefs sharing a word, a
draft, a title with markup, a word deep in a body, accents, Japanese), each
opened from disk (file://) and served over HTTP under a sub-path, as on
GitHub Pages. Nothing here is timed; `invoke bench` measures speed."""

from __future__ import annotations

import base64
import re
import threading
import zlib
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from briefs.search import PAGE_SIZE, read_script
from policy_briefs.project import ROOT

pytestmark = pytest.mark.browser

SUB_PATH = "/org-briefs/"
HARBOUR_BRIEFS = 120  # the purpose-made site's briefs that share a word
REGION_NAMES = ["Northeast Asia", "Middle East & North Africa", "Europe"]
AUTHOR_NAMES = ["Yuki Tatsumi", "Søren Kjærgaard"]
MARKUP_TITLE = '<img src=x onerror="window.__xss = 1">Markup <b>in</b> a title'


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site only under SUB_PATH; anything else is a 404."""

    def translate_path(self, path):
        if not path.startswith(SUB_PATH):
            return str(Path(self.directory) / "missing" / "nothing")
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def log_message(self, *args):
        pass


@contextmanager
def served(folder: Path):
    handler = partial(_SubPathHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def base_urls(folder: Path, request):
    """The site's address from disk or from the server, per test parameter."""
    if request.param == "file":
        return folder.as_uri() + "/"
    return request.getfixturevalue(f"{request.fixturename}_server")


@pytest.fixture(scope="module")
def sample_output(sample_development) -> Path:
    return sample_development


@pytest.fixture(scope="module")
def sample_server(sample_output):
    with served(sample_output) as url:
        yield url


@pytest.fixture(scope="module", params=["file", "http"])
def sample(request, sample_output) -> str:
    return base_urls(sample_output, request)


def write_made_site(site) -> None:
    for n in range(HARBOUR_BRIEFS):
        site.brief(
            f"harbour-{n:03d}",
            body=f"The harbour plan, part {n}.\n\nDredging schedules and berths.",
            title=f"Harbour brief {n:03d}",
            author=AUTHOR_NAMES[n % 2],
            region=REGION_NAMES[n % 3],
            tags=[f"Topic {n % 4}"],
            date=f"{2021 + n % 4}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        )
    filler = "\n\n".join(
        f"Paragraph {n} on ports, shipping lanes and insurance." for n in range(14)
    )
    site.brief(
        "deep-word",
        body=f"{filler}\n\nLate in the text, zanzibarite deposits appear.\n\n{filler}",
        title="A long brief on minerals",
        date="2020-05-01",
    )
    site.brief("draft-plan", body="The quokkaplan is secret.", status="draft")
    site.brief("markup", body="About markuptest.", title=MARKUP_TITLE)
    site.brief("accents", body="Lithium brine.", title="Núñez and the Andes")
    site.brief(
        "japanese",
        body="経済安全保障推進法の運用について。",
        title="日本の経済安全保障",
        region="Northeast Asia",
    )


@pytest.fixture(scope="module")
def made_output(module_site) -> Path:
    write_made_site(module_site)
    return module_site.build().output


@pytest.fixture(scope="module")
def made_server(made_output):
    with served(made_output) as url:
        yield url


@pytest.fixture(scope="module", params=["file", "http"])
def made(request, made_output) -> str:
    return base_urls(made_output, request)


class SearchTab:
    """A test's view of a tab on a site: records requests and script errors
    until closed."""

    def __init__(self, page, base: str, context=None):
        self.base = base
        self.page = page
        self.context = context  # the tab's own, closed with it
        page.goto("about:blank")  # nothing of an earlier test is left to load
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.listeners = {
            "request": lambda request: self.requests.append(request.url),
            "pageerror": lambda error: self.errors.append(str(error)),
            "requestfailed": self._failed,
        }
        for event, listener in self.listeners.items():
            page.on(event, listener)
        self.status = page.locator("#pb\\:search-status")
        self.items = page.locator("#pb\\:search-results > li")

    def _failed(self, request):
        """A file that failed to load. Not one cut short because the page
        moved on (net::ERR_ABORTED: the icon of a page left at once): a
        missing file fails as net::ERR_FILE_NOT_FOUND from disk."""
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"{request.url}: {request.failure}")

    def open(self, query: str = "", expect_status: str | re.Pattern = r"\S"):
        self.page.goto(self.base + "search.html" + query)
        self.wait(expect_status)

    def wait(self, status: str | re.Pattern):
        pattern = status if isinstance(status, re.Pattern) else re.compile(status)
        expect(self.status).to_have_text(pattern)

    def titles(self) -> list[str]:
        return self.page.locator("#pb\\:search-results .card__title").all_inner_texts()

    def facet(self, key: str, name: str):
        """The checkbox of a facet value and the count shown beside it."""
        names = self.page.locator(
            f'#pb\\:search-facets label[for^="pb:facet-{key}-"] span'
        )
        exact = re.compile(f"^{re.escape(name)}$")
        label = names.filter(has_text=exact).first.locator("xpath=..")
        box = self.page.locator(f"[id='{label.get_attribute('for')}']")
        return box, int(label.locator(".facet__count").inner_text().split()[0])

    def close(self):
        for event, listener in self.listeners.items():
            self.page.remove_listener(event, listener)
        if self.context is not None:
            self.context.close()
        assert self.errors == [], self.errors


@pytest.fixture(scope="module")
def shared_tab(browser):
    """One tab for the module's tests: a new tab costs Chromium more than
    most of these tests do (each starts from a blank page)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def tab_on(browser, shared_tab):
    """A SearchTab on the module's tab, or, for a browser set up otherwise
    (JavaScript off), on a tab of its own."""
    opened = []

    def open_tab(base: str, **options) -> SearchTab:
        if options:
            context = browser.new_context(**options)
            opened.append(SearchTab(context.new_page(), base, context))
        else:
            opened.append(SearchTab(shared_tab, base))
        return opened[-1]

    yield open_tab
    for tab in opened:
        tab.close()


def front_matter_title(name: str) -> str:
    path = next((ROOT / "content" / "briefs").rglob(f"{name}.md"))
    match = re.search(r"^title: (.*)$", path.read_text("utf-8"), re.M)
    return match.group(1).strip().strip("\"'")


# The sample site -------------------------------------------------------------


def test_a_query_finds_the_expected_brief_first_and_links_to_it(tab_on, sample):
    tab = tab_on(sample)
    tab.open("?q=cobalt", r"^\d+ results? for “cobalt”")
    title = front_matter_title("copperbelt-cobalt-offtake")
    assert tab.titles()[0] == title
    first = tab.items.first
    assert first.locator("mark").first.inner_text().lower() == "cobalt"
    assert first.locator(".kicker").inner_text().strip().lower() == "sub-saharan africa"
    link = first.locator("a.result__link")
    assert link.get_attribute("href") == "briefs/copperbelt-cobalt-offtake.html"
    with tab.page.expect_navigation():
        link.click()
    assert tab.page.url == sample + "briefs/copperbelt-cobalt-offtake.html"
    assert tab.page.locator("h1").inner_text() == title
    local = ("file:",) if sample.startswith("file:") else (sample,)
    assert [url for url in tab.requests if not url.startswith(local)] == []


def test_the_header_form_of_any_page_searches(tab_on, sample):
    tab = tab_on(sample)
    tab.page.goto(sample + "briefs/red-sea-shipping-disruption.html")
    tab.page.fill("#pb\\:site-search-q", "Sahel juntas")
    with tab.page.expect_navigation():
        tab.page.press("#pb\\:site-search-q", "Enter")
    assert tab.page.url == sample + "search.html?q=Sahel+juntas"
    tab.wait("for “Sahel juntas”")
    assert tab.titles()[0] == front_matter_title("sahel-juntas-and-ecowas")
    assert tab.page.input_value("#pb\\:search-q") == "Sahel juntas"


def test_a_filter_narrows_results_and_shows_their_count(tab_on, sample):
    tab = tab_on(sample)
    tab.open("?q=japan", r"^\d+ results for “japan”")
    before = tab.items.count()
    box, count = tab.facet("region", "Northeast Asia")
    assert 0 < count < before
    box.check()
    tab.wait(rf"^{count} results? for “japan” \(filtered\)")
    assert tab.items.count() == count
    kickers = tab.page.locator("#pb\\:search-results .kicker").all_inner_texts()
    assert all("northeast asia" in kicker.lower() for kicker in kickers)
    assert tab.page.url.endswith("search.html?q=japan&region=northeast-asia")


def test_an_unknown_word_says_no_results(tab_on, sample):
    tab = tab_on(sample)
    tab.open("?q=xylophonic", "No results for “xylophonic”")
    assert tab.items.count() == 0
    assert tab.page.locator("#pb\\:search-more").is_hidden()


def test_no_results_with_filters_says_the_filters_left_none(tab_on, sample):
    """The live region must not tell a screen reader that a word matches no
    brief at all when the filters removed its results."""
    tab = tab_on(sample)
    tab.open(
        "?q=xylophonic&region=europe", "No results for “xylophonic” with these filters."
    )


def test_the_sample_draft_is_not_found(tab_on, sample):
    """ "Belém" is only in the sample draft (amazon-finance-after-belem)."""
    others = [
        p.read_text("utf-8")
        for p in (ROOT / "content" / "briefs").rglob("*.md")
        if "status: draft" not in p.read_text("utf-8")
    ]
    assert not any("Belém" in text or "Belem" in text for text in others)
    tab = tab_on(sample)
    tab.open("?q=Bel%C3%A9m", "No results for “Belém”")


def test_back_restores_the_previous_search(tab_on, sample):
    tab = tab_on(sample)
    tab.open("?q=japan", "for “japan”")
    japan = tab.titles()
    tab.page.fill("#pb\\:search-q", "debt")
    tab.page.press("#pb\\:search-q", "Enter")
    tab.wait("for “debt”")
    assert tab.page.url.endswith("search.html?q=debt")
    assert tab.titles() != japan
    tab.page.go_back()
    tab.wait("for “japan”")
    assert tab.page.input_value("#pb\\:search-q") == "japan"
    assert tab.titles() == japan
    tab.page.go_forward()
    tab.wait("for “debt”")


def test_typing_updates_results_and_replaces_the_history_entry(tab_on, sample):
    tab = tab_on(sample)
    tab.open()
    tab.wait("Type a word")
    length = tab.page.evaluate("history.length")
    tab.page.locator("#pb\\:search-q").press_sequentially("indon")  # a prefix
    tab.wait("for “indon”")
    assert tab.titles()[0] == front_matter_title("indonesia-nickel-downstreaming")
    assert tab.page.url.endswith("search.html?q=indon")
    assert tab.page.evaluate("history.length") == length


def test_without_javascript_the_page_points_to_the_indexes(tab_on, sample):
    tab = tab_on(sample, java_script_enabled=False)
    tab.page.goto(sample + "search.html?q=japan")
    note = tab.page.locator(".search-note")
    expect(note).to_contain_text("Search needs JavaScript")
    hrefs = note.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs == [
        sample + "regions/index.html",
        sample + "authors/index.html",
        sample + "topics/index.html",
    ]


# The purpose-made site -------------------------------------------------------


def test_more_than_100_matches_are_counted_and_paged(tab_on, made):
    tab = tab_on(made)
    tab.open("?q=harbour", rf"^{HARBOUR_BRIEFS} results for “harbour”")
    assert tab.items.count() == PAGE_SIZE
    for name in REGION_NAMES:
        assert tab.facet("region", name)[1] == HARBOUR_BRIEFS // 3
    assert tab.facet("author", AUTHOR_NAMES[0])[1] == HARBOUR_BRIEFS // 2
    more = tab.page.locator("#pb\\:search-more")
    more.click()
    expect(tab.items).to_have_count(2 * PAGE_SIZE)
    focused = tab.page.evaluate("document.activeElement.textContent")
    assert focused == tab.titles()[PAGE_SIZE]

    box, count = tab.facet("region", "Europe")
    box.check()
    tab.wait(rf"^{count} results for “harbour” \(filtered\)")
    assert count == HARBOUR_BRIEFS // 3
    # Counts of a facet leave out its own selection; others narrow.
    assert tab.facet("region", "Northeast Asia")[1] == HARBOUR_BRIEFS // 3
    europe_by_author = [
        len([n for n in range(HARBOUR_BRIEFS) if n % 3 == 2 and n % 2 == a])
        for a in (0, 1)
    ]
    assert [tab.facet("author", name)[1] for name in AUTHOR_NAMES] == europe_by_author
    box, _ = tab.facet("region", "Northeast Asia")
    box.check()  # several values of one facet widen
    tab.wait(rf"^{2 * HARBOUR_BRIEFS // 3} results")
    box, count = tab.facet("author", AUTHOR_NAMES[1])
    box.check()  # another facet narrows
    tab.wait(rf"^{count} results")
    assert count == len(
        [n for n in range(HARBOUR_BRIEFS) if n % 3 in (0, 2) and n % 2 == 1]
    )
    assert "region=europe&region=northeast-asia&author=soren-kjaergaard" in (
        tab.page.url
    )


def test_more_results_adds_each_page_once(tab_on, made):
    """Pressed twice before its page has loaded, "More results" adds one
    page; pressed while a new search loads, it adds nothing of the old."""
    tab = tab_on(made)
    tab.open("?q=harbour", rf"^{HARBOUR_BRIEFS} results for “harbour”")
    tab.page.evaluate(
        "() => { const more = document.getElementById('pb:search-more');"
        " more.click(); more.click(); }"
    )
    tab.wait(rf"Showing {2 * PAGE_SIZE}\.$")
    titles = tab.titles()
    assert len(titles) == len(set(titles)) == 2 * PAGE_SIZE
    tab.page.evaluate(
        "() => { const input = document.getElementById('pb:search-q');"
        " input.value = 'harbour europe';"
        " input.dispatchEvent(new Event('input'));"
        " document.getElementById('pb:search-more').click(); }"
    )
    tab.wait(r"for “harbour europe”.*Showing \d+\.$")
    titles = tab.titles()
    assert len(titles) == len(set(titles)) == PAGE_SIZE


def test_browsing_a_filter_without_a_query_lists_newest_first(tab_on, made):
    tab = tab_on(made)
    tab.open("?region=europe", r"^\d+ results \(filtered\)")
    dates = tab.page.locator("#pb\\:search-results time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert len(dates) == PAGE_SIZE and dates == sorted(dates, reverse=True)
    assert tab.page.locator("#pb\\:search-results mark").count() == 0


def test_a_word_deep_in_a_body_gets_its_own_excerpt(tab_on, made):
    tab = tab_on(made)
    tab.open("?q=zanzibarite", "^1 result for")
    excerpt = tab.items.first.locator(".result__excerpt")
    assert excerpt.locator("mark").all_inner_texts() == ["zanzibarite"]
    assert excerpt.inner_text().startswith("…")


def test_a_drafts_unique_word_finds_nothing(tab_on, made, made_output):
    tab = tab_on(made)
    tab.open("?q=quokkaplan", "No results for “quokkaplan”")
    texts = []
    for path in (made_output / "search").rglob("*.js"):
        texts.append(path.read_text("utf-8"))
        kind, _, data = read_script(path.read_bytes())
        if kind == "doc":  # a brief's deflated text
            texts.append(zlib.decompress(base64.b64decode(data["text"])).decode())
    assert len(texts) > HARBOUR_BRIEFS * 2
    assert not [text for text in texts if "quokka" in text or "draft-plan" in text]


def test_a_title_with_markup_shows_as_text(tab_on, made):
    tab = tab_on(made)
    tab.open("?q=markuptest", "^1 result for")
    assert tab.titles() == [MARKUP_TITLE]
    assert (
        tab.page.locator("#pb\\:search-results img, #pb\\:search-results b").count()
        == 0
    )
    assert tab.page.evaluate("window.__xss") is None


def test_accents_and_japanese_are_found(tab_on, made):
    tab = tab_on(made)
    tab.open("?q=Nunez", "^1 result for")
    assert tab.titles() == ["Núñez and the Andes"]
    tab.open("?q=soren", rf"^{HARBOUR_BRIEFS // 2} results")  # Søren's briefs
    tab.open("?q=%E7%B5%8C%E6%B8%88", "^1 result for")  # 経済
    assert tab.titles() == ["日本の経済安全保障"]
    assert tab.items.first.locator("mark").first.inner_text() == "経済"
    tab.open("?q=%E4%BF%9D", "^1 result for")  # a single character: 保


def test_filters_work_from_the_keyboard(tab_on, made):
    tab = tab_on(made)
    tab.open("?q=harbour", "for “harbour”")
    box, count = tab.facet("year", "2024")
    box.focus()
    tab.page.keyboard.press("Space")
    tab.wait(rf"^{count} results for “harbour” \(filtered\)")
    assert tab.page.evaluate("document.activeElement.id") == box.get_attribute("id")
    tab.page.keyboard.press("Space")
    tab.wait(rf"^{HARBOUR_BRIEFS} results for “harbour”\.")
    assert tab.status.get_attribute("aria-live") == "polite"
