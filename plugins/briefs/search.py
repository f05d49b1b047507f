"""The search index: one small record per brief, then every search file.

Pure (no Pelican). `body_terms()` runs where a brief's Markdown is rendered
(the read, once per version of the file): it tokenises the brief's own text.
`document()` adds what the rest of the site says of it (names, address) and
returns a picklable record that a build cache can keep;
`index_files()` turns all records into the files under `search/`, the same
bytes for the same records. The browser loads them only through <script>
elements (they work from file:// and on any static host), each file calling
`BriefsSearch.receive(kind, key, data)`:

- `search/meta.js` (every page load): the shard boundaries and, per facet
  (region, author, topic, year), its values and each brief's value ids, so
  facet counts cover every match, not just the shown page;
- `search/terms/<n>.js`: a contiguous range of the sorted terms with their
  postings; a word needs the shard its term sorts into (a prefix, the run of
  shards its range spans);
- `search/docs/<id>.js`: what a result shows, with the brief's text
  (deflate-compressed, base64) for excerpts; loaded for the shown page only.

Briefs are numbered newest first, so browsing order is id order. Postings
carry a precomputed BM25F score and a flag for a match in the title,
summary, authors, regions or topics ("top" fields): the browser ranks by
the number of query words matched in top fields (a strict tier), then by
the summed score. Numbers are written as base-32 variable-length digits,
most significant first (`encode`), so a posting costs three or four bytes.
"""

from __future__ import annotations

import base64
import bisect
import functools
import itertools
import json
import math
import operator
import re
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .cache import digest_of
from .schema import Brief
from .search_text import html_text, term_counts

FORMAT = 1
FACETS = ("region", "author", "topic", "year")
# Pages a result links to, by facet (paths from the site root; the contract's).
FACET_PAGES = {
    "region": "regions/{slug}.html",
    "author": "authors/{slug}.html",
    "topic": "topics/{slug}.html",
}
LOAD_BATCH = 500  # records an index made from scratch holds at once
POSTINGS_BLOCK = 1 << 16  # postings it scores at once
RADIX_TERMS = 1 << 16  # up to this many terms, ids are sorted as 16-bit keys (by radix)
META = "search/meta.js"
TERMS = "search/terms/{}.js"
DOCS = "search/docs/{}.js"

# Field weights (BM25F): a word in the title counts as eight in the body.
TITLE, SUMMARY, META_FIELDS, HEADINGS, BODY = 8, 4, 4, 2, 1
K1, B = 1.2, 0.75
SCORE_SCALE = 16  # scores are stored as round(score * 16), at least 1
MAX_SCORE = 1023
# A shard holds at least one term and, beyond that, about this many bytes.
SHARD_BYTES = 32_000
# The browser loads at most this many shards for the prefix of the word
# being typed (a longer prefix narrows it), and shows results 10 at a time:
# each shown result is a script file to load, and from disk 20 of them took
# a pasted query past its 150 ms (148-182 ms against 113-132 ms for 10).
PREFIX_SHARDS = 4
PAGE_SIZE = 10
COMPRESSION = 4  # zlib level of the excerpt text: level 6 is as small, slower

_TERMINAL = "0123456789abcdefghijklmnopqrstuv"
_CONTINUE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


@dataclass(frozen=True)
class SearchDocument:
    """What the index needs of one brief (picklable, built once per brief)."""

    url: str  # from the site root, e.g. "briefs/x.html"
    title: str
    summary: str
    authors: tuple[str, ...]
    date: str  # ISO 8601, for <time datetime>
    date_text: str
    timestamp: float  # sort key: newest first
    facets: dict[str, tuple[tuple[str, str], ...]]  # facet → ((slug, name), ...)
    # Each term (one a line) and its weighted count * 2 + 1 if in a top
    # field: a string and an array rather than a dict, a tenth of the memory
    # for thousands of records held at once.
    term_lines: str
    counts: array
    length: int  # weighted number of terms, for BM25's length normalisation
    text: bytes  # key points and body text, one line per block, deflated
    language: str = ""  # when not the site's: its results are marked so

    def pairs(self) -> Iterator[tuple[str, int]]:
        """(term, weighted count * 2 + top flag) for every term."""
        return zip(_lines(self.term_lines), self.counts, strict=True)

    @property
    def terms(self) -> dict[str, int]:
        return dict(self.pairs())


@dataclass(frozen=True)
class BodyTerms:
    """The terms of a brief's own text (body and key points; title, summary
    and headings, weighted), made where its Markdown is rendered. Held by
    the thousand: each term list is one string (a term a line) and an array
    of counts, as in SearchDocument."""

    terms: str  # body, title, summary, in that order
    counts: array  # weighted count * 2 + 1 for a term of the title or summary
    heading_terms: str
    heading_counts: array  # weighted
    length: int  # weighted, headings included
    text: bytes  # key points and body text, one line per block, deflated

    def pairs(self) -> Iterator[tuple[str, int]]:
        """(term, weighted count * 2 + title-or-summary flag)."""
        return zip(_lines(self.terms), self.counts, strict=True)

    def heading_pairs(self) -> Iterator[tuple[str, int]]:
        return zip(_lines(self.heading_terms), self.heading_counts, strict=True)


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def body_terms(brief: Brief, body_html: str) -> BodyTerms:
    """What the index needs of `brief`'s own text; `body_html` is the
    rendered body."""
    body, headings = html_text(body_html)
    text = "\n".join([*brief.key_points, body])
    counts = term_counts(text)  # the body: weight 1
    length = sum(counts.values())
    top: set[str] = set()
    for weight, value in ((TITLE, brief.title), (SUMMARY, brief.summary or "")):
        for term, n in term_counts(value).items():
            counts[term] = counts.get(term, 0) + n * weight
            length += n * weight
            top.add(term)
    heading_counts = {
        term: n * HEADINGS for term, n in term_counts(" ".join(headings)).items()
    }
    return BodyTerms(
        terms="\n".join(counts),
        counts=array("I", [n * 2 + (term in top) for term, n in counts.items()]),
        heading_terms="\n".join(heading_counts),
        heading_counts=array("I", heading_counts.values()),
        length=length + sum(heading_counts.values()),
        text=zlib.compress(text.encode("utf-8"), COMPRESSION),
    )


def document(
    brief: Brief,
    terms: BodyTerms,
    url: str,
    authors: Sequence[tuple[str, str]],
    regions: Sequence[tuple[str, str]],
    topics: Sequence[tuple[str, str]],
    date_text: str | None = None,
    language: str = "",
) -> SearchDocument | None:
    """The search record of a published brief; None for a draft (never indexed).

    `terms` are its own text's (body_terms); `authors`, `regions`, `topics`
    are (name, slug) pairs; `date_text` the date as pages show it;
    `language` the brief's, when not the site's.
    """
    if brief.is_draft:
        return None
    meta = " ".join(name for name, _ in (*authors, *regions, *topics))
    if brief.series:
        meta += " " + brief.series
    # The body's terms and packed counts, with the meta fields' and the
    # headings' added: a term already there is counted up in place, a new
    # one goes at the end (a build makes millions of these: no dict of all).
    lines = _lines(terms.terms)
    packed = array("I", terms.counts)
    at = dict(zip(lines, itertools.count()))
    length = terms.length
    for added, top in ((term_counts(meta), True), (dict(terms.heading_pairs()), False)):
        weight = META_FIELDS if top else 1
        for term, n in added.items():
            index = at.get(term)
            if index is None:
                at[term] = len(lines)
                lines.append(term)
                packed.append(n * weight * 2 + top)
            else:
                packed[index] = packed[index] + n * weight * 2 | top
        if top:
            length += sum(added.values()) * META_FIELDS
    moment = brief.date
    return SearchDocument(
        url=url,
        title=brief.title,
        summary=brief.summary or "",
        authors=tuple(name for name, _ in authors),
        date=moment.isoformat(),
        date_text=date_text or f"{moment.day} {moment:%B %Y}",
        timestamp=moment.timestamp(),
        facets={
            "region": tuple((slug, name) for name, slug in regions),
            "author": tuple((slug, name) for name, slug in authors),
            "topic": tuple((slug, name) for name, slug in topics),
            "year": ((str(moment.year), str(moment.year)),),
        },
        term_lines="\n".join(lines),
        counts=packed,
        length=length,
        text=terms.text,
        language=language,
    )


def encode(number: int) -> str:
    """A non-negative integer as base-32 digits; the last one is terminal."""
    digits = _TERMINAL[number & 31]
    number >>= 5
    while number:
        digits = _CONTINUE[number & 31] + digits
        number >>= 5
    return digits


def decode(digits: str) -> list[int]:
    """The numbers of a string of `encode`d numbers (for tests and the bench)."""
    numbers, value = [], 0
    for char in digits:
        position = _CONTINUE.find(char)
        if position >= 0:
            value = (value << 5) | position
        else:
            numbers.append((value << 5) | _TERMINAL.index(char))
            value = 0
    return numbers


_SMALL = [encode(n) for n in range(4096)]


def _enc(number: int) -> str:
    return _SMALL[number] if number < 4096 else encode(number)


def sort_key(term: str) -> bytes:
    """Terms sort by UTF-16 code units, as JavaScript compares strings."""
    return term.encode("utf-16-be")


def script(kind: str, key: int, data) -> bytes:
    """A file the browser loads with a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'BriefsSearch.receive("{kind}",{key},{text});\n'.encode()


def read_script(content: bytes) -> tuple[str, int, object]:
    """(kind, key, data) of a file written by `script`."""
    text = content.decode("utf-8")
    head, _, rest = text.partition(",")
    key, _, data = rest.partition(",")
    kind = head.removeprefix('BriefsSearch.receive("').removesuffix('"')
    return kind, int(key), json.loads(data.rstrip().removesuffix(");"))


@dataclass(frozen=True)
class IndexState:
    """The index as a build left it, for the next build to redo only what
    changed: each brief's record key, weighted length and facet values by
    id; each term's postings unscored (id gap, weighted count * 2 + top)
    and scored (as written); and every file's digest (cache.digest_of).
    The files themselves are in that build's output (25 MB at 5,000 briefs:
    a state holding them cost 0.9 s an edit to load and store)."""

    keys: tuple[str, ...]
    lengths: tuple[int, ...]
    facets: tuple[dict, ...]
    reference: float
    raw: dict[str, str]
    scored: dict[str, str]
    shards: tuple[tuple[str, ...], ...]  # the terms of each shard file
    digests: dict[str, str]


@dataclass(frozen=True)
class Index:
    state: IndexState
    # The files made: every one from scratch; after an update, those that
    # may differ from the last build's (the rest are as state.digests says).
    made: dict[str, bytes]


def index_files(documents: Iterable[SearchDocument | None]) -> dict[str, bytes]:
    """Every search file, by path from the site root (drafts' None skipped)."""
    docs = sorted(
        (d for d in documents if d is not None), key=lambda d: (-d.timestamp, d.url)
    )
    keyed = {str(number): doc for number, doc in enumerate(docs)}
    return build_index(list(keyed), lambda keys: {k: keyed[k] for k in keys}).made


def build_index(
    keys: Sequence[str],
    load: Callable[[list[str]], dict[str, SearchDocument]],
    previous: IndexState | None = None,
) -> Index:
    """The index of the records `keys` name, in id order (newest first, then
    by URL); `load` gives records by key. With the `previous` state, only
    the terms of the briefs whose record changed are scored again, when the
    count of briefs and the reference length are unchanged (else every term
    is): the same files as from scratch, since a term's scores depend only
    on its postings, the count and the reference length."""
    keys = tuple(keys)
    if previous is not None and len(previous.keys) == len(keys):
        changed = [n for n, key in enumerate(keys) if key != previous.keys[n]]
        if len(changed) <= max(1, len(keys) // 10):
            old = load([previous.keys[n] for n in changed])
            new = load([keys[n] for n in changed])
            if len(old) + len(new) == 2 * len(changed) or not changed:
                index = _update(keys, previous, changed, old, new)
                if index is not None:
                    return index
    return _from_scratch(keys, load)


def reference_length(lengths: Sequence[int]) -> float:
    """BM25's length normalisation divides by this: the mean weighted length
    rounded to a quarter octave, so that an edit rarely moves it (and the
    scores of every other brief with it)."""
    if not lengths:
        return 1.0
    mean = max(sum(lengths) / len(lengths), 1.0)
    return 2 ** (round(math.log2(mean) * 4) / 4)


def _from_scratch(
    keys: tuple[str, ...], load: Callable[[list[str]], dict[str, SearchDocument]]
) -> Index:
    """The index of every record, loaded LOAD_BATCH at a time: only their
    terms' ids and packed counts are kept, never thousands of records at
    once (2.5 million postings at 5,000 briefs)."""
    lengths, facets, files = [], [], {}
    term_ids = _Numbering()  # in order of first use, as the state keeps them
    ids, packed, sizes = array("I"), array("I"), []
    for start in range(0, len(keys), LOAD_BATCH):
        batch = keys[start : start + LOAD_BATCH]
        docs = load(list(batch))
        for number, key in enumerate(batch, start):
            doc = docs[key]
            lengths.append(doc.length)
            facets.append(doc.facets)
            terms = _lines(doc.term_lines)
            ids.extend(map(term_ids.__getitem__, terms))
            packed.extend(doc.counts)
            sizes.append(len(terms))
            files[DOCS.format(number)] = script("doc", number, _display(doc))
        del docs
    lengths, facets = tuple(lengths), tuple(facets)
    reference = reference_length(lengths)
    raw, scored = _all_postings(
        list(term_ids), ids, packed, sizes, _norms(lengths, reference)
    )
    shards, shard_files = _shard_and_meta_files(scored, facets)
    files.update(shard_files)
    digests = {path: digest_of(data) for path, data in files.items()}
    state = IndexState(keys, lengths, facets, reference, raw, scored, shards, digests)
    return Index(state, files)


class _Numbering(dict):
    """Numbers for terms, 0, 1, 2... in the order they are first looked up."""

    def __missing__(self, term: str) -> int:
        self[term] = number = len(self)
        return number


def _all_postings(
    terms: list[str], ids: array, packed: array, sizes: list[int], norms
) -> tuple[dict[str, str], dict[str, str]]:
    """Every term's postings, unscored and scored (as `_Postings.encoded`
    makes one term's). The postings of all briefs in brief order (`ids` the
    term of each, `sizes` how many each brief has) are grouped by term with
    numpy and scored a block of terms at a time (`_written`)."""
    import numpy

    term = numpy.frombuffer(ids, dtype=numpy.uint32)
    if len(terms) <= RADIX_TERMS:
        term = term.astype(numpy.uint16)
    order = numpy.argsort(term, kind="stable")  # by term, then brief
    term = term[order]
    briefs = numpy.arange(len(sizes), dtype=numpy.int32)
    numbers = numpy.repeat(briefs, sizes)[order]
    values = numpy.frombuffer(packed, dtype=numpy.uint32)[order]
    del order
    frequencies = numpy.bincount(term, minlength=len(terms)).tolist()
    scale = numpy.array([_scale(df, len(sizes)) for df in frequencies])
    raw, scored = {}, {}
    start = 0
    for first, last in _blocks(frequencies):
        end = start + sum(frequencies[first:last])
        block = slice(start, end)
        number, value = numbers[block].astype(numpy.int64), values[block]
        counts = (value >> 1).astype(numpy.int64)
        score = _written(scale[term[block]], counts, norms[number], value & 1)
        previous = numpy.empty_like(number)
        previous[1:] = number[:-1]
        heads = numpy.cumsum([0, *frequencies[first : last - 1]])
        previous[heads] = -1  # a term's first posting: its id itself
        gaps = _tokens((number - previous - 1).tolist())
        raw_tokens, scored_tokens = [""] * (2 * len(gaps)), [""] * (2 * len(gaps))
        raw_tokens[0::2] = scored_tokens[0::2] = gaps
        raw_tokens[1::2] = _tokens(value.tolist())
        scored_tokens[1::2] = _tokens(score.tolist())
        at = 0
        for name, df in zip(terms[first:last], frequencies[first:last], strict=True):
            raw[name] = "".join(raw_tokens[2 * at : 2 * (at + df)])
            scored[name] = "".join(scored_tokens[2 * at : 2 * (at + df)])
            at += df
        start = end
    return raw, scored


def _blocks(frequencies: list[int]) -> Iterator[tuple[int, int]]:
    """Runs of terms (first, last + 1) of about POSTINGS_BLOCK postings."""
    first, total = 0, 0
    for number, df in enumerate(frequencies):
        total += df
        if total >= POSTINGS_BLOCK:
            yield first, number + 1
            first, total = number + 1, 0
    if first < len(frequencies):
        yield first, len(frequencies)


def _update(
    keys, previous: IndexState, changed: list[int], old: dict, new: dict
) -> Index | None:
    """`previous` with the records at ids `changed` replaced (old and new
    records by key), and the files that may differ from its build's; None
    when the reference length moved."""
    lengths = list(previous.lengths)
    facets = list(previous.facets)
    for number in changed:
        doc = new[keys[number]]
        lengths[number] = doc.length
        facets[number] = doc.facets
    reference = reference_length(lengths)
    if reference != previous.reference:
        return None
    norms = _norms(lengths, reference)
    gone = sorted(changed)
    affected: set[str] = set()
    changed_terms = {number: new[keys[number]].terms for number in changed}
    for number in changed:
        affected.update(old[previous.keys[number]].terms, changed_terms[number])
    raw, scored = dict(previous.raw), dict(previous.scored)
    for term in affected:
        added = [
            (number, terms[term])
            for number, terms in changed_terms.items()
            if term in terms
        ]
        postings = _Postings.of(raw.get(term, ""), scored.get(term, ""))
        postings.replace(gone, added)
        if postings.ids:
            raw[term], scored[term] = postings.encoded(norms, len(keys))
        else:
            raw.pop(term, None)
            scored.pop(term, None)
    digests = {
        path: digest
        for path, digest in previous.digests.items()
        if path.startswith(DOCS.partition("{}")[0])
    }
    files = {
        DOCS.format(number): script("doc", number, _display(new[keys[number]]))
        for number in changed
    }
    # A term scored again mostly keeps its written scores (they are rounded):
    # only the terms whose postings read otherwise make a shard new.
    rewritten = {
        term for term in affected if scored.get(term) != previous.scored.get(term)
    }
    shards, shard_files = _shard_and_meta_files(
        scored, tuple(facets), reuse=(previous, rewritten)
    )
    files.update(shard_files)
    for number in range(len(shards)):  # a reused shard: as it was
        path = TERMS.format(number)
        if path not in files:
            digests[path] = previous.digests[path]
    if META not in files:
        digests[META] = previous.digests[META]
    for path, data in files.items():
        digests[path] = digest_of(data)
    state = IndexState(
        keys, tuple(lengths), tuple(facets), reference, raw, scored, shards, digests
    )
    return Index(state, files)


def _shard_and_meta_files(scored: dict[str, str], facets: tuple[dict, ...], reuse=None):
    """The terms of each shard, and the shard and meta files. `reuse`, the
    last state and the terms whose postings changed since: a shard of the
    same terms, none of them changed, is the same file, and so is the meta
    file of the same shards and facets (left out of the files)."""
    shards = _term_shards(scored)
    terms = tuple(tuple(shard) for shard in shards)
    files = {}
    for number, entries in enumerate(shards):
        path = TERMS.format(number)
        if reuse is not None:
            previous, changed = reuse
            if (
                number < len(previous.shards)
                and previous.shards[number] == terms[number]
                and changed.isdisjoint(terms[number])
            ):
                continue
        files[path] = script("terms", number, entries)
    if reuse is not None and (reuse[0].shards, reuse[0].facets) == (terms, facets):
        return terms, files
    meta = {
        "format": FORMAT,
        "count": len(facets),
        "shards": _boundaries(shards),
        "prefixShards": PREFIX_SHARDS,
        "pageSize": PAGE_SIZE,
        "files": {"terms": TERMS, "docs": DOCS},
        "facets": [_facet(name, facets) for name in FACETS],
        "pages": FACET_PAGES,
    }
    files[META] = script("meta", 0, meta)
    return terms, files


def _display(doc: SearchDocument) -> dict:
    shown = {
        "url": doc.url,
        "title": doc.title,
        "summary": doc.summary,
        "authors": list(doc.authors),
        "date": doc.date,
        "dateText": doc.date_text,
        "text": base64.b64encode(doc.text).decode("ascii"),
    }
    if doc.language:
        shown["lang"] = doc.language
    return shown


def _facet(name: str, facets: Sequence[dict]) -> dict:
    """Values (slug, name) sorted by slug, and each brief's value ids."""
    names: dict[str, str] = {}
    for values in facets:
        for slug, label in values[name]:
            names.setdefault(slug, label)
    slugs = sorted(names, reverse=name == "year")
    ids = {slug: number for number, slug in enumerate(slugs)}
    parts = []
    for values in facets:
        found = sorted({ids[slug] for slug, _ in values[name]})
        parts.append(_enc(len(found)) + "".join(map(_enc, found)))
    return {
        "key": name,
        "values": [[slug, names[slug]] for slug in slugs],
        "docs": "".join(parts),
    }


def _norms(lengths: Sequence[int], reference: float):
    """Each brief's length norm, as a numpy array."""
    import numpy

    return numpy.array([K1 * (1 - B + B * length / reference) for length in lengths])


def _scale(df: int, count: int) -> float:
    idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
    return idf * (K1 + 1) * SCORE_SCALE


def _written(scale, counts, norms, top):
    """The value each posting is written with: BM25's score (`scale` the
    term's, `counts` the weighted counts, `norms` their briefs' length
    norms), scaled, rounded, bounded to 1..MAX_SCORE, times 2, plus the top
    flag. numpy arrays, for an index from scratch and an update alike."""
    import numpy

    score = numpy.rint(scale * counts / (counts + norms))
    return numpy.clip(score, 1, MAX_SCORE).astype(numpy.int64) * 2 + top


def _values(ids: list[int], packed: list[int], norms, scale: float) -> list[int]:
    """The written values of postings (brief ids, packed counts: an update's)."""
    import numpy

    if not ids:
        return []
    packed = numpy.array(packed, dtype=numpy.int64)
    return _written(scale, packed >> 1, norms[ids], packed & 1).tolist()


def _gaps(ids: list[int]) -> list[int]:
    """Each id less the one before it, less one (the first: the id)."""
    steps = map(operator.sub, ids, [-1, *ids[:-1]])
    return list(map(operator.sub, steps, itertools.repeat(1)))


def _tokens(numbers: list[int]) -> list[str]:
    """`encode` of each number (looked up for the small ones, which most are)."""
    try:
        return list(map(_SMALL.__getitem__, numbers))
    except IndexError:
        return [_enc(number) for number in numbers]


def _interleave(first: list[str], second: list[str]) -> str:
    return "".join(itertools.chain.from_iterable(zip(first, second, strict=True)))


class _Postings:
    """One term's postings taken apart for an update: ids, unscored values
    and scored values as written. Only the entries that change are decoded
    into numbers and scored; when the term's brief count is unchanged, so is
    its idf, and every other entry keeps its written score."""

    def __init__(self, ids: list[int], raw: list[str], scores: list[str | None]):
        self.ids, self.raw, self.scores = ids, raw, scores
        self.rescore_all = False

    @classmethod
    def of(cls, raw: str, scored: str) -> _Postings:
        tokens = _NUMBER.findall(raw)
        gaps = _numbers(tokens[0::2])
        ids = list(itertools.accumulate(map(operator.add, gaps, itertools.repeat(1)),
                                        initial=-1))[1:]  # fmt: skip
        return cls(ids, tokens[1::2], _NUMBER.findall(scored)[1::2])

    def replace(self, gone: list[int], added: list[tuple[int, int]]) -> None:
        """Drop the entries of the briefs `gone`, add (id, packed) `added`."""
        count = len(self.ids)
        for number in reversed(gone):
            at = bisect.bisect_left(self.ids, number)
            if at < len(self.ids) and self.ids[at] == number:
                del self.ids[at], self.raw[at], self.scores[at]
        for number, packed in added:
            at = bisect.bisect_left(self.ids, number)
            self.ids.insert(at, number)
            self.raw.insert(at, _enc(packed))
            self.scores.insert(at, None)
        self.rescore_all = len(self.ids) != count

    def encoded(self, norms, count: int) -> tuple[str, str]:
        """(unscored, scored) postings strings (`norms`: every brief's, _norms)."""
        gaps = _tokens(_gaps(self.ids))
        if self.rescore_all:
            scale = _scale(len(self.ids), count)
            values = _tokens(_values(self.ids, _numbers(self.raw), norms, scale))
            return _interleave(gaps, self.raw), _interleave(gaps, values)
        fresh = [i for i, score in enumerate(self.scores) if score is None]
        if fresh:
            ids = [self.ids[i] for i in fresh]
            packed = _numbers([self.raw[i] for i in fresh])
            values = _values(ids, packed, norms, _scale(len(self.ids), count))
            for index, value in zip(fresh, _tokens(values), strict=True):
                self.scores[index] = value
        return _interleave(gaps, self.raw), _interleave(gaps, self.scores)


def _numbers(tokens: list[str]) -> list[int]:
    """The numbers of single `encode`d tokens."""
    try:
        return list(map(_decoded().__getitem__, tokens))
    except KeyError:  # a number of four digits or more: rare
        return [decode(token)[0] for token in tokens]


@functools.cache
def _decoded() -> dict[str, int]:
    """Every number of up to three digits by its token."""
    return {encode(number): number for number in range(32**3)}


_NUMBER = re.compile(f"[{re.escape(_CONTINUE)}]*[{_TERMINAL}]")


def _term_shards(postings: dict[str, str]) -> list[dict[str, str]]:
    """Sorted terms cut into runs of about SHARD_BYTES."""
    shards: list[dict[str, str]] = [{}]
    size = 0
    for term in sorted(postings, key=sort_key):
        entry = len(term.encode()) + len(postings[term]) + 6
        if shards[-1] and size + entry > SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][term] = postings[term]
        size += entry
    return shards


def _boundaries(shards: list[dict[str, str]]) -> list[str]:
    """Per shard, the shortest string that sorts after every term before it
    and not after its first term: a term is in the last shard whose
    boundary sorts before or equal to it."""
    bounds = [""]
    for previous, shard in itertools.pairwise(shards):
        last, first = sort_key(next(reversed(previous))), next(iter(shard))
        length = 1
        while sort_key(first[:length]) <= last:
            length += 1
        bounds.append(first[:length])
    return bounds
