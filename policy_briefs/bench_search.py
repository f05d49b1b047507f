"""Search figures of a built site, for `invoke bench`: the size of every
search file, and what a browser loads to answer a one-word query on a fresh
page load, worked out from the shard layout (no browser, nothing timed).

The query figure is an upper bound: the page's stylesheets and scripts
(meta.js among them), the shards the costliest word of the index needs as
the last word typed (its own shard and those its prefix spans, as
search-core.js loads them), and the 20 largest result files.
"""

from __future__ import annotations

import bisect
from html.parser import HTMLParser
from pathlib import Path

from briefs.search import META, TERMS, read_script, sort_key

QUERY_BUDGET = 400_000
TOTAL_BUDGET = 30_000_000


class _Assets(HTMLParser):
    """Stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"])
        elif tag == "link" and "stylesheet" in (values.get("rel") or "").split():
            self.urls.append(values["href"])


def page_assets(output: Path) -> list[Path]:
    parser = _Assets()
    parser.feed((output / "search.html").read_text("utf-8"))
    return [output / url for url in parser.urls]


def shards_for(bounds: list[bytes], word: str, limit: int) -> range:
    """The shards a word typed last needs, as search-core.js loads them: the
    one it sorts into and the run its prefix spans (at most `limit`).
    `bounds`: the shard boundaries as `sort_key`s."""
    first = bisect.bisect_right(bounds, sort_key(word)) - 1
    end = bisect.bisect_right(bounds, sort_key(word + "\uffff")) - 1
    return range(first, min(end, first + limit - 1) + 1)


def search_budget(output_dir: Path) -> dict:
    """Figures for the search files of the site built in `output_dir`."""
    output = Path(output_dir)
    meta = read_script((output / META).read_bytes())[2]
    bounds = [sort_key(bound) for bound in meta["shards"]]
    assets = page_assets(output)
    search_files = [p for p in (output / "search").rglob("*") if p.is_file()]
    scripts = [p for p in assets if p.suffix == ".js" and p not in search_files]
    shard_sizes = [
        (output / TERMS.format(n)).stat().st_size for n in range(len(bounds))
    ]
    doc_sizes = sorted(
        (p.stat().st_size for p in (output / "search" / "docs").glob("*.js")),
        reverse=True,
    )
    costliest = 0
    for number in range(len(bounds)):
        shard = read_script((output / TERMS.format(number)).read_bytes())[2]
        for term in shard:
            needed = shards_for(bounds, term, meta["prefixShards"])
            loaded = sum(shard_sizes[n] for n in needed)
            costliest = max(costliest, loaded)
    page_bytes = sum(p.stat().st_size for p in assets)
    query_bytes = page_bytes + costliest + sum(doc_sizes[: meta["pageSize"]])
    total = sum(p.stat().st_size for p in [*search_files, *scripts])
    return {
        "briefs": meta["count"],
        "search_files": len(search_files) + len(scripts),
        "search_bytes": total,
        "meta_bytes": (output / META).stat().st_size,
        "shards": len(bounds),
        "largest_shard_bytes": max(shard_sizes),
        "page_bytes": page_bytes,
        "one_word_query_bytes": query_bytes,
        "within_budgets": query_bytes <= QUERY_BUDGET and total <= TOTAL_BUDGET,
    }


# From the last keystroke to the results drawn, measured in the page: the
# time of the last `input` event, then the first frame after the status
# line names the whole word (search.js writes it once the page of results,
# excerpts included, is in the document).
_WATCH = """(word) => { window.__searchLatency = new Promise((resolve) => {
    const input = document.getElementById("pb:search-q");
    const status = document.getElementById("pb:search-status");
    let last = 0;
    input.addEventListener("input", () => { last = performance.now(); });
    new MutationObserver((changes, observer) => {
        if (input.value === word && status.textContent.includes("“" + word + "”")) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - last));
        }
    }).observe(status, {childList: true, characterData: true, subtree: true});
}); }"""


def common_words(output: Path, count: int = 5) -> list[str]:
    """The indexed words of four letters or more in the most briefs."""
    meta = read_script((output / META).read_bytes())[2]
    found = []
    for number in range(len(meta["shards"])):
        shard = read_script((output / TERMS.format(number)).read_bytes())[2]
        found.extend((-len(postings), term) for term, postings in shard.items())
    return [term for _, term in sorted(found) if len(term) >= 4 and term.isalpha()][
        :count
    ]


def search_latency(output_dir: Path, words: list[str] | None = None) -> dict:
    """Milliseconds from the last keystroke to results on screen in headless
    Chromium, on a fresh page opened from disk for each word: typed at a
    person's pace (earlier keystrokes have loaded some of the index), and
    pasted whole (one input event; every index file loaded after it)."""
    from playwright.sync_api import sync_playwright

    output = Path(output_dir)
    words = words or common_words(output)
    timings: dict[str, dict[str, float]] = {"typed": {}, "pasted": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        try:
            for word in words:
                for how, timing in timings.items():
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto((output / "search.html").as_uri())
                    page.wait_for_function(
                        "document.getElementById('pb:search-status').textContent"
                    )
                    page.evaluate(_WATCH, word)
                    if how == "typed":
                        page.locator("#pb\\:search-q").press_sequentially(
                            word, delay=120
                        )
                    else:
                        page.locator("#pb\\:search-q").fill(word)
                    timing[word] = round(page.evaluate("window.__searchLatency"), 1)
                    context.close()
        finally:
            browser.close()
    return {
        how: {"median_ms": sorted(t.values())[len(t) // 2], "max_ms": max(t.values())}
        for how, t in timings.items()
    } | {"words": words}


def index_cost(content: Path, workers: int, every: int = 10) -> dict:
    """What the index adds to a cold build: tokenising each published brief
    (search.body_terms), done in the read pass that renders its Markdown and
    spread over the build's `workers`; measured (CPU time) on every
    `every`th brief and scaled to all. The index files are then made in the
    main process while the workers render the pages, so they add nothing
    unless the pages finish first."""
    import time

    from briefs.reading import ReadSettings, read_source
    from briefs.search import body_terms

    from .build import load_settings

    config = ReadSettings.from_settings(load_settings(content, content / "unused"))
    sources = sorted((Path(content) / "briefs").rglob("*.md"))
    seconds = 0.0
    for path in sources[::every]:
        read = read_source(path, path.name, path.read_bytes(), config)
        if read.brief is None or read.brief.is_draft:
            continue
        started = time.process_time()
        body_terms(read.brief, read.html)
        seconds += time.process_time() - started
    sampled = len(sources[::every])
    added = seconds * len(sources) / sampled if sampled else 0.0
    return {"index_adds_to_cold_build_s": round(added / max(workers, 1), 2)}
