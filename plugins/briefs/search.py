"""The search index: one small record per brief, then every search file.

Pure (no Pelican). `document()` runs once per brief, in whatever process
renders it, and returns a picklable record that a build cache can keep;
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
import itertools
import json
import math
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
META = "search/meta.js"
TERMS = "search/terms/{}.js"
DOCS = "search/docs/{}.js"

# Field weights (BM25F): a word in the title counts as eight in the body.
TITLE, SUMMARY, META_FIELDS, HEADINGS, BODY = 8, 4, 4, 2, 1
K1, B = 1.2, 0.75
SCORE_SCALE = 16  # scores are stored as round(score * 16), at least 1
MAX_SCORE = 1023
# A shard holds at least one term and, beyond that, about this many bytes.
SHARD_BYTES = 48_000
# The browser loads at most this many shards for the prefix of the word
# being typed (a longer prefix narrows it), and shows results 20 at a time.
PREFIX_SHARDS = 4
PAGE_SIZE = 20
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
    terms: dict[str, int]  # term → weighted count * 2 + 1 if in a top field
    length: int  # weighted number of terms, for BM25's length normalisation
    text: bytes  # key points and body text, one line per block, deflated


def document(
    brief: Brief,
    body_html: str,
    url: str,
    authors: Sequence[tuple[str, str]],
    regions: Sequence[tuple[str, str]],
    topics: Sequence[tuple[str, str]],
    date_text: str | None = None,
) -> SearchDocument | None:
    """The search record of a published brief; None for a draft (never indexed).

    `authors`, `regions`, `topics` are (name, slug) pairs; `body_html` is the
    rendered body; `date_text` the date as pages show it.
    """
    if brief.is_draft:
        return None
    body, headings = html_text(body_html)
    text = "\n".join([*brief.key_points, body])
    meta = " ".join(name for name, _ in (*authors, *regions, *topics))
    if brief.series:
        meta += " " + brief.series
    counts = term_counts(text)  # the body: weight 1
    length = sum(counts.values())
    top: set[str] = set()
    for weight, is_top, value in (
        (TITLE, True, brief.title),
        (SUMMARY, True, brief.summary or ""),
        (META_FIELDS, True, meta),
        (HEADINGS, False, " ".join(headings)),
    ):
        for term, n in term_counts(value).items():
            counts[term] = counts.get(term, 0) + n * weight
            length += n * weight
            if is_top:
                top.add(term)
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
        terms={term: n * 2 + (term in top) for term, n in counts.items()},
        length=length,
        text=zlib.compress(text.encode("utf-8"), COMPRESSION),
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


def index_files(documents: Iterable[SearchDocument | None]) -> dict[str, bytes]:
    """Every search file, by path from the site root (drafts' None skipped)."""
    docs = sorted(
        (d for d in documents if d is not None), key=lambda d: (-d.timestamp, d.url)
    )
    files: dict[str, bytes] = {}
    shards = _term_shards(docs)
    for number, entries in enumerate(shards):
        files[TERMS.format(number)] = script("terms", number, entries)
    for number, doc in enumerate(docs):
        files[DOCS.format(number)] = script("doc", number, _display(doc))
    meta = {
        "format": FORMAT,
        "count": len(docs),
        "shards": _boundaries(shards),
        "prefixShards": PREFIX_SHARDS,
        "pageSize": PAGE_SIZE,
        "files": {"terms": TERMS, "docs": DOCS},
        "facets": [_facet(name, docs) for name in FACETS],
        "pages": FACET_PAGES,
    }
    files[META] = script("meta", 0, meta)
    return dict(sorted(files.items()))


def _display(doc: SearchDocument) -> dict:
    return {
        "url": doc.url,
        "title": doc.title,
        "summary": doc.summary,
        "authors": list(doc.authors),
        "date": doc.date,
        "dateText": doc.date_text,
        "text": base64.b64encode(doc.text).decode("ascii"),
    }


def _facet(name: str, docs: list[SearchDocument]) -> dict:
    """Values (slug, name) sorted by slug, and each brief's value ids."""
    names: dict[str, str] = {}
    for doc in docs:
        for slug, label in doc.facets[name]:
            names.setdefault(slug, label)
    slugs = sorted(names, reverse=name == "year")
    ids = {slug: number for number, slug in enumerate(slugs)}
    parts = []
    for doc in docs:
        values = sorted({ids[slug] for slug, _ in doc.facets[name]})
        parts.append(_enc(len(values)) + "".join(map(_enc, values)))
    return {
        "key": name,
        "values": [[slug, names[slug]] for slug in slugs],
        "docs": "".join(parts),
    }


def _postings(docs: list[SearchDocument]) -> dict[str, str]:
    """Each term's postings: (id gap, score * 2 + top flag) per brief."""
    count = len(docs)
    average = sum(d.length for d in docs) / count if count else 1.0
    by_term: dict[str, list[tuple[int, int]]] = defaultdict(list)
    norms = []
    for number, doc in enumerate(docs):
        norms.append(K1 * (1 - B + B * doc.length / (average or 1.0)))
        for term, packed in doc.terms.items():
            by_term[term].append((number, packed))
    encoded = {}
    small = _SMALL if count <= len(_SMALL) else None
    for term, found in by_term.items():
        df = len(found)
        idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
        scale = idf * (K1 + 1) * SCORE_SCALE
        parts, previous = [], -1
        append = parts.append
        for number, packed in found:
            weight = packed >> 1
            score = round(scale * weight / (weight + norms[number]))
            value = min(max(score, 1), MAX_SCORE) * 2 + (packed & 1)
            gap = number - previous - 1
            append(small[gap] + small[value] if small else _enc(gap) + _enc(value))
            previous = number
        encoded[term] = "".join(parts)
    return encoded


def _term_shards(docs: list[SearchDocument]) -> list[dict[str, str]]:
    """Sorted terms cut into runs of about SHARD_BYTES."""
    postings = _postings(docs)
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
