"""The search index builder (plugins/briefs/search.py, search_text.py) and
its twin in the browser (theme/static/js/search-core.js, run in Node):
tokenising, stemming, accents, CJK, records, shards, postings, facets, and
the ranking, filtering and excerpts that read them."""

from __future__ import annotations

import base64
import json
import random
import re
import shutil
import subprocess
import zlib
from collections import Counter
from datetime import UTC, datetime

import pytest

from briefs import search
from briefs.schema import Brief
from briefs.search_text import fold, html_text, term_counts, terms, words
from policy_briefs import bench_search
from policy_briefs.bench_search import shards_for
from policy_briefs.project import ROOT

CORE_RUNNER = ROOT / "tests" / "tools" / "search-core.mjs"

# Snowball's special cases and other words worth stemming twice.
EXCEPTIONS = [
    *("skies", "dying", "lying", "tying", "news", "howe", "atlas", "cosmos"),
    *("bias", "andes", "inning", "outing", "canning", "herring", "earring"),
    *("proceed", "exceed", "succeed", "generously", "communism", "arsenal"),
    *("universal", "cat's", "'quoted'", "ugly", "early", "only", "singly"),
    *("sky", "idly", "gently", "sanctions", "sanctioned", "consigned"),
    *("consolidating", "generalizations", "happiness", "knightly", "yearly"),
    # stemmed otherwise by later Snowball releases (3.1)
    *("international", "internal", "interval", "interfering", "skis"),
]

# Strings where a Python and a JavaScript folding could part ways.
TRICKY = [
    "Núñez NUNEZ Nu\u0301n\u0303ez",
    "Straße STRASSE ẞ",
    "ΣΟΦΟΣ σοφός",
    "İSTANBUL Ǆemal ﬁnance ﬀ ＪＡＰＡＮ ｶﾞｲﾑ ①②",
    "Japan’s “sanctions” — 2024–25, a-b c.d e_f x9 9x",
    "日本政府の制裁、G7サミット x日本",
    "한국 정부의 제재 및 경제안보",
    "中国 经济 安全 政策 𠮷野家",
    "Søren Kjærgaard Łódź Đắk Lắk São Tomé Côte d’Ivoire",
    "Ελλάδα Россия Україна العربية עברית हिन्दी",
    "がぎぐ パピプ ゔ",
    "The sanctions, the SANCTION and a 2nd sanctioned-regime: x y 42 z9.",
]


def brief(**fields) -> Brief:
    values = {
        "source": "/content/briefs/2024/x.md",
        "slug": "x",
        "title": "Water Policy",
        "authors": ("Yuki Tatsumi",),
        "regions": ("Northeast Asia",),
        "date": datetime(2024, 3, 20, tzinfo=UTC),
        "body": "",
    }
    values.update(fields)
    return Brief(**values)


def record(slug="x", body="<p>Body text.</p>", **fields) -> search.SearchDocument:
    made = brief(slug=slug, **fields)
    return search.document(
        made,
        search.body_terms(made, body),
        f"briefs/{slug}.html",
        authors=[(name, name.lower().replace(" ", "-")) for name in made.authors],
        regions=[(name, name.lower().replace(" ", "-")) for name in made.regions],
        topics=[(name, name.lower()) for name in made.tags],
    )


def loaded(files: dict[str, bytes], path: str):
    return search.read_script(files[path])[2]


def meta_and_shards(files: dict[str, bytes]) -> tuple[dict, dict[int, dict]]:
    meta = loaded(files, search.META)
    count = len(meta["shards"])
    return meta, {n: loaded(files, search.TERMS.format(n)) for n in range(count)}


@pytest.fixture(scope="module")
def node(unavailable):
    if shutil.which("node") is None:
        unavailable("the browser-side tests need node (apt-get install nodejs)")

    def run(*calls):
        result = subprocess.run(
            ["node", str(CORE_RUNNER)],
            input=json.dumps(calls),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


# Text: folding, words, stems, CJK ------------------------------------------


def test_accents_and_case_do_not_matter():
    assert fold("Núñez") == fold("NUNEZ") == fold("Nu\u0301n\u0303ez") == "nunez"
    assert fold("Straße") == "strasse"
    assert fold("Søren Kjærgaard, Łódź, Œuvre") == "soren kjaergaard, lodz, oeuvre"
    assert fold("ΣΟΦΟΣ") == fold("σοφοσ")
    assert fold("ＪＡＰＡＮ ﬁnance") == "japan finance"
    # Kana voicing marks change the letter: kept.
    assert fold("が") == "が" and fold("ｶﾞ") == "ガ"


def test_english_word_forms_share_a_stem():
    assert terms("sanction sanctions sanctioned") == ["sanction"] * 3
    assert terms("Japan’s economy economies") == ["japan", "economi", "economi"]
    assert terms("a I x") == []  # one-letter words are not indexed


def test_cjk_text_is_indexed_by_character_pairs_and_last_character():
    assert terms("日本政府") == ["日本", "本政", "政府", "府"]
    assert terms("制裁") == ["制裁", "裁"]
    assert terms("한국 정부") == ["한국", "국", "정부", "부"]
    assert terms("G7サミット") == ["g7", "サミ", "ミッ", "ット", "ト"]
    assert words(fold("x日本")) == ["日本"]


@pytest.mark.parametrize("text", TRICKY)
def test_term_counts_is_counter_of_terms(text):
    """The same counts, in the same order (the index lists a brief's terms
    in it)."""
    assert list(term_counts(text).items()) == list(Counter(terms(text)).items())


def test_html_text_keeps_blocks_apart_and_drops_footnote_marks():
    body = (
        '<h2 id="why">Why <em>now</em>?</h2>\n<p>One\nline  two &amp; more'
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>\n'
        "<table><tr><th>Port</th><th>Tonnes</th></tr><tr><td>Aden</td><td>9</td>"
        '</tr></table><div class="footnote"><hr><ol><li id="fn:1"><p>A note&#160;'
        '<a class="footnote-backref" href="#fnref:1" title="Jump back">&#8617;</a>'
        "</p></li></ol></div>"
    )
    text, headings = html_text(body)
    assert headings == ["Why now?"]
    assert text.split("\n") == [
        "Why now?",
        "One line two & more.",
        "Port Tonnes",
        "Aden 9",
        "A note",
    ]


# The same rules in the browser ----------------------------------------------


def test_python_and_javascript_fold_and_terms_agree(node):
    results = node(
        *[["fold", text] for text in TRICKY], *[["terms", t] for t in TRICKY]
    )
    assert results[: len(TRICKY)] == [fold(text) for text in TRICKY]
    assert results[len(TRICKY) :] == [terms(text) for text in TRICKY]


def test_python_and_javascript_stemmers_agree(node):
    """Every word of the sample briefs and the Snowball exceptions, stemmed
    by the build (PyStemmer's C build of Snowball, through snowballstemmer)
    and by the vendored JavaScript."""
    from briefs.search_text import stem

    sample = " ".join(p.read_text("utf-8") for p in (ROOT / "content").rglob("*.md"))
    vocabulary = sorted(set(words(fold(sample))) | set(EXCEPTIONS))
    assert len(vocabulary) > 1500
    js = node(*[["stemWord", word] for word in vocabulary])
    python = [stem(word) for word in vocabulary]
    pairs = zip(vocabulary, python, js, strict=True)
    assert [(word, p, j) for word, p, j in pairs if p != j] == []


def test_the_build_stems_with_the_c_build_of_the_same_snowball_release():
    """PyStemmer stems in the build (a Python stemmer costs a worker a third
    of a second of a build from nothing), with the same stems as
    snowballstemmer's own Python build of the release the JavaScript has."""
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    from briefs import search_text

    assert isinstance(search_text._stemmer, Stemmer.Stemmer)
    sample = " ".join(p.read_text("utf-8") for p in (ROOT / "content").rglob("*.md"))
    vocabulary = sorted(set(words(fold(sample))) | set(EXCEPTIONS))
    python = EnglishStemmer()
    assert [w for w in vocabulary if search_text.stem(w) != python.stemWord(w)] == []


def test_query_groups(node):
    (open_word, closed, cjk, single) = node(
        ["parseQuery", "Japan sanct"],
        ["parseQuery", "Japan sanctions "],
        ["parseQuery", "日本政府"],
        ["parseQuery", "経"],
    )
    assert open_word == [
        {"exact": "japan", "prefix": None},
        {"exact": "sanct", "prefix": "sanct"},
    ]
    assert closed[1] == {"exact": "sanction", "prefix": None}
    assert [g["exact"] for g in cjk] == ["日本", "本政", "政府"]
    assert single == [{"exact": "経", "prefix": "経"}]


# Records ---------------------------------------------------------------------


def test_a_draft_gives_no_record():
    assert record(status="draft", body="<p>quokkaplan</p>") is None
    assert search.index_files([None, record()]) == search.index_files([record()])


def test_record_fields_weights_and_top_flags():
    doc = record(
        title="Harbour Politics",
        summary="Ports and <b>power</b>",
        tags=("Shipping",),
        key_points=("Lighthouses matter",),
        body="<h2>Dredging</h2><p>The harbour budget.</p>",
    )
    assert doc.terms["harbour"] == (search.TITLE + 1) * 2 + 1  # title + body, top
    assert doc.terms["power"] == search.SUMMARY * 2 + 1
    assert doc.terms["ship"] == search.META_FIELDS * 2 + 1
    assert doc.terms["dredg"] == (search.HEADINGS + 1) * 2  # heading + body
    assert doc.terms["budget"] == 1 * 2  # body only: not top
    assert doc.facets["topic"] == (("shipping", "Shipping"),)
    assert doc.facets["year"] == (("2024", "2024"),)
    assert doc.date_text == "20 March 2024"
    assert doc.summary == "Ports and <b>power</b>"  # text, escaped by the browser
    plain = zlib.decompress(doc.text).decode()
    assert plain == "Lighthouses matter\nDredging\nThe harbour budget."


# Files -----------------------------------------------------------------------


def collection(count=60, seed=3, more: dict[int, str] | None = None):
    """`count` briefs of random words; `more`: words added to some, by number."""
    rng = random.Random(seed)
    vocabulary = [f"w{n:03d}x" for n in range(400)] + ["harbour"] * 40
    docs = []
    for n in range(count):
        body = "".join(
            f"<p>{' '.join(rng.choices(vocabulary, k=60))}</p>" for _ in range(5)
        ) + (f"<p>{more[n]}</p>" if more and n in more else "")
        docs.append(
            record(
                slug=f"b{n:03d}",
                title=f"Brief {n}",
                body=body,
                date=datetime(2000 + n % 20, 1 + n % 12, 1 + n % 28, tzinfo=UTC),
                regions=(["Europe", "Global", "Asia"][n % 3],),
                authors=("Ann Lee", "Bo Chan")[: 1 + n % 2],
                tags=(f"Topic {n % 5}",),
            )
        )
    return docs


def test_files_are_deterministic_whatever_the_order_of_records():
    docs = collection()
    files = search.index_files(docs)
    assert search.index_files(reversed(docs)) == files
    _, shards = meta_and_shards(files)
    assert set(files) == {
        search.META,
        *(search.DOCS.format(n) for n in range(60)),
        *(search.TERMS.format(n) for n in shards),
    }


def test_term_ids_sorted_as_16_or_32_bit_keys_give_the_same_files(monkeypatch):
    """Up to RADIX_TERMS terms, the index sorts term ids as 16-bit keys (by
    radix); beyond, as 32-bit ones: the same files, state and order."""
    docs = collection()
    keyed = {str(number): doc for number, doc in enumerate(docs)}
    radix = search.build_index(list(keyed), lambda keys: {k: keyed[k] for k in keys})
    monkeypatch.setattr(search, "RADIX_TERMS", 0)
    wide = search.build_index(list(keyed), lambda keys: {k: keyed[k] for k in keys})
    assert wide.made == radix.made
    assert list(wide.state.raw.items()) == list(radix.state.raw.items())
    assert list(wide.state.scored.items()) == list(radix.state.scored.items())


def test_briefs_are_numbered_newest_first():
    files = search.index_files(collection())
    dates = [loaded(files, f"search/docs/{n}.js")["date"] for n in range(60)]
    assert dates == sorted(dates, reverse=True)


def test_shards_are_small_sorted_ranges_found_by_their_boundaries(monkeypatch, node):
    monkeypatch.setattr(search, "SHARD_BYTES", 2_000)
    files = search.index_files(collection())
    bounds = loaded(files, search.META)["shards"]
    assert len(bounds) > 10
    shards = [loaded(files, f"search/terms/{n}.js") for n in range(len(bounds))]
    every = [(n, term) for n, shard in enumerate(shards) for term in shard]
    keys = [search.sort_key(term) for _, term in every]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for shard in shards:
        assert len(shard) == 1 or len(json.dumps(shard)) < 2_000 * 1.1
    found = node(*[["shardOf", bounds, term] for _, term in every])
    assert found == [n for n, _ in every]


def _indexed(docs, previous=None):
    """build_index over `docs` (already in id order), keyed by URL and body
    length; also which keys it loaded."""
    keyed = {f"{doc.url}:{doc.length}:{sorted(doc.terms.items())}": doc for doc in docs}
    known = dict(keyed)
    if previous is not None:
        known.update(previous[1])
    loaded_keys = []

    def load(keys):
        loaded_keys.extend(keys)
        return {key: known[key] for key in keys if key in known}

    index = search.build_index(list(keyed), load, previous and previous[0].state)
    return (index, known), loaded_keys


def assert_same_files(updated: search.Index, scratch: search.Index) -> None:
    """An update makes only files that may differ, and says the digest of
    the others: together, the files made from scratch."""
    assert updated.state.digests == scratch.state.digests
    assert set(scratch.made) == set(scratch.state.digests)
    for path, data in updated.made.items():
        assert data == scratch.made[path], path


def _in_id_order(docs):
    return sorted(docs, key=lambda d: (-d.timestamp, d.url))


@pytest.mark.parametrize("edits", [0, 1, 3])
def test_an_index_updated_from_the_last_one_equals_one_made_from_scratch(edits):
    docs = _in_id_order(collection(count=60))
    before, _ = _indexed(docs)
    rng = random.Random(edits)
    edited = list(docs)
    for number in rng.sample(range(len(docs)), edits):
        old = docs[number]
        # New words, words gone (a term only this brief had), another length.
        slug = old.url.removeprefix("briefs/").removesuffix(".html")
        edited[number] = record(
            slug=slug,
            title="Edited brief",  # its number, a term of its own, is gone
            body=f"<p>brandnew{number}</p>"
            + "".join(
                f"<p>{' '.join(rng.choices(['w001x', 'harbour', 'w777x'], k=60))}</p>"
                for _ in range(5)
            ),
            date=datetime.fromisoformat(old.date),
            regions=("Europe",),
            authors=("Ann Lee",),
        )
    (updated, _), loaded_keys = _indexed(edited, before)
    (scratch, _), _ = _indexed(edited)
    assert updated.state.reference == before[0].state.reference
    assert_same_files(updated, scratch)
    assert updated.state.raw == scratch.state.raw
    assert updated.state.scored == scratch.state.scored
    # The edited briefs' documents are made again; most shards are not.
    docs_made = [path for path in updated.made if path.startswith("search/docs/")]
    assert len(docs_made) == edits
    assert len(updated.made) < len(scratch.made) / 2
    # Only the edited briefs' records (old and new) were read.
    assert len(loaded_keys) == 2 * edits


def test_a_small_edit_makes_only_the_shards_whose_postings_changed(monkeypatch):
    """A word more in one brief: its length moves a little and most of its
    rounded scores stay as they were. Only the shards holding a term whose
    postings now read otherwise are made again; the meta file (the same
    shards and facets) is not; and every file is as from scratch."""
    monkeypatch.setattr(search, "SHARD_BYTES", 2_000)  # (many shards)
    before, _ = _indexed(_in_id_order(collection(count=60)))
    edited = _in_id_order(collection(count=60, more={7: "harbour"}))
    (updated, _), _ = _indexed(edited, before)
    (scratch, _), _ = _indexed(edited)
    assert_same_files(updated, scratch)
    previous, now = before[0].state, scratch.state
    assert previous.shards == now.shards and previous.facets == now.facets
    changed = {term for term in now.scored if now.scored[term] != previous.scored[term]}
    shards = {
        search.TERMS.format(number)
        for number, terms in enumerate(now.shards)
        if changed.intersection(terms)
    }
    made = {path for path in updated.made if path.startswith("search/terms/")}
    assert made == shards
    assert 0 < len(made) < len(now.shards) / 2
    assert search.META not in updated.made


def test_an_index_is_made_from_scratch_when_the_briefs_are_not_the_same():
    docs = _in_id_order(collection(count=30))
    before, _ = _indexed(docs)
    (updated, _), loaded_keys = _indexed(docs[1:], before)
    (scratch, _), _ = _indexed(docs[1:])
    assert updated.made == scratch.made
    assert_same_files(updated, scratch)
    assert len(loaded_keys) == 29


def test_reference_length_moves_in_quarter_octaves():
    assert search.reference_length([100, 100]) == 2 ** (round(4 * 6.643856) / 4)
    assert search.reference_length([100]) == search.reference_length([101])
    assert search.reference_length([]) == 1.0


def test_postings_decode_to_every_brief_with_its_score(node):
    docs = collection()
    files = search.index_files(docs)
    meta = loaded(files, search.META)
    numbered = sorted(docs, key=lambda d: (-d.timestamp, d.url))
    having = [n for n, doc in enumerate(numbered) if "harbour" in doc.terms]
    shard = meta["shards"].index(max(b for b in meta["shards"] if b <= "harbour"))
    postings = loaded(files, f"search/terms/{shard}.js")["harbour"]
    numbers = search.decode(postings)
    ids = [sum(numbers[0 : i + 1 : 2]) + i // 2 for i in range(0, len(numbers), 2)]
    assert ids == having
    assert all(0 < value >> 1 <= search.MAX_SCORE for value in numbers[1::2])
    assert node(["decode", postings]) == [numbers]


def test_numbers_round_trip():
    numbers = [0, 1, 31, 32, 1023, 1024, 4095, 4096, 10**6]
    assert search.decode("".join(map(search.encode, numbers))) == numbers
    assert search.encode(31) == "v" and search.encode(32) == "x0"


def test_facets_list_values_and_each_briefs_ids():
    files = search.index_files(collection())
    facets = {f["key"]: f for f in loaded(files, search.META)["facets"]}
    assert list(facets) == list(search.FACETS)
    assert facets["region"]["values"] == [
        ["asia", "Asia"],
        ["europe", "Europe"],
        ["global", "Global"],
    ]
    years = [slug for slug, _ in facets["year"]["values"]]
    assert years == sorted(years, reverse=True)
    authors = search.decode(facets["author"]["docs"])
    assert authors[:2] == [1, 0] or authors[:3] == [2, 0, 1]


def test_index_text_is_text_and_javascript_safe():
    hostile = record(
        title='<img src=x onerror="alert(1)"> \u2028 </script>',
        summary="&lt;b&gt;",
    )
    files = search.index_files([hostile])
    raw = files["search/docs/0.js"].decode()
    assert "\u2028" not in raw
    doc = loaded(files, "search/docs/0.js")
    assert doc["title"] == hostile.title and doc["summary"] == "&lt;b&gt;"
    assert base64.b64decode(doc["text"]) == hostile.text


# Ranking, filters and excerpts (search-core.js) ------------------------------


def test_title_and_summary_matches_rank_above_body_matches(node):
    docs = [
        record(slug="body", body="<p>" + "lithium " * 30 + "</p>"),
        record(slug="title", title="Lithium", date=datetime(2020, 1, 1, tzinfo=UTC)),
        record(slug="summary", summary="On lithium", body="<p>lithium</p>"),
    ]
    files = search.index_files(docs)
    meta, shards = meta_and_shards(files)
    urls = [loaded(files, f"search/docs/{n}.js")["url"] for n in range(3)]
    groups = node(["parseQuery", "lithium"])[0]
    (hits,) = node(["matchIn", groups, meta, shards])
    assert [urls[h["id"]] for h in hits] == [
        "briefs/summary.html",  # top tier, and the body too
        "briefs/title.html",
        "briefs/body.html",
    ]
    assert [h["tier"] for h in hits] == [1, 1, 0]


def test_prefix_of_the_last_word_and_every_word_required(node):
    docs = [
        record(slug="a", body="<p>harbour dredging</p>"),
        record(slug="b", body="<p>harbour</p>"),
    ]
    files = search.index_files(docs)
    meta, shards = meta_and_shards(files)
    queries = ["harb", "harbour dre", "harbour dre ", "dredging harbour"]
    groups = node(*[["parseQuery", q] for q in queries])
    found = node(*[["matchIn", g, meta, shards] for g in groups])
    assert [len(hits) for hits in found] == [2, 1, 0, 1]


def test_the_first_page_picked_from_unsorted_hits_is_the_ranked_one(node):
    """search.js picks a page of results with `best` instead of sorting every
    hit: it must give match's order, ties (same tier and score) by id."""
    docs = [
        record(slug=f"b{n}", title="Lithium" if n % 3 == 0 else "Other",
               body="<p>" + "lithium " * (1 + n % 4) + "</p>")
        for n in range(24)
    ]  # fmt: skip
    files = search.index_files(docs)
    meta, shards = meta_and_shards(files)
    groups = node(["parseQuery", "lith"])[0]
    ranked, unsorted = node(
        ["matchIn", groups, meta, shards], ["hitsOfIn", groups, meta, shards]
    )
    assert [h["id"] for h in unsorted] == sorted(h["id"] for h in ranked)
    assert len({(h["tier"], h["score"]) for h in ranked}) < len(ranked)  # ties
    for n in (0, 1, 5, 20, 24, 30):
        (page,) = node(["best", unsorted, n])
        assert page == ranked[:n]


def test_filters_or_within_a_facet_and_within_across_and_counts_exclude_own(node):
    docs = collection(count=30)
    files = search.index_files(docs)
    meta = loaded(files, search.META)
    facets = meta["facets"]
    region = {slug: n for n, (slug, _) in enumerate(facets[0]["values"])}
    every = list(range(30))
    europe_id, asia_id = region["europe"], region["asia"]
    none, europe, europe_or_asia, europe_ann = node(
        ["filterIn", every, facets, 30, [[], [], [], []]],
        ["filterIn", every, facets, 30, [[europe_id], [], [], []]],
        ["filterIn", every, facets, 30, [[europe_id, asia_id], [], [], []]],
        ["filterIn", every, facets, 30, [[europe_id], [0], [], []]],
    )
    numbered = sorted(docs, key=lambda d: (-d.timestamp, d.url))

    def ids(test):
        return [n for n, doc in enumerate(numbered) if test(doc)]

    def has(doc, facet, slug):
        return slug in dict(doc.facets[facet])

    assert none["ids"] == every
    assert none["counts"][0] == [10, 10, 10]
    assert europe["ids"] == ids(lambda d: has(d, "region", "europe"))
    assert europe["counts"][0] == [10, 10, 10]  # its own facet: unaffected
    assert sum(europe["counts"][3]) == 10  # years of Europe's briefs only
    assert europe_or_asia["ids"] == ids(
        lambda d: has(d, "region", "europe") or has(d, "region", "asia")
    )
    assert europe_ann["ids"] == ids(
        lambda d: has(d, "region", "europe") and has(d, "author", "ann-lee")
    )
    in_europe = ids(lambda d: has(d, "region", "europe"))
    assert europe_ann["counts"][1] == [
        len([n for n in in_europe if has(numbered[n], "author", author)])
        for author in ("ann-lee", "bo-chan")
    ]


def test_excerpt_around_a_word_deep_in_the_text(node):
    text = "\n".join(f"Paragraph {n} about ports and shipping." for n in range(40))
    text += "\nThe zanzibarite deposits were found late.\nMore filler follows here."
    groups = node(["parseQuery", "zanzibarite"])[0]
    (segments, start) = node(
        ["excerpt", text, groups], ["excerpt", text, node(["parseQuery", "qqq"])[0]]
    )
    marked = [s for s, is_mark in segments if is_mark]
    assert marked == ["zanzibarite"]
    assert segments[0][0] == "… "
    joined = "".join(s for s, _ in segments)
    assert len(joined.split()) <= 32
    assert start[0][0].startswith("Paragraph 0 about ports")
    assert not any(is_mark for _, is_mark in start)


def test_excerpt_marks_accented_stemmed_and_cjk_words(node):
    text = "Núñez pressed for sanctions; 日本政府は制裁を強化した。"
    groups = node(["parseQuery", "nunez sanction 制裁"])[0]
    (segments,) = node(["excerpt", text, groups])
    assert [s for s, is_mark in segments if is_mark] == ["Núñez", "sanctions", "制裁"]
    assert "".join(s for s, _ in segments) == text


def test_excerpt_keeps_a_heading_from_running_into_its_paragraph(node):
    """Blocks (one a line) are joined by a space after a sentence's end
    (none after a full-width one) and by a middle dot after a heading or a
    key point, marked or not."""
    text = (
        "Shared data first\nWater\nBrine extraction pumps water.\n"
        "“It is costly.”\nDams\n日本は制裁を強化した。\n「次の段落？」\n第二節\nEnd"
    )
    (segments,) = node(["excerpt", text, node(["parseQuery", "water"])[0]])
    assert "".join(s for s, _ in segments) == (
        "Shared data first · Water · Brine extraction pumps water. "
        "“It is costly.” Dams · 日本は制裁を強化した。「次の段落？」第二節 · End"
    )
    assert [s for s, is_mark in segments if is_mark] == ["Water", "water"]


def test_script_wrapper_round_trips():
    content = search.script("terms", 7, {"é": "x\u2029y"})
    assert content.startswith(b'BriefsSearch.receive("terms",7,{')
    assert re.search(rb"\\u2029", content)
    assert search.read_script(content) == ("terms", 7, {"é": "x\u2029y"})


# The benchmark's figures ------------------------------------------------------


def test_prefix_shards_are_those_the_browser_loads(monkeypatch, node):
    monkeypatch.setattr(search, "SHARD_BYTES", 600)
    files = search.index_files(collection(count=20))
    meta = loaded(files, search.META)
    keys = [search.sort_key(bound) for bound in meta["shards"]]
    words = ["w0", "w00", "w1", "w19", "harb", "harbour", "zz", "a", "w3"]
    loads = node(*[["shardsFor", meta, {"exact": w, "prefix": w}] for w in words])
    limit = meta["prefixShards"]
    expected = [list(shards_for(keys, word, limit)) for word in words]
    assert [sorted(n) for n in loads] == expected
    assert len(shards_for(keys, "w", limit)) == limit == search.PREFIX_SHARDS


def test_search_budget_adds_up_the_files(tmp_path):
    files = search.index_files(collection(count=30))
    for relative, content in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(content)
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "a.css").write_text("a{}" * 100)
    (tmp_path / "theme" / "s.js").write_text("//" * 500)
    (tmp_path / "search.html").write_text(
        '<link rel="stylesheet" href="theme/a.css"><script src="theme/s.js"></script>'
        '<script src="search/meta.js"></script>'
    )
    figures = bench_search.search_budget(tmp_path)
    sizes = {path: len(content) for path, content in files.items()}
    assert figures["search_bytes"] == sum(sizes.values()) + 1000
    assert figures["search_files"] == len(files) + 1
    assert figures["page_bytes"] == 300 + 1000 + sizes[search.META]
    largest_docs = sorted((n for p, n in sizes.items() if "/docs/" in p), reverse=True)
    shard_sizes = [n for p, n in sizes.items() if "/terms/" in p]
    assert figures["one_word_query_bytes"] == (
        figures["page_bytes"] + max(shard_sizes) + sum(largest_docs[: search.PAGE_SIZE])
    )
    assert figures["within_budgets"]
